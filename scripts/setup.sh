#!/usr/bin/env bash
# The README's first command on a fresh Debian or Ubuntu machine: installs the system packages
# (with sudo unless root), the npm dependencies from the lock file (npm ci, which builds the
# addon from source), then runs the demo. .ci/run runs it with --no-demo.
#   ./scripts/setup.sh [--no-demo]
# Node >= 20.19 is taken from the distribution when its nodejs is new enough (Debian 13);
# otherwise install Node first (https://nodejs.org) and run this again.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the build needs (CMake's pkg-config modules and the toolchain), what the tests use, and
# what `npm run prebuilds` needs (patchelf, the static libsonic the G2P helper links).
BUILD_PACKAGES="build-essential cmake ninja-build pkg-config libsndfile1-dev libsoxr-dev libsentencepiece-dev libespeak-ng-dev"
TEST_PACKAGES="espeak-ng sox libsox-fmt-all ffmpeg python3 python3-numpy python3-onnx chromium fonts-dejavu-core"
PREBUILD_PACKAGES="patchelf libsonic-dev"

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update

node_ok() { command -v node >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; }
NODE_PACKAGES=""
if ! node_ok; then
  candidate=$(apt-cache policy nodejs | awk '/Candidate:/ { print $2 }')
  if [ -n "$candidate" ] && [ "$candidate" != "(none)" ] && dpkg --compare-versions "$candidate" ge 20.19; then
    NODE_PACKAGES="nodejs npm"
  else
    echo "Node >= 20.19 is needed and this distribution offers nodejs ${candidate:-none}: install Node from https://nodejs.org (or your usual source), then run ./scripts/setup.sh again." >&2
    exit 1
  fi
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y --no-install-recommends $BUILD_PACKAGES $TEST_PACKAGES $PREBUILD_PACKAGES $NODE_PACKAGES

npm ci --no-audit --no-fund
if [ "${1:-}" != "--no-demo" ]; then
  npm run demo
fi
