#!/usr/bin/env bash
# Creates the exporters' development environment: a Python venv OUTSIDE the repository with the
# pinned torch (CPU use), torchaudio, transformers, espnet, lhotse, onnx and onnxruntime of
# tools/export/requirements.txt. Several GB; CI never runs this (.ci/run stays lean).
#
#   bash tools/export/setup-venv.sh [VENV_DIR]
#
# VENV_DIR defaults to $EXPORT_VENV, else ../venv-export beside the repository. The tests that
# need it (test/export-real.test.ts) look there (and in ../../venv-export from a git worktree)
# and say so when it is absent; under CI=true they run only when EXPORT_VENV names it.
# PYTHON picks the interpreter (default: the first of python3.12, python3.13, python3 that is 3.12
# or 3.13, as espnet 202611 requires). PIP_EXTRA_ARGS is passed to pip,
# e.g. --index-url of a CPU-only torch wheel index where one is reachable (Dockerfile.assess).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${1:-${EXPORT_VENV:-$(dirname "$root")/venv-export}}"

case "$(cd "$(dirname "$venv")" 2>/dev/null && pwd)/" in
  "$root"/*) echo "setup-venv: $venv is inside the repository; put it outside (default $(dirname "$root")/venv-export)" >&2; exit 2 ;;
esac
fits() { "$1" -c 'import sys; sys.exit(0 if (3, 12) <= sys.version_info[:2] <= (3, 13) else 1)' >/dev/null 2>&1; }
python=""
for candidate in ${PYTHON:-python3.12 python3.13 python3}; do
  if fits "$candidate"; then python="$candidate"; break; fi
done
[ -n "$python" ] || { echo "setup-venv: no Python 3.12 or 3.13 found (tried ${PYTHON:-python3.12 python3.13 python3}; set PYTHON)" >&2; exit 2; }

[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
# torch first and alone, so an index given in PIP_EXTRA_ARGS serves it; the rest from PyPI.
"$venv/bin/pip" install --no-input ${PIP_EXTRA_ARGS:-} \
  "$(grep -E '^torch==' "$here/requirements.txt")" "$(grep -E '^torchaudio==' "$here/requirements.txt")"
"$venv/bin/pip" install --no-input -r "$here/requirements.txt" -c "$here/constraints.txt"
"$venv/bin/python" - <<'PY'
import espnet, lhotse, onnx, onnxruntime, torch, torchaudio, transformers
print('export venv ready: ' + ', '.join(f'{m.__name__} {m.__version__}' for m in
      (torch, torchaudio, transformers, espnet, lhotse, onnx, onnxruntime)))
PY
echo "$venv"
