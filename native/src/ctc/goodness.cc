#include "ctc/goodness.h"

#include <algorithm>
#include <limits>

namespace engine {

std::vector<float> LogPosteriorRatios(const LogProbMatrix& log_probs, int64_t blank_id, TargetSequence targets,
                                      const ForcedAlignment& alignment) {
  const size_t blank = static_cast<size_t>(blank_id);
  std::vector<float> ratios(targets.size);
  for (size_t k = 0; k < targets.size; ++k) {
    const size_t target = static_cast<size_t>(targets.data[k]);
    double sum = 0.0;
    for (int32_t t = alignment.start_frames[k]; t < alignment.end_frames[k]; ++t) {
      const float* frame = log_probs.Frame(static_cast<size_t>(t));
      float competitor = -std::numeric_limits<float>::infinity();
      for (size_t q = 0; q < log_probs.vocab_size; ++q) {
        if (q != target && q != blank) competitor = std::max(competitor, frame[q]);
      }
      sum += static_cast<double>(frame[target]) - static_cast<double>(competitor);
    }
    ratios[k] = static_cast<float>(sum / (alignment.end_frames[k] - alignment.start_frames[k]));
  }
  return ratios;
}

}  // namespace engine
