#include "model/session_factory.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>

#include "model/ort_env.h"

namespace engine {
namespace {

constexpr const char* kCudaProviderName = "CUDAExecutionProvider";
constexpr const char* kUseCpuHint = "provider 'cpu' works";

// A core built with CUDA takes the V2 options. A core built without it (the npm package's lists
// only CPUExecutionProvider) refuses the V2 options but may still load, through ONNX Runtime's
// provider bridge, a libonnxruntime_providers_cuda.so of its own version put beside it (npm
// com.github.asus4.onnxruntime.linux-x64-gpu) when the provider is appended with the V1 struct;
// so V2 is tried, then V1, and the provider list only explains a failure.
void AppendCudaProviderV2(OrtSessionOptions& options, int device_id, const std::string& context) {
  const OrtApi& api = ort::Api();
  auto cuda = ort::Make<OrtCUDAProviderOptionsV2>(
      [&](OrtCUDAProviderOptionsV2** out) { return api.CreateCUDAProviderOptions(out); },
      ErrorCode::ModelUnavailable, context);
  const std::string device = std::to_string(device_id);
  const char* keys[] = {"device_id"};
  const char* values[] = {device.c_str()};
  ort::Check(api.UpdateCUDAProviderOptions(cuda.get(), keys, values, 1), ErrorCode::ModelUnavailable, context);
  ort::Check(api.SessionOptionsAppendExecutionProvider_CUDA_V2(&options, cuda.get()), ErrorCode::ModelUnavailable,
             context);
}

void AppendCudaProvider(OrtSessionOptions& options, int device_id) {
  const std::string context = std::string("the CUDA execution provider is not available (") + kUseCpuHint + ")";
  const auto available = ort::AvailableProviders();
  if (std::find(available.begin(), available.end(), kCudaProviderName) != available.end()) {
    AppendCudaProviderV2(options, device_id, context);
    return;
  }
  OrtCUDAProviderOptions v1;
  v1.device_id = device_id;
  OrtStatus* status = ort::Api().SessionOptionsAppendExecutionProvider_CUDA(&options, &v1);
  if (status == nullptr) return;
  ort::Ptr<OrtStatus> owned(status);
  std::string names;
  for (const auto& name : available) names += (names.empty() ? "" : ", ") + name;
  throw Error(ErrorCode::ModelUnavailable,
              "the CUDA execution provider is not available in this ONNX Runtime build (it has: " + names +
                  "; loading libonnxruntime_providers_cuda.so beside it failed: " +
                  ort::Api().GetErrorMessage(owned.get()) + "); " + kUseCpuHint);
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
  if (config.provider == Provider::Cuda) AppendCudaProvider(*options, config.device_id);
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
