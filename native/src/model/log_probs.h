// Turns a model's frame x vocabulary output into log-probabilities.
#pragma once

#include <cstdint>
#include <vector>

#include "model/model_config.h"

namespace engine {

// `values` is row-major frames x vocab_size, already without skipped frames. Logits get a
// numerically stable log-softmax per frame; probabilities get log(max(p, FLT_MIN));
// log-probabilities pass through. NaN (or +inf, or a frame of only -inf logits) throws
// INTERNAL: the model output is unusable.
std::vector<float> ToLogProbs(std::vector<float> values, int64_t vocab_size, OutputKind kind);

}  // namespace engine
