// Addon entry point: each pipeline stage registers its own functions.
#include <napi.h>

#include "binding/stages.h"
#include "model/ort_env.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  engine::ort::OptOutOfTelemetry();  // before any model loads: see model/ort_env.h
  binding::InitAudio(env, exports);
  binding::InitFeatures(env, exports);
  binding::InitLogProbs(env, exports);
  binding::InitModel(env, exports);
  binding::InitCtc(env, exports);
  binding::InitDp(env, exports);
  binding::InitG2p(env, exports);
  binding::InitText(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(pronunciation_engine, Init)
