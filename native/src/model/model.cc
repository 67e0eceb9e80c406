#include "model/model.h"

#include <chrono>
#include <string>
#include <utility>

#include "model/batch_output.h"
#include "model/graph_io.h"
#include "model/input_tensors.h"
#include "model/ort_env.h"
#include "model/session_factory.h"
#include "model/session_run.h"

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

// Where IO binding puts outputs: CPU memory, or with CUDA pinned host memory that ONNX
// Runtime copies the device result into. Null without IO binding.
ort::Ptr<OrtMemoryInfo> MakeOutputMemoryInfo(const ModelConfig& config) {
  if (!config.io_binding) return nullptr;
  if (config.provider == Provider::Cpu) return MakeCpuMemoryInfo();
  return ort::Make<OrtMemoryInfo>(
      [&](OrtMemoryInfo** out) {
        return ort::Api().CreateMemoryInfo("CudaPinned", OrtDeviceAllocator, config.device_id, OrtMemTypeCPUOutput, out);
      },
      ErrorCode::Internal, "cannot describe CUDA pinned memory");
}

DeclaredShape DeclaredShapeOf(const std::vector<TensorInfo>& tensors, const std::string& name) {
  for (const TensorInfo& tensor : tensors) {
    if (tensor.name == name) return {tensor.shape.size(), !tensor.shape.empty() && tensor.shape[0] < 0};
  }
  return {};
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
      output_memory_(MakeOutputMemoryInfo(config_)),
      info_(std::move(info)) {
  for (const auto& binding : config_.inputs) declared_.push_back(DeclaredShapeOf(info_.inputs, binding.name));
}

InferenceResult Model::Infer(const std::vector<float>& samples, const std::vector<InputOverride>& overrides) const {
  if (samples.empty()) throw Error(ErrorCode::InvalidInput, "no audio samples to recognise");
  CheckOverrides(config_.inputs, declared_, overrides);
  const auto start = Clock::now();
  Features features = features_(samples);
  const double features_ms = MillisecondsBetween(start, Clock::now());
  CheckFeatures(features);
  std::vector<ItemFeatures> items;
  items.push_back({std::move(features), static_cast<int64_t>(samples.size())});
  std::vector<BatchItemResult> results(1);
  RunItems(std::move(items), {0}, results, overrides);
  if (results[0].error) throw *results[0].error;
  results[0].result->features_ms = features_ms;
  return std::move(*results[0].result);
}

std::vector<BatchItemResult> Model::InferBatch(const std::vector<std::vector<float>>& batch) const {
  if (batch.empty()) throw Error(ErrorCode::InvalidInput, "inferBatch: no items");
  if (batch.size() > static_cast<size_t>(config_.max_batch)) {
    throw Error(ErrorCode::InvalidInput, "inferBatch: " + std::to_string(batch.size()) + " items, more than maxBatch " +
                                             std::to_string(config_.max_batch));
  }
  std::vector<BatchItemResult> results(batch.size());
  std::vector<double> features_ms(batch.size(), 0.0);
  std::vector<ItemFeatures> items;
  std::vector<size_t> slots;
  for (size_t i = 0; i < batch.size(); ++i) {
    try {
      if (batch[i].empty()) throw Error(ErrorCode::InvalidInput, "no audio samples to recognise");
      const auto start = Clock::now();
      Features features = features_(batch[i]);
      features_ms[i] = MillisecondsBetween(start, Clock::now());
      CheckFeatures(features);
      items.push_back({std::move(features), static_cast<int64_t>(batch[i].size())});
      slots.push_back(i);
    } catch (const Error& e) {
      results[i].error = e;
    }
  }
  if (!items.empty()) RunItems(std::move(items), slots, results);
  for (size_t i = 0; i < batch.size(); ++i) {
    if (results[i].result) results[i].result->features_ms = features_ms[i];
  }
  return results;
}

void Model::RunItems(std::vector<ItemFeatures>&& items, const std::vector<size_t>& slots,
                     std::vector<BatchItemResult>& results, const std::vector<InputOverride>& overrides) const {
  const auto start = Clock::now();
  const size_t count = items.size();
  std::vector<HostTensor> host = BuildHostTensors(config_.inputs, declared_, std::move(items), overrides);
  std::vector<ort::Ptr<OrtValue>> values = WrapAsOrtValues(host, *cpu_memory_);
  RunRequest request;
  for (size_t i = 0; i < values.size(); ++i) {
    request.input_names.push_back(config_.inputs[i].name.c_str());
    request.inputs.push_back(values[i].get());
  }
  request.output_names.push_back(config_.output.name.c_str());
  if (!config_.output.lengths.empty()) request.output_names.push_back(config_.output.lengths.c_str());
  std::vector<ort::Ptr<OrtValue>> outputs = RunSession(*session_, request, output_memory_.get());
  std::vector<BatchItemResult> split =
      SplitOutput(*outputs[0], outputs.size() > 1 ? outputs[1].get() : nullptr, count, config_.output);
  const double inference_ms = MillisecondsBetween(start, Clock::now());
  for (size_t k = 0; k < count; ++k) {
    if (split[k].result) {
      split[k].result->inference_ms = inference_ms;
      split[k].result->batch_size = static_cast<int64_t>(count);
    }
    results[slots[k]] = std::move(split[k]);
  }
}

}  // namespace engine
