// A loaded ONNX CTC model: frontend features in, frame x vocabulary log-probabilities out.
// Thread-safe: Infer may run on several threads at once (OrtSession::Run is thread-safe).
#pragma once

#include <onnxruntime_c_api.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "features/frontend.h"
#include "model/input_tensors.h"
#include "model/model_config.h"
#include "model/ort_handles.h"

namespace engine {

// The frontend, injected so the model stage does not depend on how features are computed.
using FeatureFn = std::function<Features(const std::vector<float>& samples)>;

struct InferenceResult {
  std::vector<float> log_probs;  // row-major num_frames x vocab_size
  int64_t num_frames = 0;
  int64_t vocab_size = 0;
  double features_ms = 0.0;
  double inference_ms = 0.0;  // input tensors, the ONNX Runtime run and the log-prob conversion
  int64_t batch_size = 1;     // items in the ONNX Runtime run that computed this result
};

// One item of InferBatch: its result, or the error that this item alone raised.
struct BatchItemResult {
  std::optional<InferenceResult> result;
  std::optional<Error> error;
};

struct TensorInfo {
  std::string name;
  std::string dtype;           // "float32", "int64", ...
  std::vector<int64_t> shape;  // -1 for a dynamic dimension
};

struct ModelInfo {
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
  std::string provider;  // "cpu" or "cuda"
};

class Model {
 public:
  // Loads and checks the model; MODEL_UNAVAILABLE when the file, the provider or the graph's
  // inputs/outputs do not fit the config, INVALID_INPUT when the config itself is malformed.
  static std::shared_ptr<const Model> Load(ModelConfig config, FeatureFn features);

  // INVALID_INPUT for empty audio or malformed `overrides` (per-call values of constant
  // inputs, see CheckOverrides), AUDIO_TOO_SHORT when no audio frames come out, INTERNAL when
  // ONNX Runtime fails.
  InferenceResult Infer(const std::vector<float>& samples, const std::vector<InputOverride>& overrides = {}) const;

  // Several recordings in one ONNX Runtime run: features per item (per-utterance
  // normalisation stays per item), zero-padded to the longest, with per-item lengths and
  // padding mask; each item's frames come from the output's lengths tensor. An item that
  // fails on its own (empty, too short) gets its error and leaves the others alone; a failed
  // run throws. INVALID_INPUT for no items or more than the config's max_batch.
  std::vector<BatchItemResult> InferBatch(const std::vector<std::vector<float>>& batch) const;

  const ModelInfo& Info() const { return info_; }

  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Only Load can make one (the key is private); public so that make_shared can call it.
  struct LoadKey {
    explicit LoadKey() = default;
  };
  Model(LoadKey, ModelConfig config, FeatureFn features, std::shared_ptr<OrtEnv> env, ort::Ptr<OrtSession> session,
        ModelInfo info);

 private:
  // Runs the valid items (features already computed) and fills their slots in `results`.
  void RunItems(std::vector<ItemFeatures>&& items, const std::vector<size_t>& slots,
                std::vector<BatchItemResult>& results, const std::vector<InputOverride>& overrides = {}) const;

  ModelConfig config_;
  FeatureFn features_;
  std::shared_ptr<OrtEnv> env_;  // declared before session_ so it is destroyed after it
  ort::Ptr<OrtSession> session_;
  ort::Ptr<OrtMemoryInfo> cpu_memory_;
  ort::Ptr<OrtMemoryInfo> output_memory_;  // where IO binding puts outputs; null: plain Run
  ModelInfo info_;
  std::vector<DeclaredShape> declared_;  // per binding: what the graph declares
};

}  // namespace engine
