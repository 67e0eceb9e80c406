// Best-path (greedy) CTC decoding: the most likely label of every frame, repeats collapsed,
// blanks dropped. A label repeated across a blank yields two tokens.
#pragma once

#include <cstdint>
#include <vector>

#include "ctc/log_prob_matrix.h"

namespace engine {

struct GreedySegments {
  std::vector<int32_t> tokens;
  // [start_frames[k], end_frames[k]): the run of consecutive frames whose best label is token k.
  std::vector<int32_t> start_frames;
  std::vector<int32_t> end_frames;
  // Mean log-probability of the token over its frames.
  std::vector<float> mean_log_probs;
};

// Ties within a frame go to the lowest label id. Throws engine::Error(InvalidInput) on
// invalid input (see ValidateLogProbs).
GreedySegments CtcGreedyDecode(const LogProbMatrix& log_probs, int64_t blank_id);

}  // namespace engine
