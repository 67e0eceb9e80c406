# The assessment worker for RunPod serverless (GPU).
#   docker build -f Dockerfile.assess -t pronunciation-assess .
# ./Dockerfile is an exact copy, for the RunPod Hub, which builds a Dockerfile found in .runpod/
# or the repository root (test/workers/images.test.ts keeps the two equal: cp Dockerfile.assess Dockerfile).
# Build args:
#   ORT_VERSION, ORT_CUDA_MAJOR, ORT_ASSET, ORT_SHA256, ORT_URL
#                           the official ONNX Runtime GPU release, pinned: 1.29.0 (the C API of
#                           the committed headers, third_party/onnxruntime), its CUDA 12 build
#                           (onnxruntime-linux-x64-gpu_cuda12-1.29.0.tgz; releases name GPU assets
#                           gpu_cuda12/gpu_cuda13), checked against ORT_SHA256. Change them together.
#   CUDA_IMAGE              runtime base with CUDA + cuDNN 9 of that CUDA major (12.8); the oldest
#                           CUDA that .runpod/hub.json's allowedCudaVersions lists
#   EXPORT_MODELS           opt-in: hub models to export in the `export` stage with tools/export
#                           (each self-checks through the engine and fails the build when it does
#                           not match): any of wav2vec2_espeak zipa_ctc powsm_ctc (default: none).
#                           They land in models/wav2vec2-espeak, models/zipa-ctc, models/powsm-ctc;
#                           MODEL_DIR=/app/models/<name> selects one at run time. Network: the
#                           export stage downloads Python packages (PyPI, PyTorch's CPU wheel index,
#                           several GB) and each model's weights from the Hugging Face Hub
#                           (huggingface.co); without EXPORT_MODELS it downloads nothing.
#   EXPORT_REVISION_*       hub revision per model (default: the latest)
#   EXPORT_FP16             1 (default): also model_fp16.onnx for wav2vec2_espeak and powsm_ctc
#   TORCH_INDEX_URL         where the export stage's CPU torch wheels come from
#   MODEL_BUNDLE            a model bundle in the build context, baked in as models/default
#                           (default: models/plumbing, the pipeline-testing bundle, NOT a phone
#                           recogniser). At run time MODEL_DIR may point elsewhere instead, e.g.
#                           a RunPod network volume: MODEL_DIR=/runpod-volume/models/<bundle>.
#   MFA_VERSION             Montreal Forced Aligner from conda-forge, in its own environment
#                           (/opt/mfa, made with micromamba); MFA_ACOUSTIC_MODEL and MFA_DICTIONARY
#                           are downloaded at build time (`mfa model download`). The build fails when
#                           MFA cannot align the bundled example recording (smoke test, last stage).
#                           Network at build time: conda-forge and micro.mamba.pm (MICROMAMBA_URL) for
#                           MFA, and GitHub release assets for MFA's models, besides the npm registry
#                           and ONNX Runtime's release (and the model hub + PyPI for EXPORT_MODELS).
# The image runs `node dist/workers/assess/main.js` as the non-root user `app`: the RunPod worker
# loop when the platform sets RUNPOD_WEBHOOK_GET_JOB; `--serve --host 0.0.0.0` for the local
# RunPod-compatible API. ALIGNER=mfa makes MFA the default aligner (helpers start with the worker);
# otherwise a job's options.aligner "mfa" starts them.

ARG NODE_IMAGE=node:22-bookworm-slim
ARG BUILD_IMAGE=ubuntu:24.04
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

FROM ${NODE_IMAGE} AS node

