// Reads a JS FrontendConfig (lib/native.ts) into engine::FrontendConfig.
// Shared by the features binding (computeFeatures) and the model config (loadModel's frontend).
#pragma once

#include "binding/args.h"
#include "features/frontend.h"

namespace binding {

// Checks every field's presence and type and the config's values (engine::ValidateFrontendConfig);
// throws a JS INVALID_INPUT error naming the first problem. Call on the JS thread.
engine::FrontendConfig ReadFrontendConfig(const Arg& arg);

}  // namespace binding
