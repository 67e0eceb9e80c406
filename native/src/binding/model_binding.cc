// loadModel, availableProviders and the NativeModel class (infer, inferBatch, info). The config
// and per-call inputs are read by model_config.h.
#include <napi.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "binding/args.h"
#include "binding/async_task.h"
#include "binding/js_error.h"
#include "binding/log_probs.h"
#include "binding/model_config.h"
#include "binding/stages.h"
#include "model/model.h"
#include "model/ort_env.h"

namespace binding {
namespace {

using ModelHandle = std::shared_ptr<const engine::Model>;

// ---------- results to JavaScript ----------

Napi::Array ShapeToJs(Napi::Env env, const std::vector<int64_t>& shape) {
  Napi::Array array = Napi::Array::New(env, shape.size());
  for (uint32_t i = 0; i < shape.size(); ++i) array.Set(i, Napi::Number::New(env, static_cast<double>(shape[i])));
  return array;
}

Napi::Array TensorInfosToJs(Napi::Env env, const std::vector<engine::TensorInfo>& tensors) {
  Napi::Array array = Napi::Array::New(env, tensors.size());
  for (uint32_t i = 0; i < tensors.size(); ++i) {
    Napi::Object tensor = Napi::Object::New(env);
    tensor.Set("name", tensors[i].name);
    tensor.Set("dtype", tensors[i].dtype);
    tensor.Set("shape", ShapeToJs(env, tensors[i].shape));
    array.Set(i, tensor);
  }
  return array;
}

// The log-probabilities stay native, moved (not copied) into a LogProbs handle.
Napi::Object InferenceResultToJs(Napi::Env env, engine::InferenceResult& result) {
  Napi::Object timings = Napi::Object::New(env);
  timings.Set("featuresMs", result.features_ms);
  timings.Set("inferenceMs", result.inference_ms);
  timings.Set("batchSize", static_cast<double>(result.batch_size));
  Napi::Object object = Napi::Object::New(env);
  object.Set("logProbs", NewLogProbs(env, std::make_shared<const engine::LogProbBuffer>(engine::LogProbBuffer{
                                              std::move(result.log_probs), static_cast<size_t>(result.num_frames),
                                              static_cast<size_t>(result.vocab_size)})));
  object.Set("timings", timings);
  return object;
}

// Each item's result, or an Error with its code where that item alone failed.
Napi::Array BatchResultsToJs(Napi::Env env, std::vector<engine::BatchItemResult>& results) {
  Napi::Array array = Napi::Array::New(env, results.size());
  for (uint32_t i = 0; i < results.size(); ++i) {
    engine::BatchItemResult& item = results[i];
    if (item.result) {
      array.Set(i, InferenceResultToJs(env, *item.result));
    } else {
      const std::string message = item.error ? item.error->what() : "no result";
      const char* code = item.error ? engine::ErrorCodeName(item.error->code()) : "INTERNAL";
      array.Set(i, MakeJsError(env, code, message));
    }
  }
  return array;
}

// ---------- the NativeModel class ----------

// Marks the External that carries a loaded model into the constructor, so that no other
// External (from JavaScript holding the constructor) can be mistaken for one.
constexpr napi_type_tag kModelHandleTag = {0x8f1c2a7b5e3d4c61ULL, 0xa2b9d0e4f7c81356ULL};

class NativeModel : public Napi::ObjectWrap<NativeModel> {
 public:
  static Napi::Function DefineJsClass(Napi::Env env) {
    return DefineClass(env, "NativeModel",
                       {InstanceMethod<&NativeModel::Infer>("infer"), InstanceMethod<&NativeModel::InferBatch>("inferBatch"),
                        InstanceMethod<&NativeModel::Info>("info")});
  }

  explicit NativeModel(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeModel>(info) {
    if (info.Length() != 1 || !info[0].IsExternal() ||
        !info[0].As<Napi::External<ModelHandle>>().CheckTypeTag(&kModelHandleTag)) {
      ThrowJsError(info.Env(), "INVALID_INPUT", "NativeModel objects are made by loadModel()");
    }
    model_ = *info[0].As<Napi::External<ModelHandle>>().Data();
  }

 private:
  Napi::Value Infer(const Napi::CallbackInfo& info) {
    const Args args(info, "infer");
    std::vector<float> samples = args(0, "samples").Copy<float>();
    std::vector<engine::InputOverride> overrides = ReadInputOverrides(args(1, "inputs"));
    // The task holds its own reference: the JS object may be collected while it runs.
    return RunAsync(
        info.Env(),
        [model = model_, samples = std::move(samples), overrides = std::move(overrides)] {
          return model->Infer(samples, overrides);
        },
        [](Napi::Env env, engine::InferenceResult& result) { return InferenceResultToJs(env, result); });
  }

  Napi::Value InferBatch(const Napi::CallbackInfo& info) {
    const Arg items = Args(info, "inferBatch")(0, "items");
    const uint32_t count = items.Array().Length();
    if (count == 0) items.Invalid("a non-empty array of Float32Array");
    std::vector<std::vector<float>> batch;
    batch.reserve(count);
    for (uint32_t i = 0; i < count; ++i) batch.push_back(items.Item(i).Copy<float>());
    return RunAsync(
        info.Env(), [model = model_, batch = std::move(batch)] { return model->InferBatch(batch); },
        [](Napi::Env env, std::vector<engine::BatchItemResult>& results) { return BatchResultsToJs(env, results); });
  }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const engine::ModelInfo& model_info = model_->Info();
    Napi::Object object = Napi::Object::New(env);
    object.Set("inputs", TensorInfosToJs(env, model_info.inputs));
    object.Set("outputs", TensorInfosToJs(env, model_info.outputs));
    object.Set("provider", model_info.provider);
    return object;
  }

  ModelHandle model_;
};

// ---------- module functions ----------

Napi::Value LoadModel(const Napi::CallbackInfo& info, const std::shared_ptr<Napi::FunctionReference>& model_class) {
  ModelConfigArgs config = ReadModelConfig(Args(info, "loadModel")(0, "config"));
  // The frontend named in the config, computed by the features stage.
  engine::FeatureFn features = [frontend = std::move(config.frontend)](const std::vector<float>& samples) {
    return engine::ComputeFeatures(samples, frontend);
  };
  return RunAsync(
      info.Env(),
      [model = std::move(config.model), features = std::move(features)]() mutable {
        return engine::Model::Load(std::move(model), std::move(features));
      },
      [model_class](Napi::Env env, ModelHandle& model) {
        Napi::External<ModelHandle> handle = Napi::External<ModelHandle>::New(env, &model);
        handle.TypeTag(&kModelHandleTag);
        return model_class->New({handle});  // the constructor copies the handle synchronously
      });
}

Napi::Value AvailableProviders(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<std::string> providers = TranslateErrors(env, [] { return engine::ort::AvailableProviders(); });
  Napi::Array array = Napi::Array::New(env, providers.size());
  for (uint32_t i = 0; i < providers.size(); ++i) array.Set(i, providers[i]);
  return array;
}

}  // namespace

void InitModel(Napi::Env env, Napi::Object exports) {
  // Held by loadModel's closure, so the class lives exactly as long as the function.
  auto model_class = std::make_shared<Napi::FunctionReference>(Napi::Persistent(NativeModel::DefineJsClass(env)));
  exports.Set("loadModel", Napi::Function::New(
                               env, [model_class](const Napi::CallbackInfo& info) { return LoadModel(info, model_class); },
                               "loadModel"));
  Export(env, exports, {{"availableProviders", AvailableProviders}});
}

}  // namespace binding
