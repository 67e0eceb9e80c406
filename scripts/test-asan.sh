#!/usr/bin/env bash
# Builds the addon and the native core tests with AddressSanitizer + UBSan into build-asan/,
# runs the native tests (LeakSanitizer on), then, unless --native-only, the whole vitest
# suite against the instrumented addon (leak checks off there: Node itself keeps
# allocations alive at exit).
set -euo pipefail
cd "$(dirname "$0")/.."

npx cmake-js compile --debug --out build-asan --CDPA_SANITIZE=address --CDPA_BUILD_NATIVE_TESTS=ON

# The model tests need the tiny ONNX graphs; make them with a Python that has onnx + numpy.
for py in "${PYTHON:-}" python3 /usr/bin/python3; do
  if [ -n "$py" ] && "$py" -c 'import onnx, numpy' 2>/dev/null; then
    PA_TINY_MODELS_DIR="$(mktemp -d)"
    export PA_TINY_MODELS_DIR
    "$py" tools/fixtures/make_tiny_models.py "$PA_TINY_MODELS_DIR"
    trap 'rm -rf "$PA_TINY_MODELS_DIR"' EXIT
    break
  fi
done

# No leak suppressions: the 14 bytes ONNX Runtime leaked in CreateEnv were its telemetry's,
# which the tests switch off as the addon does (model/ort_env.h).
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" ./build-asan/native_tests

[ "${1:-}" = "--native-only" ] && exit 0

npm run build:ts
ASAN_LIBS="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
LD_PRELOAD="$ASAN_LIBS" \
ASAN_OPTIONS="detect_leaks=0:abort_on_error=0" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
PRONUNCIATION_ENGINE_ADDON="$PWD/build-asan/Debug/pronunciation_engine.node" \
  npx vitest run
