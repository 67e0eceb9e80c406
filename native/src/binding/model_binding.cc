// loadModel, availableProviders and the NativeModel class (infer, inferBatch, info).
#include <napi.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "binding/async_task.h"
#include "binding/frontend_config.h"
#include "binding/js_error.h"
#include "binding/stages.h"
#include "binding/typed_array_args.h"
#include "model/model.h"
#include "model/ort_env.h"

namespace binding {
namespace {

using ModelHandle = std::shared_ptr<const engine::Model>;

[[noreturn]] void Invalid(Napi::Env env, const std::string& what) { ThrowJsError(env, "INVALID_INPUT", "loadModel: " + what); }

// ---------- reading the config object ----------

Napi::Value Field(Napi::Object object, const char* key) { return object.Get(key); }

std::string RequiredString(Napi::Env env, Napi::Object object, const char* key, const std::string& where) {
  Napi::Value value = Field(object, key);
  if (!value.IsString()) Invalid(env, where + "." + key + " must be a string");
  return value.As<Napi::String>().Utf8Value();
}

// An integer in [min, max]; `fallback` when absent (undefined).
int64_t Integer(Napi::Env env, Napi::Object object, const char* key, const std::string& where, int64_t min,
                int64_t max, int64_t fallback) {
  Napi::Value value = Field(object, key);
  if (value.IsUndefined()) return fallback;
  const double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : std::nan("");
  if (!(number >= static_cast<double>(min) && number <= static_cast<double>(max)) || number != std::trunc(number)) {
    Invalid(env, where + "." + key + " must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return static_cast<int64_t>(number);
}

// -1 when absent, else 0 or 1.
int OptionalBoolean(Napi::Env env, Napi::Object object, const char* key, const std::string& where) {
  Napi::Value value = Field(object, key);
  if (value.IsUndefined()) return -1;
  if (!value.IsBoolean()) Invalid(env, where + "." + key + " must be a boolean");
  return value.As<Napi::Boolean>().Value() ? 1 : 0;
}

template <typename Enum>
Enum Choice(Napi::Env env, Napi::Object object, const char* key, const std::string& where,
            const std::vector<std::pair<const char*, Enum>>& choices) {
  Napi::Value value = Field(object, key);
  std::string names;
  if (value.IsString()) {
    const std::string text = value.As<Napi::String>().Utf8Value();
    for (const auto& [name, choice] : choices) {
      if (text == name) return choice;
    }
  }
  for (const auto& choice : choices) names += (names.empty() ? "'" : ", '") + std::string(choice.first) + "'";
  Invalid(env, where + "." + key + " must be one of " + names);
}

std::vector<double> NumberArray(Napi::Env env, Napi::Value value, const std::string& where) {
  if (!value.IsArray()) Invalid(env, where + " must be an array of numbers");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<double> numbers;
  numbers.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsNumber()) Invalid(env, where + "[" + std::to_string(i) + "] must be a number");
    numbers.push_back(item.As<Napi::Number>().DoubleValue());
  }
  return numbers;
}

engine::InputBinding ParseBinding(Napi::Env env, Napi::Value value, const std::string& where) {
  if (!value.IsObject()) Invalid(env, where + " must be an object");
  Napi::Object object = value.As<Napi::Object>();
  engine::InputBinding binding;
  binding.name = RequiredString(env, object, "name", where);
  binding.source = Choice<engine::InputSource>(env, object, "source", where,
                                               {{"features", engine::InputSource::Features},
                                                {"feature_length", engine::InputSource::FeatureLength},
                                                {"sample_length", engine::InputSource::SampleLength},
                                                {"features_mask", engine::InputSource::FeaturesMask},
                                                {"constant", engine::InputSource::Constant}});
  binding.dtype = Choice<engine::TensorType>(env, object, "dtype", where,
                                             {{"float32", engine::TensorType::Float32},
                                              {"int64", engine::TensorType::Int64},
                                              {"int32", engine::TensorType::Int32}});
  if (!Field(object, "data").IsUndefined()) binding.data = NumberArray(env, Field(object, "data"), where + ".data");
  if (!Field(object, "shape").IsUndefined()) {
    for (double dim : NumberArray(env, Field(object, "shape"), where + ".shape")) {
      if (!(dim >= 1 && dim <= static_cast<double>(std::numeric_limits<int32_t>::max())) || dim != std::trunc(dim)) {
        Invalid(env, where + ".shape must hold positive integers");
      }
      binding.shape.push_back(static_cast<int64_t>(dim));
    }
  } else if (binding.source == engine::InputSource::Constant) {
    binding.shape = {static_cast<int64_t>(binding.data.size())};  // a constant without a shape is 1-D
  }
  return binding;
}

// 2^53: the largest integer a JavaScript number holds exactly.
constexpr int64_t kMaxSafeInteger = 9007199254740992;

engine::CudaOptions ParseCudaOptions(Napi::Env env, Napi::Value value) {
  engine::CudaOptions cuda;
  if (value.IsUndefined()) return cuda;
  if (!value.IsObject()) Invalid(env, "config.cuda must be an object");
  Napi::Object object = value.As<Napi::Object>();
  const std::string where = "config.cuda";
  cuda.mem_limit_bytes = Integer(env, object, "memLimitBytes", where, 1, kMaxSafeInteger, 0);
  if (!Field(object, "arenaExtendStrategy").IsUndefined()) {
    cuda.arena_extend_strategy = Choice<engine::ArenaExtendStrategy>(
        env, object, "arenaExtendStrategy", where,
        {{"next_power_of_two", engine::ArenaExtendStrategy::NextPowerOfTwo},
         {"same_as_requested", engine::ArenaExtendStrategy::SameAsRequested}});
  }
  if (!Field(object, "cudnnConvAlgoSearch").IsUndefined()) {
    cuda.cudnn_conv_algo_search = Choice<engine::CudnnConvAlgoSearch>(
        env, object, "cudnnConvAlgoSearch", where,
        {{"exhaustive", engine::CudnnConvAlgoSearch::Exhaustive},
         {"heuristic", engine::CudnnConvAlgoSearch::Heuristic},
         {"default", engine::CudnnConvAlgoSearch::Default}});
  }
  cuda.copy_in_default_stream = OptionalBoolean(env, object, "copyInDefaultStream", where);
  cuda.use_tf32 = OptionalBoolean(env, object, "useTf32", where);
  return cuda;
}

engine::ModelConfig ParseConfig(Napi::Env env, Napi::Object object) {
  engine::ModelConfig config;
  config.onnx_path = RequiredString(env, object, "onnxPath", "config");
  config.provider = Choice<engine::Provider>(env, object, "provider", "config",
                                             {{"cpu", engine::Provider::Cpu}, {"cuda", engine::Provider::Cuda}});
  config.device_id = static_cast<int>(Integer(env, object, "deviceId", "config", 0, 1024, 0));
  config.intra_op_threads = static_cast<int>(Integer(env, object, "intraOpThreads", "config", 1, 1024, 0));
  config.cuda = ParseCudaOptions(env, Field(object, "cuda"));
  config.io_binding = OptionalBoolean(env, object, "ioBinding", "config") == 1;
  config.max_batch = static_cast<int>(Integer(env, object, "maxBatch", "config", 1, 1024, 1));

  Napi::Value inputs = Field(object, "inputs");
  if (!inputs.IsArray()) Invalid(env, "config.inputs must be an array");
  Napi::Array array = inputs.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) {
    config.inputs.push_back(ParseBinding(env, array.Get(i), "config.inputs[" + std::to_string(i) + "]"));
  }

