#!/usr/bin/env bash
# Runs `npm run bench:gpu` on a GPU machine that has no internet and gets at most ~64 MiB of
# carried files per call (the device tool; see bench/gpu/README.md for the whole procedure).
#
#   here (a machine with npm + the built addon):
#     scripts/gpu-bench.sh pack [--part-mib 40] [--no-node]
#         -> .gpu-carry/stage1/base.tar.zst (addon + ONNX Runtime core, its C libraries, the bench bundled
#            into one .mjs, a node binary, speech clips) and .gpu-carry/stage2..N (the CUDA
#            provider library of npm com.github.asus4.onnxruntime.linux-x64-gpu, zstd, in parts)
#   there, one call per stage, each carrying its folder, calls back to back (the machine must stay warm):
#     scripts/gpu-bench.sh stage .gpu-carry/stageK
#   there, after the last stage (may be chained onto it):
#     scripts/gpu-bench.sh probe        what the machine has (GPU, node, CUDA libraries, python packages)
#     scripts/gpu-bench.sh assemble     rebuilds the provider library from the parts (sha256-checked)
#     scripts/gpu-bench.sh check-hf     tools/export/wav2vec2_plain.py against transformers (small + large)
#     scripts/gpu-bench.sh model        bench/make_bench_model.py -> /tmp/gpu-bench/model (fp32 + fp16)
#     scripts/gpu-bench.sh bench [ARGS] npm run bench:gpu equivalent (bundled), JSON + log to $OUT
#     scripts/gpu-bench.sh all  [ARGS]  probe, assemble, check-hf, model, bench
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARRY="$REPO/.gpu-carry"
WORK="${GPU_BENCH_WORK:-/tmp/gpu-bench}"
OUTDIR="${OUT:-$WORK/out}"
PY="${BENCH_PYTHON:-python3}"   # the Python with torch (+ transformers) there
ORT_GPU_PKG="com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9"
# glibc, the C++ runtime and libgomp come from the machine itself (carrying Debian's could
# shadow newer ones); ONNX Runtime is beside the addon.
SYSTEM_LIBS='^(libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|libgomp|ld-linux-x86-64|linux-vdso|libonnxruntime)\.so'

