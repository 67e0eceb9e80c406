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
  Features,       // float32 [B, T, F], or [B, N] when the frontend yields one value per sample
  FeatureLength,  // [B]: each item's T
  SampleLength,   // [B]: each item's N
  FeaturesMask,   // [B, T] (or [B, N]): 1 where the item has a frame, 0 on padding
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
  // Optional int64/int32 [B] output holding each item's output frame count (needed to batch:
  // items shorter than the longest have padding frames at the end).
  std::string lengths;
};

// CUDA execution provider settings (OrtCUDAProviderOptionsV2 keys); unset fields keep ONNX
// Runtime's defaults. Ignored by the CPU provider.
enum class ArenaExtendStrategy { NotSet, NextPowerOfTwo, SameAsRequested };
enum class CudnnConvAlgoSearch { NotSet, Exhaustive, Heuristic, Default };

struct CudaOptions {
  int64_t mem_limit_bytes = 0;  // gpu_mem_limit; 0: not set
  ArenaExtendStrategy arena_extend_strategy = ArenaExtendStrategy::NotSet;
  CudnnConvAlgoSearch cudnn_conv_algo_search = CudnnConvAlgoSearch::NotSet;
  int copy_in_default_stream = -1;  // do_copy_in_default_stream: -1 not set, 0 or 1
  int use_tf32 = -1;                // use_tf32: -1 not set, 0 or 1
};

struct ModelConfig {
  std::string onnx_path;
  Provider provider = Provider::Cpu;
  int device_id = 0;
  int intra_op_threads = 0;  // 0: a small default
  CudaOptions cuda;
  bool io_binding = false;  // run through OrtIoBinding (output bound to an allocator) instead of Run
  int max_batch = 1;        // > 1: InferBatch takes up to this many items; the bundle must be batchable
  std::vector<InputBinding> inputs;
  OutputSpec output;
};

// INVALID_INPUT naming the first malformed field (it does not look at the ONNX file).
void ValidateConfig(const ModelConfig& config);

const char* ProviderName(Provider provider);
const char* TensorTypeName(TensorType type);

}  // namespace engine