  Napi::Value output = Field(object, "output");
  if (!output.IsObject()) Invalid(env, "config.output must be an object");
  Napi::Object out = output.As<Napi::Object>();
  config.output.name = RequiredString(env, out, "name", "config.output");
  config.output.kind = Choice<engine::OutputKind>(env, out, "kind", "config.output",
                                                  {{"logits", engine::OutputKind::Logits},
                                                   {"log_probs", engine::OutputKind::LogProbs},
                                                   {"probs", engine::OutputKind::Probs}});
  config.output.skip_frames = Integer(env, out, "skipFrames", "config.output", 0, 1 << 20, -1);
  if (config.output.skip_frames < 0) Invalid(env, "config.output.skipFrames is required");
  if (!Field(out, "lengths").IsUndefined()) config.output.lengths = RequiredString(env, out, "lengths", "config.output");
  return config;
}

// The frontend named in the config, computed by the features stage.
engine::FeatureFn MakeFeatureFn(Napi::Env env, Napi::Value value) {
  engine::FrontendConfig frontend = ParseFrontendConfig(env, value);
  return [frontend = std::move(frontend)](const std::vector<float>& samples) {
    return engine::ComputeFeatures(samples, frontend);
  };
}

// infer's optional second argument: {name: {shape: number[], data: number[]}} of safe integers.
std::vector<engine::InputOverride> ParseOverrides(Napi::Env env, Napi::Value value) {
  std::vector<engine::InputOverride> overrides;
  if (value.IsUndefined()) return overrides;
  const auto fail = [&](const std::string& what) { ThrowJsError(env, "INVALID_INPUT", "infer: " + what); };
  if (!value.IsObject() || value.IsArray()) fail("inputs must be an object {name: {shape, data}}");
  Napi::Object object = value.As<Napi::Object>();
  Napi::Array names = object.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    engine::InputOverride override;
    override.name = names.Get(i).ToString().Utf8Value();
    const std::string where = "inputs." + override.name;
    Napi::Value entry = object.Get(override.name);
    if (!entry.IsObject()) fail(where + " must be an object {shape, data}");
    const auto integers = [&](const char* key) {
      Napi::Value array = entry.As<Napi::Object>().Get(key);
      if (!array.IsArray()) fail(where + "." + key + " must be an array of integers");
      std::vector<int64_t> out;
      for (double number : NumberArray(env, array, where + "." + key)) {
        if (!(std::fabs(number) <= static_cast<double>(kMaxSafeInteger)) || number != std::trunc(number)) {
          fail(where + "." + key + " must hold safe integers");
        }
        out.push_back(static_cast<int64_t>(number));
      }
      return out;
    };
    override.shape = integers("shape");
    override.data = integers("data");
    overrides.push_back(std::move(override));
  }
  return overrides;
}

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

