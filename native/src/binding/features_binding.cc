// computeFeatures(samples: Float32Array, frontend: FrontendConfig): Promise<Features>.
#include <napi.h>

#include <cstring>
#include <utility>
#include <vector>

#include "binding/async_task.h"
#include "binding/frontend_config.h"
#include "binding/js_error.h"
#include "binding/stages.h"
#include "binding/typed_array_args.h"
#include "features/frontend.h"

namespace binding {

namespace {

Napi::Value FeaturesToJs(Napi::Env env, const engine::Features& features) {
  Napi::Float32Array data = Napi::Float32Array::New(env, features.data.size());
  if (!features.data.empty()) {
    std::memcpy(data.Data(), features.data.data(), features.data.size() * sizeof(float));
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("data", data);
  result.Set("numFrames", Napi::Number::New(env, features.num_frames));
  result.Set("dim", Napi::Number::New(env, features.dim));
  return result;
}

Napi::Value ComputeFeaturesJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2) ThrowJsError(env, "INVALID_INPUT", "computeFeatures(samples, frontend) needs 2 arguments");
  std::vector<float> samples = CopyOf(RequireTypedArray<float>(env, info[0], "samples must be a Float32Array"));
  engine::FrontendConfig config = ParseFrontendConfig(env, info[1]);
  return RunAsync(
      env,
      [samples = std::move(samples), config = std::move(config)] { return engine::ComputeFeatures(samples, config); },
      [](Napi::Env env, engine::Features& features) { return FeaturesToJs(env, features); });
}

}  // namespace

void InitFeatures(Napi::Env env, Napi::Object exports) {
  exports.Set("computeFeatures", Napi::Function::New(env, ComputeFeaturesJs, "computeFeatures"));
}

}  // namespace binding
