#!/usr/bin/env bash
# npm run train:scorer [-- MODEL_DIR]: trains the calibrated scorer of a model bundle on the
# experts' scores of the held-out speakers (../shared/data), in two steps:
#   1. the engine records its own scoring inputs for every held-out utterance (extract.ts);
#   2. tools/scorer/train.py fits the scorer and its per-fold variants into the bundle and names
#      it in the bundle's manifest.
# Needs a Python with numpy (PYTHON, default /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/../.."
model="${1:-models/default}"
data="$(mktemp --suffix=.jsonl)"
trap 'rm -f "$data"' EXIT
node --import tsx tools/scorer/extract.ts --model "$model" --out "$data"
"${PYTHON:-/usr/bin/python3}" tools/scorer/train.py --data "$data" --bundle "$model"
