#include "model/cuda_options.h"

namespace engine {
namespace {

const char* ArenaName(ArenaExtendStrategy strategy) {
  return strategy == ArenaExtendStrategy::NextPowerOfTwo ? "kNextPowerOfTwo" : "kSameAsRequested";
}

const char* ConvSearchName(CudnnConvAlgoSearch search) {
  switch (search) {
    case CudnnConvAlgoSearch::Exhaustive: return "EXHAUSTIVE";
    case CudnnConvAlgoSearch::Heuristic: return "HEURISTIC";
    default: return "DEFAULT";
  }
}

}  // namespace

OptionPairs CudaProviderOptionPairs(const ModelConfig& config) {
  const CudaOptions& cuda = config.cuda;
  OptionPairs pairs{{"device_id", std::to_string(config.device_id)}};
  if (cuda.mem_limit_bytes > 0) pairs.emplace_back("gpu_mem_limit", std::to_string(cuda.mem_limit_bytes));
  if (cuda.arena_extend_strategy != ArenaExtendStrategy::NotSet) {
    pairs.emplace_back("arena_extend_strategy", ArenaName(cuda.arena_extend_strategy));
  }
  if (cuda.cudnn_conv_algo_search != CudnnConvAlgoSearch::NotSet) {
    pairs.emplace_back("cudnn_conv_algo_search", ConvSearchName(cuda.cudnn_conv_algo_search));
  }
  if (cuda.copy_in_default_stream >= 0) {
    pairs.emplace_back("do_copy_in_default_stream", cuda.copy_in_default_stream ? "1" : "0");
  }
  if (cuda.use_tf32 >= 0) pairs.emplace_back("use_tf32", cuda.use_tf32 ? "1" : "0");
  return pairs;
}

std::string OptionPairsText(const OptionPairs& pairs) {
  std::string text;
  for (const auto& [key, value] : pairs) text += (text.empty() ? "" : ", ") + key + "=" + value;
  return text;
}

}  // namespace engine
