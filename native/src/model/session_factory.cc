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
void AppendCudaProvider(OrtSessionOptions& options, const ModelConfig& config) {
  const OptionPairs pairs = CudaProviderOptionPairs(config);
  const std::string requested = " (requested CUDA options: " + OptionPairsText(pairs) + ")";
  const auto available = ort::AvailableProviders();
  if (std::find(available.begin(), available.end(), kCudaProviderName) == available.end()) {
    std::string names;
    for (const auto& name : available) names += (names.empty() ? "" : ", ") + name;
    throw Error(ErrorCode::ModelUnavailable,
                "the CUDA execution provider is not available in this ONNX Runtime build (it has: " + names +
                    "); " + kUseCpuHint + requested);
  }
  const OrtApi& api = ort::Api();
  const std::string context = std::string("the CUDA execution provider is not available (") + kUseCpuHint + ")" + requested;
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
