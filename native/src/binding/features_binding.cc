// computeFeatures(samples: Float32Array, frontend: FrontendConfig): Promise<Features>.
#include <napi.h>

#include <utility>
#include <vector>

#include "binding/args.h"
#include "binding/async_task.h"
#include "binding/frontend_config.h"
#include "binding/stages.h"
#include "features/frontend.h"

namespace binding {
namespace {

Napi::Value FeaturesToJs(Napi::Env env, const engine::Features& features) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("data", ToTypedArray<Napi::Float32Array>(env, features.data));
  result.Set("numFrames", Napi::Number::New(env, features.num_frames));
  result.Set("dim", Napi::Number::New(env, features.dim));
  return result;
}

Napi::Value ComputeFeatures(const Napi::CallbackInfo& info) {
  const Args args(info, "computeFeatures");
  std::vector<float> samples = args(0, "samples").Copy<float>();
  engine::FrontendConfig config = ReadFrontendConfig(args(1, "frontend"));
  return RunAsync(
      info.Env(),
      [samples = std::move(samples), config = std::move(config)] { return engine::ComputeFeatures(samples, config); },
      [](Napi::Env env, engine::Features& features) { return FeaturesToJs(env, features); });
}

}  // namespace

void InitFeatures(Napi::Env env, Napi::Object exports) {
  Export(env, exports, {{"computeFeatures", ComputeFeatures}});
}

}  // namespace binding
