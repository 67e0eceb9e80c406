#!/usr/bin/env bash
# Writes prebuilds/<platform>-<arch>/ for publishing, in prebuildify's layout and naming
# (<name>.napi.node, stripped), which node-gyp-build loads at install and run time.
# prebuildify itself only drives node-gyp, and this addon builds with cmake-js, so the
# script does prebuildify's job: a release build, strip, copy, plus the ONNX Runtime
# libraries the addon finds beside itself through RPATH $ORIGIN.
set -euo pipefail
cd "$(dirname "$0")/.."
npx cmake-js rebuild --CDCMAKE_BUILD_TYPE=Release
target="prebuilds/$(node -p 'process.platform + "-" + process.arch')"
rm -rf "$target" && mkdir -p "$target"
cp build/Release/pronunciation_engine.node "$target/pronunciation-engine.napi.node"
strip --strip-unneeded "$target/pronunciation-engine.napi.node"
# The espeak-ng helper program (G2P runs in it, isolated from the addon) and ONNX Runtime.
cp build/Release/pronunciation_engine_g2p build/Release/libonnxruntime.so.1 build/Release/libonnxruntime_providers_*.so "$target/"
ls -l "$target"
