// Creates an ONNX Runtime session with the engine's options and the configured provider.
#pragma once

#include <onnxruntime_c_api.h>

#include "model/model_config.h"
#include "model/ort_handles.h"

namespace engine {

// MODEL_UNAVAILABLE when the file cannot be loaded or the provider cannot be used.
ort::Ptr<OrtSession> CreateSession(const OrtEnv& env, const ModelConfig& config);

// The intra-op thread count used when the config leaves it at 0.
int DefaultIntraOpThreads();

}  // namespace engine
