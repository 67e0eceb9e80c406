// What a model needs besides its frontend: the ONNX file, where to run it, how to feed its
// inputs and how to read its output. Mirrors NativeModelConfig in lib/native.ts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace engine {

enum class Provider { Cpu, Cuda };

enum class TensorType { Float32, Int64, Int32 };

enum class InputSource {
  Features,       // float32 [1, T, F], or [1, N] when the frontend yields one value per sample
  FeatureLength,  // [1] = T
  SampleLength,   // [1] = N
  Constant,       // `data` with `shape`
};

struct InputBinding {
  std::string name;
  InputSource source = InputSource::Features;
  TensorType dtype = TensorType::Float32;
  std::vector<int64_t> shape;  // Constant only
  std::vector<double> data;    // Constant only
};

enum class OutputKind { Logits, LogProbs, Probs };

struct OutputSpec {
  std::string name;
  OutputKind kind = OutputKind::Logits;
  int64_t skip_frames = 0;  // leading frames that are not audio
};

struct ModelConfig {
  std::string onnx_path;
  Provider provider = Provider::Cpu;
  int device_id = 0;
  int intra_op_threads = 0;  // 0: a small default
  std::vector<InputBinding> inputs;
  OutputSpec output;
};

// INVALID_INPUT naming the first malformed field (it does not look at the ONNX file).
void ValidateConfig(const ModelConfig& config);

const char* ProviderName(Provider provider);
const char* TensorTypeName(TensorType type);

}  // namespace engine