Napi::Object InferenceResultToJs(Napi::Env env, const engine::InferenceResult& result) {
  Napi::Float32Array log_probs = Napi::Float32Array::New(env, result.log_probs.size());
  if (!result.log_probs.empty()) {
    std::memcpy(log_probs.Data(), result.log_probs.data(), result.log_probs.size() * sizeof(float));
  }
  Napi::Object timings = Napi::Object::New(env);
  timings.Set("featuresMs", result.features_ms);
  timings.Set("inferenceMs", result.inference_ms);
  timings.Set("batchSize", static_cast<double>(result.batch_size));
  Napi::Object object = Napi::Object::New(env);
  object.Set("logProbs", log_probs);
  object.Set("numFrames", static_cast<double>(result.num_frames));
  object.Set("vocabSize", static_cast<double>(result.vocab_size));
  object.Set("timings", timings);
  return object;
}

// Each item's result, or an Error with its code where that item alone failed.
Napi::Array BatchResultsToJs(Napi::Env env, const std::vector<engine::BatchItemResult>& results) {
  Napi::Array array = Napi::Array::New(env, results.size());
  for (uint32_t i = 0; i < results.size(); ++i) {
    const engine::BatchItemResult& item = results[i];
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
    Napi::Env env = info.Env();
    std::vector<float> samples = CopyOf(RequireTypedArray<float>(env, info[0], "infer: samples must be a Float32Array"));
    std::vector<engine::InputOverride> overrides = ParseOverrides(env, info.Length() > 1 ? info[1] : env.Undefined());
    // The task holds its own reference: the JS object may be collected while it runs.
    return RunAsync(
        env,
        [model = model_, samples = std::move(samples), overrides = std::move(overrides)] {
          return model->Infer(samples, overrides);
        },
        [](Napi::Env env, engine::InferenceResult& result) { return InferenceResultToJs(env, result); });
  }

  Napi::Value InferBatch(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const std::string usage = "inferBatch: items must be a non-empty array of Float32Array";
    if (info.Length() < 1 || !info[0].IsArray()) ThrowJsError(env, "INVALID_INPUT", usage);
    Napi::Array array = info[0].As<Napi::Array>();
    if (array.Length() == 0) ThrowJsError(env, "INVALID_INPUT", usage);
    std::vector<std::vector<float>> batch;
    batch.reserve(array.Length());
    for (uint32_t i = 0; i < array.Length(); ++i) {
      batch.push_back(CopyOf(RequireTypedArray<float>(env, array.Get(i), usage + " (item " + std::to_string(i) + " is not)")));
    }
    return RunAsync(
        env, [model = model_, batch = std::move(batch)] { return model->InferBatch(batch); },
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
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) Invalid(env, "config must be an object");
  Napi::Object object = info[0].As<Napi::Object>();
  engine::ModelConfig config = ParseConfig(env, object);
  TranslateErrors(env, [&] { engine::ValidateConfig(config); });  // every malformed config throws here, synchronously
  engine::FeatureFn features = MakeFeatureFn(env, Field(object, "frontend"));
  return RunAsync(
      env,
      [config = std::move(config), features = std::move(features)]() mutable {
        return engine::Model::Load(std::move(config), std::move(features));
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
  exports.Set("availableProviders", Napi::Function::New(env, AvailableProviders, "availableProviders"));
}

}  // namespace binding
