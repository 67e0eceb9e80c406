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

supp=""
[ -f native/test/lsan.supp ] && supp="suppressions=$PWD/native/test/lsan.supp"
# ONNX Runtime leaks a few bytes in CreateEnv; the suppression matches its stack, which needs
# slow unwinding on malloc to be seen.
ASAN_OPTIONS="fast_unwind_on_malloc=0" LSAN_OPTIONS="$supp" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" ./build-asan/native_tests

[ "${1:-}" = "--native-only" ] && exit 0

npm run build:ts
ASAN_LIBS="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
LD_PRELOAD="$ASAN_LIBS" \
ASAN_OPTIONS="detect_leaks=0:abort_on_error=0" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
PRONUNCIATION_ENGINE_ADDON="$PWD/build-asan/Debug/pronunciation_engine.node" \
  npx vitest run