# ---- build: the addon against the official ONNX Runtime release, and the TypeScript --------
# Same Ubuntu release as the runtime base, so the addon links the same glibc, libsndfile, libsoxr and libsentencepiece.
FROM ${BUILD_IMAGE} AS build
ARG ORT_VERSION=1.29.0
ARG ORT_CUDA_MAJOR=12
ARG ORT_ASSET=onnxruntime-linux-x64-gpu_cuda${ORT_CUDA_MAJOR}-${ORT_VERSION}.tgz
ARG ORT_SHA256=4ca594a0da83927befbd73fe020d7f569be151d70bb4fe9741ad405f4882e2ad
ARG ORT_URL=https://github.com/microsoft/onnxruntime/releases/download/v${ORT_VERSION}/${ORT_ASSET}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config python3 ca-certificates curl \
      libsndfile1-dev libsoxr-dev libespeak-ng-dev libsentencepiece-dev \
 && rm -rf /var/lib/apt/lists/*
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
RUN mkdir -p /opt/onnxruntime \
 && curl -fsSL -o /tmp/onnxruntime.tgz "${ORT_URL}" \
 && echo "${ORT_SHA256}  /tmp/onnxruntime.tgz" | sha256sum -c - \
 && tar -xzf /tmp/onnxruntime.tgz -C /opt/onnxruntime --strip-components=1 \
 && rm /tmp/onnxruntime.tgz \
 && test -f /opt/onnxruntime/include/onnxruntime_c_api.h
ENV ORT_ROOT=/opt/onnxruntime
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the addon is built below, once the sources are here.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY CMakeLists.txt tsconfig.json tsconfig.build.json ./
COPY cmake ./cmake
COPY native ./native
COPY lib ./lib
COPY workers ./workers
RUN npx cmake-js compile --CDCMAKE_BUILD_TYPE=Release \
 && npm run build:ts \
 && test -f build/Release/libonnxruntime_providers_cuda.so

# ---- hub models exported to bundles (tools/export), checked through the engine built above ----
# The exporters' environment is tools/export/setup-venv.sh with its pins (requirements.txt +
# constraints.txt), the one the exporter tests run in outside Docker (test/export-real.test.ts);
# here torch comes from PyTorch's CPU wheel index (same versions, no CUDA wheels). Ubuntu 24.04's
# python3 is 3.12, which espnet 202611 requires.
FROM build AS export
ARG EXPORT_MODELS=""
ARG EXPORT_REVISION_WAV2VEC2_ESPEAK=""
ARG EXPORT_REVISION_ZIPA_CTC=""
ARG EXPORT_REVISION_POWSM_CTC=""
# "1": wav2vec2_espeak and powsm_ctc also write model_fp16.onnx, self-checked in float16 (self_check_fp16)
ARG EXPORT_FP16=1
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3-venv \
 && rm -rf /var/lib/apt/lists/*
COPY tools/export ./tools/export
RUN if [ -n "$EXPORT_MODELS" ]; then \
      PIP_EXTRA_ARGS="--no-cache-dir --index-url ${TORCH_INDEX_URL}" PYTHON=python3 bash tools/export/setup-venv.sh /opt/export \
   && rm -rf /root/.cache/pip; \
    fi
COPY examples ./examples
RUN mkdir -p /models \
 && for m in $EXPORT_MODELS; do \
      fp16=""; \
      case "$m" in \
        wav2vec2_espeak) dir=wav2vec2-espeak; rev="$EXPORT_REVISION_WAV2VEC2_ESPEAK"; [ "$EXPORT_FP16" = 1 ] && fp16=--fp16 ;; \
        zipa_ctc) dir=zipa-ctc; rev="$EXPORT_REVISION_ZIPA_CTC" ;; \
        powsm_ctc) dir=powsm-ctc; rev="$EXPORT_REVISION_POWSM_CTC"; [ "$EXPORT_FP16" = 1 ] && fp16=--fp16 ;; \
        *) echo "unknown EXPORT_MODELS entry $m" >&2; exit 1 ;; \
      esac; \
      /opt/export/bin/python tools/export/$m.py --out /models/$dir ${rev:+--revision "$rev"} $fp16 || exit 1; \
    done

# ---- runtime node_modules ---------------------------------------------------------------------
FROM build AS prod-deps
# Runtime dependencies only (ONNX Runtime sits beside the addon; its npm package and cmake-js are
# devDependencies). @aws-sdk/client-s3 is an optional peer of the package, needed only for s3://
# audio, which the workers fetch: promoted to a dependency here, at its locked version.
RUN npm prune --omit=dev --no-audit --no-fund \
 && npm pkg set "dependencies.@aws-sdk/client-s3=$(npm pkg get 'devDependencies.@aws-sdk/client-s3' | tr -d '"')" \
 && npm pkg delete "devDependencies.@aws-sdk/client-s3" \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
 && node -e "import('@aws-sdk/client-s3')" \
 && test ! -e node_modules/com.github.asus4.onnxruntime

# ---- MFA: Montreal Forced Aligner in its own conda-forge environment ------------------------
FROM ${BUILD_IMAGE} AS mfa
ARG MFA_VERSION=3.4.1
ARG MFA_ACOUSTIC_MODEL=english_mfa
ARG MFA_DICTIONARY=english_us_mfa
ARG MICROMAMBA_URL=https://micro.mamba.pm/api/micromamba/linux-64/latest
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl bzip2 \
 && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL "${MICROMAMBA_URL}" | tar -xj -C /usr/local bin/micromamba \
 && micromamba create -y -p /opt/mfa -c conda-forge --override-channels "montreal-forced-aligner=${MFA_VERSION}" \
 && micromamba clean --all --yes
# Models into MFA_ROOT_DIR/pretrained_models, where `english_mfa` is found by name at run time.
ENV MFA_ROOT_DIR=/opt/mfa-root
RUN /opt/mfa/bin/mfa model download acoustic "${MFA_ACOUSTIC_MODEL}" \
 && /opt/mfa/bin/mfa model download dictionary "${MFA_DICTIONARY}" \
 && /opt/mfa/bin/python -c "import montreal_forced_aligner, kalpy; print('MFA', montreal_forced_aligner.__version__)"

# ---- the model bundle to bake in: a real recogniser, or the plumbing bundle only when allowed ----
FROM build AS model
ARG MODEL_BUNDLE=models/default
ARG ALLOW_PLUMBING_MODEL=""
COPY models ./models
RUN set -e; \
    if [ -z "$MODEL_BUNDLE" ] || [ ! -f "$MODEL_BUNDLE/manifest.json" ]; then \
      echo "MODEL_BUNDLE must name a model bundle (a directory with manifest.json) under models/ in the build context, e.g. models/default; got \"$MODEL_BUNDLE\"" >&2; exit 1; \
    fi; \
    weights=$(node -p "require('path').resolve('$MODEL_BUNDLE', require('./$MODEL_BUNDLE/manifest.json').model)"); \
    if [ "$(node -p "require('./$MODEL_BUNDLE/manifest.json').name")" = plumbing ] || cmp -s "$weights" models/plumbing/model.onnx; then \
      if [ "$ALLOW_PLUMBING_MODEL" != 1 ]; then \
        echo "MODEL_BUNDLE=$MODEL_BUNDLE is the plumbing bundle: random weights that recognise nothing and score everything near 1. Give a real model, or ALLOW_PLUMBING_MODEL=1 for a pipeline smoke test." >&2; exit 1; \
      fi; \
      echo "WARNING: baking in the plumbing bundle (ALLOW_PLUMBING_MODEL=1): a smoke-test image, not a pronunciation assessor" >&2; \
    fi; \
    mkdir -p /model && cp -r "$MODEL_BUNDLE"/. /model/

# ---- runtime ------------------------------------------------------------------------------
FROM ${CUDA_IMAGE}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsndfile1 libsoxr0 libespeak-ng1 libsentencepiece0 ffmpeg ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=node /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/build/Release ./build/Release
COPY --from=model /model ./models/default
COPY --from=export /models ./models
# MFA at the same path as where it was built (conda environments are not relocatable), its models,
# the warm helper script (lib/mfa), and the recording for the smoke test below.
COPY --from=mfa /opt/mfa /opt/mfa
COPY --from=mfa /opt/mfa-root /opt/mfa-root
COPY --from=build /app/lib/mfa/mfa_helper.py ./lib/mfa/mfa_helper.py
COPY examples/001040067.flac ./examples/001040067.flac
# Non-root: MFA's state (MFA_ROOT_DIR) must be writable by the user that runs it.
RUN useradd --create-home --uid 10001 app \
 && chown -R app /opt/mfa-root
# The addon's decoding and inference run on the libuv pool: room for WORKER_CONCURRENCY jobs
# plus file and DNS work. Pings never wait for it (workers/runtime/dns-cache.ts).
# glibc gives threads that allocate at once their own malloc arenas (up to 8 per core: 128 on a
# 16-core host), each keeping its own free memory: with 2, a worker held 24 MB less after 4,000
# jobs on 2 cores, at the same speed, and in-use bytes showed no leak (workers/README.md, Memory).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    UV_THREADPOOL_SIZE=16 \
    EXECUTION_PROVIDER=cuda \
    WORKER_CONCURRENCY=4 \
    AUDIO_MAX_BYTES=25000000 \
    AUDIO_MAX_DURATION_SEC=60 \
    ALIGNER=ctc \
    MFA_ROOT_DIR=/opt/mfa-root \
    MFA_PYTHON=/opt/mfa/bin/python \
    MFA_COMMAND=/opt/mfa/bin/mfa \
    MFA_ACOUSTIC_MODEL=english_mfa
USER app
# Smoke test: the build fails unless MFA aligns the example recording, once through the warm helper
# and once through the `mfa align_one` fallback (workers/assess/mfa-smoke-test.ts; strict, so a
# failure is an error rather than CTC spans; CPU, as there is no GPU at build time).
RUN node dist/workers/assess/mfa-smoke-test.js helper align_one
CMD ["node", "dist/workers/assess/main.js"]
