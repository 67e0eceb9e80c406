#include "model/model.h"

#include <chrono>
#include <string>
#include <utility>

#include "model/graph_io.h"
#include "model/input_tensors.h"
#include "model/log_probs.h"
#include "model/ort_env.h"
#include "model/session_factory.h"

namespace engine {
namespace {

using Clock = std::chrono::steady_clock;

double MillisecondsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

void CheckFeatures(const Features& features) {
  if (features.num_frames < 0 || features.dim <= 0 ||
      features.data.size() != static_cast<size_t>(features.num_frames) * static_cast<size_t>(features.dim)) {
    throw Error(ErrorCode::Internal, "the frontend returned inconsistent features (" +
                                         std::to_string(features.data.size()) + " values for " +
                                         std::to_string(features.num_frames) + " x " + std::to_string(features.dim) + ")");
  }
  if (features.num_frames == 0) {
    throw Error(ErrorCode::AudioTooShort, "the audio is too short for the frontend to yield one frame");
  }
}

ort::Ptr<OrtMemoryInfo> MakeCpuMemoryInfo() {
  return ort::Make<OrtMemoryInfo>(
      [](OrtMemoryInfo** out) { return ort::Api().CreateCpuMemoryInfo(OrtDeviceAllocator, OrtMemTypeDefault, out); },
      ErrorCode::Internal, "cannot describe CPU memory");
}

}  // namespace

std::shared_ptr<const Model> Model::Load(ModelConfig config, FeatureFn features) {
  ValidateConfig(config);
  if (!features) throw Error(ErrorCode::InvalidInput, "model config: no frontend");
  std::shared_ptr<OrtEnv> env = ort::SharedEnv();
  ort::Ptr<OrtSession> session = CreateSession(*env, config);
  GraphIo graph = DescribeGraph(*session);
  CheckBindings(config, graph);
  ModelInfo info{std::move(graph.inputs), std::move(graph.outputs), ProviderName(config.provider)};
  return std::make_shared<const Model>(LoadKey(), std::move(config), std::move(features), std::move(env),
                                       std::move(session), std::move(info));
}

Model::Model(LoadKey, ModelConfig config, FeatureFn features, std::shared_ptr<OrtEnv> env,
             ort::Ptr<OrtSession> session, ModelInfo info)
    : config_(std::move(config)),
      features_(std::move(features)),
      env_(std::move(env)),
      session_(std::move(session)),
      cpu_memory_(MakeCpuMemoryInfo()),
      info_(std::move(info)) {
  for (const auto& binding : config_.inputs) features_rank_.push_back(DeclaredRank(info_.inputs, binding.name));
}

InferenceResult Model::Infer(const std::vector<float>& samples) const {
  if (samples.empty()) throw Error(ErrorCode::InvalidInput, "no audio samples to recognise");
  const auto start = Clock::now();
  Features features = features_(samples);
  const auto features_done = Clock::now();
  CheckFeatures(features);

  std::vector<HostTensor> host = BuildHostTensors(config_.inputs, features_rank_, std::move(features),
                                                  static_cast<int64_t>(samples.size()));
  std::vector<ort::Ptr<OrtValue>> values = WrapAsOrtValues(host, *cpu_memory_);
  std::vector<const char*> input_names;
  std::vector<const OrtValue*> inputs;
  for (size_t i = 0; i < values.size(); ++i) {
    input_names.push_back(config_.inputs[i].name.c_str());
    inputs.push_back(values[i].get());
  }
  const char* output_name = config_.output.name.c_str();
  ort::Ptr<OrtValue> output = ort::Make<OrtValue>(
      [&](OrtValue** out) {
        return ort::Api().Run(session_.get(), nullptr, input_names.data(), inputs.data(), inputs.size(), &output_name,
                              1, out);
      },
      ErrorCode::Internal, "inference failed");

  InferenceResult result = ReadLogProbs(*output);
  result.features_ms = MillisecondsBetween(start, features_done);
  result.inference_ms = MillisecondsBetween(features_done, Clock::now());
  return result;
}

InferenceResult Model::ReadLogProbs(OrtValue& output) const {
  const OrtApi& api = ort::Api();
  const auto code = ErrorCode::Internal;
  auto shape_info = ort::Make<OrtTensorTypeAndShapeInfo>(
      [&](OrtTensorTypeAndShapeInfo** out) { return api.GetTensorTypeAndShape(&output, out); }, code,
      "cannot read the output's shape");
  ONNXTensorElementDataType element = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  ort::Check(api.GetTensorElementType(shape_info.get(), &element), code, "cannot read the output's type");
  size_t rank = 0;
  ort::Check(api.GetDimensionsCount(shape_info.get(), &rank), code, "cannot read the output's rank");
  std::vector<int64_t> dims(rank);
  ort::Check(api.GetDimensions(shape_info.get(), dims.data(), rank), code, "cannot read the output's shape");

  const bool batched = rank == 3 && dims[0] == 1;
  if (element != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT || !(batched || rank == 2)) {
    throw Error(code, "output '" + config_.output.name + "' is not a float32 [1, T, V] or [T, V] tensor");
  }
  const int64_t frames = dims[rank - 2];
  const int64_t vocab = dims[rank - 1];
  if (vocab <= 0) throw Error(code, "output '" + config_.output.name + "' has an empty vocabulary axis");
  const int64_t skip = config_.output.skip_frames;
  if (frames <= skip) {
    throw Error(ErrorCode::AudioTooShort, "the model produced " + std::to_string(frames) +
                                              " output frames, none left after skipping " + std::to_string(skip));
  }
  void* raw = nullptr;
  ort::Check(api.GetTensorMutableData(&output, &raw), code, "cannot read the output");
  const float* data = static_cast<const float*>(raw);
  std::vector<float> kept(data + skip * vocab, data + frames * vocab);
  InferenceResult result;
  result.log_probs = ToLogProbs(std::move(kept), vocab, config_.output.kind);
  result.num_frames = frames - skip;
  result.vocab_size = vocab;
  return result;
}

}  // namespace engine
