// Reads loadModel's JS NativeModelConfig (lib/native.ts) into engine::ModelConfig and its
// frontend, and infer's per-call input values. Call on the JS thread; problems throw JS
// INVALID_INPUT errors naming the field ("loadModel: config.output.skipFrames must be ...").
#pragma once

#include <vector>

#include "binding/args.h"
#include "features/frontend.h"
#include "model/input_tensors.h"
#include "model/model_config.h"

namespace binding {

struct ModelConfigArgs {
  engine::ModelConfig model;
  engine::FrontendConfig frontend;
};

// Checks field types here and the values with engine::ValidateConfig (synchronously, so every
// malformed config throws before any work is queued).
ModelConfigArgs ReadModelConfig(const Arg& config);

// infer's optional second argument: {name: {shape: number[], data: number[]}} of safe integers.
std::vector<engine::InputOverride> ReadInputOverrides(const Arg& inputs);

}  // namespace binding
