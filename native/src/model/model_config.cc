#include "model/model_config.h"

#include <set>

#include "common/error.h"
#include "model/input_tensors.h"

namespace engine {
namespace {

constexpr int kMaxIntraOpThreads = 1024;
constexpr int kMaxBatch = 1024;

[[noreturn]] void Malformed(const std::string& why) {
  throw Error(ErrorCode::InvalidInput, "model config: " + why);
}

void ValidateBinding(const InputBinding& binding) {
  const std::string which = "input '" + binding.name + "'";
  if (binding.source == InputSource::Features && binding.dtype != TensorType::Float32) {
    Malformed(which + ": features are float32");
  }
  if (binding.source != InputSource::Constant) {
    if (!binding.shape.empty() || !binding.data.empty()) Malformed(which + ": shape and data are for constant inputs only");
    return;
  }
  if (binding.data.empty()) Malformed(which + ": a constant input needs data");
  // An empty shape is a scalar. Checking count * dim against size before multiplying keeps
  // the product from overflowing (both factors are at most size).
  const auto size = static_cast<int64_t>(binding.data.size());
  int64_t count = 1;
  bool fits = true;
  for (int64_t dim : binding.shape) {
    if (dim <= 0) Malformed(which + ": shape dimensions must be >= 1");
    if (dim > size || count * dim > size) {
      fits = false;
      break;
    }
    count *= dim;
  }
  if (!fits || count != size) Malformed(which + ": shape does not match its " + std::to_string(size) + " data values");
  ConstantTensor(binding);  // throws INVALID_INPUT when a value does not fit the dtype
}

}  // namespace

void ValidateConfig(const ModelConfig& config) {
  if (config.onnx_path.empty()) Malformed("onnxPath is empty");
  if (config.device_id < 0) Malformed("deviceId must be >= 0");
  if (config.intra_op_threads < 0 || config.intra_op_threads > kMaxIntraOpThreads) {
    Malformed("intraOpThreads must be between 1 and " + std::to_string(kMaxIntraOpThreads));
  }
  const CudaOptions& cuda = config.cuda;
  if (cuda.mem_limit_bytes < 0) Malformed("cuda.memLimitBytes must be >= 1");
  if (cuda.copy_in_default_stream < -1 || cuda.copy_in_default_stream > 1) Malformed("cuda.copyInDefaultStream must be a boolean");
  if (cuda.use_tf32 < -1 || cuda.use_tf32 > 1) Malformed("cuda.useTf32 must be a boolean");
  if (config.max_batch < 1 || config.max_batch > kMaxBatch) {
    Malformed("maxBatch must be between 1 and " + std::to_string(kMaxBatch));
  }
  if (config.inputs.empty()) Malformed("inputs is empty");
  std::set<std::string> names;
  for (const auto& binding : config.inputs) {
    if (binding.name.empty()) Malformed("an input has an empty name");
    if (!names.insert(binding.name).second) Malformed("input '" + binding.name + "' is bound twice");
    ValidateBinding(binding);
  }
  if (config.output.name.empty()) Malformed("output.name is empty");
  if (config.output.skip_frames < 0) Malformed("output.skipFrames must be >= 0");
}

const char* ProviderName(Provider provider) { return provider == Provider::Cuda ? "cuda" : "cpu"; }

const char* TensorTypeName(TensorType type) {
  switch (type) {
    case TensorType::Float32: return "float32";
    case TensorType::Int64: return "int64";
    case TensorType::Int32: return "int32";
  }
  return "unknown";
}

}  // namespace engine
