#!/usr/bin/env bash
# Builds prebuilds/<platform>-<arch>/ for publishing: the N-API addon plus the ONNX Runtime
# libraries it loads through RPATH $ORIGIN. node-gyp-build picks these up at install time.
set -euo pipefail
cd "$(dirname "$0")/.."
npx prebuildify --napi --strip --backend cmake-js
target="prebuilds/$(node -p 'process.platform + "-" + process.arch')"
cp build/Release/libonnxruntime.so.1 build/Release/libonnxruntime_providers_*.so "$target/"
ls -l "$target"
