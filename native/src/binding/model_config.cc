#include "binding/model_config.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "binding/frontend_config.h"
#include "binding/js_error.h"

namespace binding {
namespace {

// 2^53: the largest integer a JavaScript number holds exactly.
constexpr int64_t kMaxSafeInteger = 9007199254740992;
constexpr int64_t kMaxDimension = std::numeric_limits<int32_t>::max();

// -1 when absent, else 0 or 1.
int OptionalFlag(const Arg& arg) { return arg.IsUndefined() ? -1 : (arg.Boolean() ? 1 : 0); }

int64_t OptionalInteger(const Arg& arg, int64_t min, int64_t max, int64_t fallback) {
  return arg.IsUndefined() ? fallback : arg.Integer(min, max);
}

std::vector<int64_t> Integers(const Arg& arg, int64_t min, int64_t max) {
  std::vector<int64_t> values;
  const uint32_t count = arg.Array().Length();
  values.reserve(count);
  for (uint32_t i = 0; i < count; ++i) values.push_back(arg.Item(i).Integer(min, max));
  return values;
}

std::vector<int64_t> SafeIntegers(const Arg& arg) {
  std::vector<int64_t> values;
  for (double number : arg.Numbers()) {
    if (!(std::fabs(number) <= static_cast<double>(kMaxSafeInteger)) || number != std::trunc(number)) {
      arg.Invalid("an array of safe integers");
    }
    values.push_back(static_cast<int64_t>(number));
  }
  return values;
}

engine::InputBinding ReadInputBinding(const Arg& arg) {
  engine::InputBinding binding;
  binding.name = arg["name"].String();
  binding.source = arg["source"].Choice<engine::InputSource>({{"features", engine::InputSource::Features},
                                                              {"feature_length", engine::InputSource::FeatureLength},
                                                              {"sample_length", engine::InputSource::SampleLength},
                                                              {"features_mask", engine::InputSource::FeaturesMask},
                                                              {"constant", engine::InputSource::Constant}});
  binding.dtype = arg["dtype"].Choice<engine::TensorType>(
      {{"float32", engine::TensorType::Float32}, {"int64", engine::TensorType::Int64}, {"int32", engine::TensorType::Int32}});
  if (!arg["data"].IsUndefined()) binding.data = arg["data"].Numbers();
  if (!arg["shape"].IsUndefined()) {
    binding.shape = Integers(arg["shape"], 1, kMaxDimension);
  } else if (binding.source == engine::InputSource::Constant) {
    binding.shape = {static_cast<int64_t>(binding.data.size())};  // a constant without a shape is 1-D
  }
  return binding;
}

engine::CudaOptions ReadCudaOptions(const Arg& arg) {
  engine::CudaOptions cuda;
  if (arg.IsUndefined()) return cuda;
  cuda.mem_limit_bytes = OptionalInteger(arg["memLimitBytes"], 1, kMaxSafeInteger, 0);
  if (!arg["arenaExtendStrategy"].IsUndefined()) {
    cuda.arena_extend_strategy = arg["arenaExtendStrategy"].Choice<engine::ArenaExtendStrategy>(
        {{"next_power_of_two", engine::ArenaExtendStrategy::NextPowerOfTwo},
         {"same_as_requested", engine::ArenaExtendStrategy::SameAsRequested}});
  }
  if (!arg["cudnnConvAlgoSearch"].IsUndefined()) {
    cuda.cudnn_conv_algo_search = arg["cudnnConvAlgoSearch"].Choice<engine::CudnnConvAlgoSearch>(
        {{"exhaustive", engine::CudnnConvAlgoSearch::Exhaustive},
         {"heuristic", engine::CudnnConvAlgoSearch::Heuristic},
         {"default", engine::CudnnConvAlgoSearch::Default}});
  }
  cuda.copy_in_default_stream = OptionalFlag(arg["copyInDefaultStream"]);
  cuda.use_tf32 = OptionalFlag(arg["useTf32"]);
  return cuda;
}

engine::OutputSpec ReadOutputSpec(const Arg& arg) {
  engine::OutputSpec output;
  output.name = arg["name"].String();
  output.kind = arg["kind"].Choice<engine::OutputKind>(
      {{"logits", engine::OutputKind::Logits}, {"log_probs", engine::OutputKind::LogProbs}, {"probs", engine::OutputKind::Probs}});
  output.skip_frames = arg["skipFrames"].Integer(0, 1 << 20);
  if (!arg["lengths"].IsUndefined()) output.lengths = arg["lengths"].String();
  return output;
}

}  // namespace

ModelConfigArgs ReadModelConfig(const Arg& config) {
  ModelConfigArgs read;
  engine::ModelConfig& model = read.model;
  model.onnx_path = config["onnxPath"].String();
  model.provider = config["provider"].Choice<engine::Provider>({{"cpu", engine::Provider::Cpu}, {"cuda", engine::Provider::Cuda}});
  model.device_id = static_cast<int>(OptionalInteger(config["deviceId"], 0, 1024, 0));
  model.intra_op_threads = static_cast<int>(OptionalInteger(config["intraOpThreads"], 1, 1024, 0));
  model.cuda = ReadCudaOptions(config["cuda"]);
  model.io_binding = OptionalFlag(config["ioBinding"]) == 1;
  model.max_batch = static_cast<int>(OptionalInteger(config["maxBatch"], 1, 1024, 1));
  const Arg inputs = config["inputs"];
  const uint32_t count = inputs.Array().Length();
  for (uint32_t i = 0; i < count; ++i) model.inputs.push_back(ReadInputBinding(inputs.Item(i)));
  model.output = ReadOutputSpec(config["output"]);
  TranslateErrors(config.Env(), [&] { engine::ValidateConfig(model); });
  read.frontend = ReadFrontendConfig(config["frontend"]);
  return read;
}

std::vector<engine::InputOverride> ReadInputOverrides(const Arg& inputs) {
  std::vector<engine::InputOverride> overrides;
  if (inputs.IsUndefined()) return overrides;
  const Napi::Object object = inputs.Object();
  const Napi::Array names = object.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    engine::InputOverride override;
    override.name = names.Get(i).ToString().Utf8Value();
    const Arg entry = inputs[override.name.c_str()];
    override.shape = SafeIntegers(entry["shape"]);
    override.data = SafeIntegers(entry["data"]);
    overrides.push_back(std::move(override));
  }
  return overrides;
}

}  // namespace binding
