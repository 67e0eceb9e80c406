// Reads a JS FrontendConfig (lib/native.ts) into engine::FrontendConfig.
// Shared by the features binding (computeFeatures) and the model binding (loadModel's frontend).
#pragma once

#include <napi.h>

#include "features/frontend.h"

namespace binding {

// Checks every field's presence and type and the config's values (engine::ValidateFrontendConfig);
// throws a JS INVALID_INPUT error on the first problem. Call on the JS thread.
engine::FrontendConfig ParseFrontendConfig(Napi::Env env, const Napi::Value& value);

}  // namespace binding
