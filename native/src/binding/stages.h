// One registration function per pipeline stage; each lives in <stage>_binding.cc.
#pragma once

#include <napi.h>

namespace binding {

void InitAudio(Napi::Env env, Napi::Object exports);
void InitFeatures(Napi::Env env, Napi::Object exports);
void InitModel(Napi::Env env, Napi::Object exports);
void InitCtc(Napi::Env env, Napi::Object exports);
// The LogProbs handle class (log_probs.h): before InitModel, whose results are LogProbs.
void InitLogProbs(Napi::Env env, Napi::Object exports);
void InitDp(Napi::Env env, Napi::Object exports);
void InitG2p(Napi::Env env, Napi::Object exports);
void InitText(Napi::Env env, Napi::Object exports);

}  // namespace binding