log() { printf '[gpu-bench] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- here
pack() {
  local part_mib=40 with_node=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --part-mib) part_mib="$2"; shift 2 ;;
      --no-node) with_node=0; shift ;;
      *) log "unknown pack option $1"; exit 2 ;;
    esac
  done
  cd "$REPO"
  local addon=build/Release/pronunciation_engine.node
  [ -f "$addon" ] || { log "building the addon (npm run build:native)"; npm run build:native; }
  rm -rf "$CARRY"
  local base="$CARRY/base"
  mkdir -p "$base/addon" "$base/lib" "$base/app" "$base/speech/audio"

  # The addon and the ONNX Runtime core it links (RUNPATH $ORIGIN), dereferenced.
  cp -L "$addon" build/Release/libonnxruntime.so.1 "$base/addon/"
  cp -L build/Release/libonnxruntime_providers_shared.so "$base/addon/" 2>/dev/null || true
  # Its non-system shared libraries (libsndfile + codecs, libsoxr, libgomp): the GPU image may lack them.
  ldd "$addon" | awk '/=> \//{print $1" "$3}' | while read -r name path; do
    if ! [[ "$name" =~ $SYSTEM_LIBS ]]; then cp -L "$path" "$base/lib/$name"; fi
  done
  # bench/model.ts and everything it imports in one ES module (zod etc. inlined); the addon is
  # found through PRONUNCIATION_ENGINE_ADDON, the repository through BENCH_ROOT.
  node_modules/.bin/esbuild bench/model.ts --bundle --platform=node --format=esm --target=node20 \
    --outfile="$base/app/model.mjs" --external:cmu-pronouncing-dictionary --log-level=warning \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
  # Real speech: the clips bench/model.ts would pick from ../shared/data/speechocean762-dev.
  local so="$REPO/../shared/data/speechocean762-dev"
  if [ -d "$so/audio" ]; then
    cp "$so/text-phone" "$base/speech/"
    node --import tsx --input-type=module -e "
      import { selectClips } from '$REPO/bench/model.ts';
      for (const c of selectClips(16)) if (c.path.includes('speechocean')) console.log(c.path);" \
      | while read -r f; do cp "$f" "$base/speech/audio/"; done
  else
    log "no $so: the GPU run will use examples/ only"
  fi
  if [ "$with_node" = 1 ]; then cp -L "$(command -v node)" "$base/node"; fi
  (cd "$base" && find . -type f ! -name SHA256SUMS -print0 | xargs -0 sha256sum > SHA256SUMS)

  # The CUDA provider (about 230 MB; CUDA 13, cuBLAS 13, cuDNN 9), compressed, in parts.
  local tmp; tmp="$(mktemp -d)"
  if [ -n "${ORT_GPU_TGZ:-}" ]; then cp "$ORT_GPU_TGZ" "$tmp/pkg.tgz"; else (cd "$tmp" && npm pack -q "$ORT_GPU_PKG" >/dev/null && mv ./*.tgz pkg.tgz); fi
  tar xzf "$tmp/pkg.tgz" -C "$tmp"
  local so_file="$tmp/package/Plugins/Linux/x64/libonnxruntime_providers_cuda.so"
  zstd -q -T0 -12 "$so_file" -o "$tmp/cuda.so.zst"
  (cd "$tmp" && split -b "${part_mib}M" -d -a 2 cuda.so.zst cuda.so.zst.part.)
  local k=2
  for part in "$tmp"/cuda.so.zst.part.*; do
    mkdir -p "$CARRY/stage$k"; mv "$part" "$CARRY/stage$k/"; k=$((k + 1))
  done
  { sha256sum "$so_file" | awk '{print $1"  libonnxruntime_providers_cuda.so"}'
    (cd "$tmp" && sha256sum cuda.so.zst); } > "$base/provider.sha256"
  mkdir -p "$CARRY/stage1"
  tar -C "$base" -cf - . | zstd -q -T0 -12 -o "$CARRY/stage1/base.tar.zst"
  rm -rf "$base"
  rm -rf "$tmp"
  log "packed (sizes must stay under 64 MiB per call, together with the working tree):"
  du -sh "$CARRY"/stage* >&2
  du -sh --exclude=.git --exclude=node_modules --exclude=build --exclude=.gpu-carry "$REPO" >&2 || true
  log "now: one device call per stage, back to back, carrying .gpu-carry/stageK and running"
  log "  bash scripts/gpu-bench.sh stage .gpu-carry/stageK   (the last one: ... && bash scripts/gpu-bench.sh all)"
}

# ---------------------------------------------------------------- there
stage() {
  local dir="$1"
  mkdir -p "$WORK/parts"
  if [ -f "$dir/base.tar.zst" ]; then
    rm -rf "$WORK/base"; mkdir -p "$WORK/base"
    zstd -q -d -c "$dir/base.tar.zst" | tar -C "$WORK/base" -xf -
    (cd "$WORK/base" && sha256sum -c --quiet SHA256SUMS) || { log "base files corrupt (sha256)"; exit 1; }
  fi
  cp "$dir"/cuda.so.zst.part.* "$WORK/parts/" 2>/dev/null || true
  log "staged $dir; $WORK now holds:"; du -sh "$WORK"/* >&2
}

node_bin() {
  if command -v node >/dev/null && node -e 'process.exit(+process.versions.node.split(".")[0] < 20 ? 1 : 0)'; then command -v node; return; fi
  [ -x "$WORK/base/node" ] || { log "no node >= 20 here and none carried"; exit 1; }
  echo "$WORK/base/node"
}

# CUDA 13 / cuDNN 9 library folders: pip's nvidia-* wheels (torch's), torch/lib, the toolkit.
cuda_lib_dirs() {
  "$PY" - <<'EOF' 2>/dev/null || true
import glob, os, site
roots = site.getsitepackages() + [site.getusersitepackages()]
dirs = set()
for r in roots:
    for pattern in ("nvidia/*/lib", "nvidia/*/lib64", "nvidia/cu*/lib", "torch/lib"):
        dirs.update(d for d in glob.glob(os.path.join(r, pattern)) if os.path.isdir(d))
print(":".join(sorted(dirs)))
EOF
}

setup_env() {
  local extra; extra="$(cuda_lib_dirs)"
  # The carried libraries last: they only fill in what the machine lacks (libsndfile, libsoxr).
  export LD_LIBRARY_PATH="${extra}:/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}:$WORK/base/lib"
  export PRONUNCIATION_ENGINE_ADDON="$WORK/base/addon/pronunciation_engine.node"
  export BENCH_ROOT="$REPO" BENCH_SPEECH_DIR="$WORK/base/speech"
  export PYTHONUNBUFFERED=1
}

