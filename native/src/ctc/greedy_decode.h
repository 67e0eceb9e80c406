// Best-path (greedy) CTC decoding: the most likely label of every frame, repeats collapsed,
// blanks dropped. A label repeated across a blank yields two tokens.
#pragma once

#include <cstdint>
#include <vector>

#include "ctc/log_prob_matrix.h"

namespace engine {

struct GreedySegments {
  std::vector<int32_t> tokens;
  // [startFrames[k], endFrames[k]): the run of consecutive frames whose best label is token k.
  std::vector<int32_t> startFrames;
  std::vector<int32_t> endFrames;
  // Mean log-probability of the token over its frames.
  std::vector<float> meanLogProbs;
};

// Ties within a frame go to the lowest label id. Throws engine::Error(InvalidInput) on
// invalid input (see ValidateLogProbs).
GreedySegments CtcGreedyDecode(const LogProbMatrix& logProbs, int64_t blankId);

}  // namespace engine
