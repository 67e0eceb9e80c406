#!/usr/bin/env bash
# Writes prebuilds/linux-x64/ for publishing, in prebuildify's layout and naming
# (<name>.napi.node), which node-gyp-build loads at install and run time. The directory needs
# nothing on the user's machine but glibc and libstdc++, in the manner of sharp's bundled libvips:
#   - the addon and its G2P helper, stripped, RUNPATH $ORIGIN;
#   - ONNX Runtime (libonnxruntime.so.1, libonnxruntime_providers_shared.so) beside them;
#   - every other shared library the addon loads (libsndfile and its codecs, libsoxr and
#     libgomp, libsentencepiece), copied from this machine with RUNPATH set to $ORIGIN;
#   - espeak-ng and libsonic linked statically into the helper (PA_STATIC_ESPEAK, no audio
#     output), and espeak-ng's data beside it, which the helper finds at run time;
#   - each bundled library's copyright file (licenses/).
# prebuildify itself only drives node-gyp, and this addon builds with cmake-js, so this script
# does its job. Needs patchelf and libsonic-dev (scripts/setup.sh --prebuild installs them).
# scripts/check-prebuild.mjs checks the result.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build-prebuild
npx cmake-js compile --out "$build" --CDCMAKE_BUILD_TYPE=Release --CDPA_STATIC_ESPEAK=ON
target="prebuilds/$(node -p 'process.platform + "-" + process.arch')"
rm -rf "$target" && mkdir -p "$target/licenses"

cp "$build/Release/pronunciation_engine.node" "$target/pronunciation-engine.napi.node"
cp "$build/Release/pronunciation_engine_g2p" "$target/"
strip --strip-unneeded "$target/pronunciation-engine.napi.node" "$target/pronunciation_engine_g2p"
cp -L "$build/Release/libonnxruntime.so.1" "$target/"
cp -L "$build/Release"/libonnxruntime_providers_shared.so "$target/"

# The C and C++ runtime stay the system's; everything else the addon loads is bundled.
system_lib='^(linux-vdso\.so\.1|ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libdl\.so\.2|librt\.so\.1|libpthread\.so\.0|libstdc\+\+\.so\.6|libgcc_s\.so\.1)$'
for elf in "$target/pronunciation-engine.napi.node" "$target/pronunciation_engine_g2p"; do
  # ldd lists the whole closure, so one pass finds the libraries' own dependencies too.
  ldd "$elf" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | while read -r name path; do
    [[ "$name" =~ $system_lib ]] && continue
    [ -e "$target/$name" ] && continue
    cp -L "$path" "$target/$name"
    chmod u+w "$target/$name"
    patchelf --set-rpath '$ORIGIN' "$target/$name"
    package=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1 || true)
    if [ -n "$package" ] && [ -f "/usr/share/doc/$package/copyright" ]; then
      cp "/usr/share/doc/$package/copyright" "$target/licenses/$package.copyright"
    fi
  done
done
cp third_party/onnxruntime/LICENSE "$target/licenses/onnxruntime.LICENSE"
for package in libespeak-ng1 libsonic0 espeak-ng-data; do
  [ -f "/usr/share/doc/$package/copyright" ] && cp "/usr/share/doc/$package/copyright" "$target/licenses/$package.copyright"
done

# espeak-ng's data, from the same installation as the static library the helper was linked with.
espeak_data="$(pkg-config --variable=libdir espeak-ng)/espeak-ng-data"
test -f "$espeak_data/phontab" || { echo "no espeak-ng data at $espeak_data" >&2; exit 1; }
cp -r "$espeak_data" "$target/espeak-ng-data"

du -sh "$target"
ls -l "$target"