probe() {
  setup_env
  mkdir -p "$OUTDIR"
  {
    echo "== nvidia-smi"; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
    echo "== node"; "$(node_bin)" --version || true
    echo "== python ($PY)"; "$PY" - <<'EOF' || true
import importlib, json
out = {}
for name in ("torch", "transformers", "onnx", "onnxruntime", "librosa", "soundfile", "onnxconverter_common"):
    try:
        m = importlib.import_module(name)
        out[name] = getattr(m, "__version__", "?")
    except Exception as e:  # noqa: BLE001
        out[name] = f"missing ({type(e).__name__})"
try:
    import torch
    out["cuda"] = torch.version.cuda
    out["gpu"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
except Exception:
    pass
try:
    import onnxruntime as ort, os, glob
    out["onnxruntime_providers"] = ort.get_available_providers()
    capi = os.path.join(os.path.dirname(ort.__file__), "capi")
    out["onnxruntime_capi_libs"] = sorted(os.path.basename(p) for p in glob.glob(os.path.join(capi, "*.so*")))
except Exception:
    pass
print(json.dumps(out, indent=1))
EOF
    echo "== CUDA library folders"; cuda_lib_dirs | tr ':' '\n'
    echo "== libraries the engine needs, as resolved here"
    for f in "$WORK/base/addon/pronunciation_engine.node" "$WORK/base/addon/libonnxruntime_providers_cuda.so"; do
      [ -f "$f" ] && { echo "-- $f"; ldd "$f" | grep -E 'not found|cublas|cudart|curand|cudnn|sndfile|soxr|onnxruntime' || true; }
    done
  } 2>&1 | tee "$OUTDIR/probe.txt"
  # pip's onnxruntime (python) is another version (1.30 seen) and, without -gpu, has no CUDA
  # provider; a provider library only works with the core of its own version, so it is only
  # reported here, never mixed with the 1.29 core the addon links.
}

assemble() {
  local target="$WORK/base/addon/libonnxruntime_providers_cuda.so"
  if [ -f "$target" ]; then log "provider already assembled"; return; fi
  ls "$WORK/parts"/cuda.so.zst.part.* >/dev/null || { log "no provider parts staged"; exit 1; }
  cat "$WORK/parts"/cuda.so.zst.part.* > "$WORK/cuda.so.zst"
  (cd "$WORK" && grep ' cuda.so.zst$' base/provider.sha256 | sha256sum -c --quiet) || { log "provider parts incomplete or corrupt (sha256)"; exit 1; }
  zstd -q -d "$WORK/cuda.so.zst" -o "$target"
  (cd "$WORK/base/addon" && grep 'libonnxruntime_providers_cuda.so$' ../provider.sha256 | sha256sum -c --quiet)
  rm -f "$WORK/cuda.so.zst"
  setup_env
  if ldd "$target" | grep 'not found'; then log "the CUDA provider misses the libraries above (LD_LIBRARY_PATH=$LD_LIBRARY_PATH)"; exit 1; fi
  log "CUDA provider assembled: $target"
}

check_hf() {
  mkdir -p "$OUTDIR"
  "$PY" "$REPO/tools/export/wav2vec2_plain.py" --check-hf --large 2>&1 | tee "$OUTDIR/check-hf.txt"
}

model() {
  if [ -f "$WORK/model/manifest.json" ]; then log "bench model already built"; return; fi
  "$PY" "$REPO/bench/make_bench_model.py" --out "$WORK/model" --fp16 auto 2>&1 | grep -v -i warning | tail -5
}

bench() {
  setup_env
  mkdir -p "$OUTDIR"
  set -o pipefail
  BENCH_MODEL="$WORK/model" BENCH_PYTHON="$PY" "$(node_bin)" "$WORK/base/app/model.mjs" --gpu --json "$OUTDIR/bench-gpu.json" "$@" 2>&1 | tee "$OUTDIR/bench-gpu.log"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  pack) pack "$@" ;;
  stage) stage "$@" ;;
  probe) probe ;;
  assemble) assemble ;;
  check-hf) check_hf ;;
  model) model ;;
  bench) bench "$@" ;;
  all) probe; assemble; check_hf || log "check-hf FAILED (continuing)"; model; bench "$@" ;;
  *) sed -n '2,22p' "$0"; exit 2 ;;
esac
