// The CUDA execution provider's settings as OrtCUDAProviderOptionsV2 key/value strings.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/model_config.h"

namespace engine {

using OptionPairs = std::vector<std::pair<std::string, std::string>>;

// device_id always; gpu_mem_limit, arena_extend_strategy, cudnn_conv_algo_search,
// do_copy_in_default_stream and use_tf32 only when the config sets them.
OptionPairs CudaProviderOptionPairs(const ModelConfig& config);

// "key=value, key=value" for error messages.
std::string OptionPairsText(const OptionPairs& pairs);

}  // namespace engine
