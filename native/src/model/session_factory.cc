#include "model/session_factory.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "model/cuda_options.h"
#include "model/ort_env.h"

namespace engine {
namespace {

constexpr const char* kCudaProviderName = "CUDAExecutionProvider";
constexpr const char* kUseCpuHint = "provider 'cpu' works";

// The requested options are named in every error, so a caller can see what reached ONNX Runtime.
std::string RequestedText(const OptionPairs& pairs) {
  return " (requested CUDA options: " + OptionPairsText(pairs) + ")";
}

void AppendCudaProviderV2(OrtSessionOptions& options, const OptionPairs& pairs, const std::string& context) {
  const OrtApi& api = ort::Api();
  auto cuda = ort::Make<OrtCUDAProviderOptionsV2>(
      [&](OrtCUDAProviderOptionsV2** out) { return api.CreateCUDAProviderOptions(out); },
      ErrorCode::ModelUnavailable, context);
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [key, value] : pairs) {
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  ort::Check(api.UpdateCUDAProviderOptions(cuda.get(), keys.data(), values.data(), keys.size()),
             ErrorCode::ModelUnavailable, context);
  ort::Check(api.SessionOptionsAppendExecutionProvider_CUDA_V2(&options, cuda.get()), ErrorCode::ModelUnavailable,
             context);
}

// The V1 struct has no use_tf32; unset fields keep the struct's defaults (ONNX Runtime's).
OrtCUDAProviderOptions CudaProviderOptionsV1(const ModelConfig& config) {
  const CudaOptions& cuda = config.cuda;
  OrtCUDAProviderOptions v1;
  v1.device_id = config.device_id;
  if (cuda.mem_limit_bytes > 0) v1.gpu_mem_limit = static_cast<size_t>(cuda.mem_limit_bytes);
  if (cuda.arena_extend_strategy != ArenaExtendStrategy::NotSet) {
    v1.arena_extend_strategy = cuda.arena_extend_strategy == ArenaExtendStrategy::NextPowerOfTwo ? 0 : 1;
  }
  switch (cuda.cudnn_conv_algo_search) {
    case CudnnConvAlgoSearch::Exhaustive: v1.cudnn_conv_algo_search = OrtCudnnConvAlgoSearchExhaustive; break;
    case CudnnConvAlgoSearch::Heuristic: v1.cudnn_conv_algo_search = OrtCudnnConvAlgoSearchHeuristic; break;
    case CudnnConvAlgoSearch::Default: v1.cudnn_conv_algo_search = OrtCudnnConvAlgoSearchDefault; break;
    case CudnnConvAlgoSearch::NotSet: break;
  }
  if (cuda.copy_in_default_stream >= 0) v1.do_copy_in_default_stream = cuda.copy_in_default_stream;
  return v1;
}

// A core built with CUDA takes the V2 options. A core built without it (the npm package's lists
// only CPUExecutionProvider) refuses the V2 options but may still load, through ONNX Runtime's
// provider bridge, a libonnxruntime_providers_cuda.so of its own version put beside it (npm
// com.github.asus4.onnxruntime.linux-x64-gpu) when the provider is appended with the V1 struct.
void AppendCudaProvider(OrtSessionOptions& options, const ModelConfig& config) {
  const OptionPairs pairs = CudaProviderOptionPairs(config);
  const std::string requested = RequestedText(pairs);
  const auto available = ort::AvailableProviders();
  if (std::find(available.begin(), available.end(), kCudaProviderName) != available.end()) {
    AppendCudaProviderV2(options, pairs,
                         std::string("the CUDA execution provider is not available (") + kUseCpuHint + ")" + requested);
    return;
  }
  std::string names;
  for (const auto& name : available) names += (names.empty() ? "" : ", ") + name;
  const std::string unavailable = "the CUDA execution provider is not available in this ONNX Runtime build (it has: " + names;
  if (config.cuda.use_tf32 >= 0) {
    throw Error(ErrorCode::ModelUnavailable, unavailable + "; use_tf32 needs a core built with CUDA, the provider "
                                                           "library beside this one takes only the V1 options); " +
                                                 kUseCpuHint + requested);
  }
  const OrtCUDAProviderOptions v1 = CudaProviderOptionsV1(config);
  ort::TakeLastLogMessage();
  OrtStatus* status = ort::Api().SessionOptionsAppendExecutionProvider_CUDA(&options, &v1);
  if (status == nullptr) return;
  ort::Ptr<OrtStatus> owned(status);
  // ONNX Runtime logs why the library did not load (the path and the loader's error); the
  // status alone says only "Failed to load shared library".
  const std::string logged = ort::TakeLastLogMessage();
  throw Error(ErrorCode::ModelUnavailable, unavailable + "; loading libonnxruntime_providers_cuda.so beside it failed: " +
                                               ort::Api().GetErrorMessage(owned.get()) +
                                               (logged.empty() ? "" : " (" + logged + ")") + "); " + kUseCpuHint + requested);
}

ort::Ptr<OrtSessionOptions> MakeSessionOptions(const ModelConfig& config) {
  const OrtApi& api = ort::Api();
  const auto code = ErrorCode::Internal;
  auto options = ort::Make<OrtSessionOptions>([&](OrtSessionOptions** out) { return api.CreateSessionOptions(out); },
                                              code, "cannot create session options");
  const int threads = config.intra_op_threads > 0 ? config.intra_op_threads : DefaultIntraOpThreads();
  ort::Check(api.SetIntraOpNumThreads(options.get(), threads), code, "cannot set intra-op threads");
  ort::Check(api.SetInterOpNumThreads(options.get(), 1), code, "cannot set inter-op threads");
  ort::Check(api.SetSessionGraphOptimizationLevel(options.get(), ORT_ENABLE_ALL), code,
             "cannot set the graph optimisation level");
  // Idle pool threads would otherwise spin between runs, stealing CPU from the libuv pool
  // and from concurrent inferences.
  ort::Check(api.AddSessionConfigEntry(options.get(), "session.intra_op.allow_spinning", "0"), code,
             "cannot disable thread spinning");
  if (config.provider == Provider::Cuda) AppendCudaProvider(*options, config);
  return options;
}

}  // namespace

int DefaultIntraOpThreads() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::min(4u, cores));
}

ort::Ptr<OrtSession> CreateSession(const OrtEnv& env, const ModelConfig& config) {
  const std::filesystem::path path = std::filesystem::u8path(config.onnx_path);
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(path, ignored)) {
    throw Error(ErrorCode::ModelUnavailable, "ONNX model file not found: " + config.onnx_path);
  }
  auto options = MakeSessionOptions(config);
  std::string context = "cannot load ONNX model '" + config.onnx_path + "'";
  if (config.provider == Provider::Cuda) context += std::string(" with the CUDA execution provider (") + kUseCpuHint + ")";
  return ort::Make<OrtSession>(
      [&](OrtSession** out) { return ort::Api().CreateSession(&env, path.c_str(), options.get(), out); },
      ErrorCode::ModelUnavailable, context);
}

}  // namespace engine
