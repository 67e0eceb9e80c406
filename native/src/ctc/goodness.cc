#include "ctc/goodness.h"

#include <algorithm>
#include <limits>

namespace engine {

std::vector<float> LogPosteriorRatios(const LogProbMatrix& logProbs, int64_t blankId, TargetSequence targets,
                                      const ForcedAlignment& alignment) {
  const size_t blank = static_cast<size_t>(blankId);
  std::vector<float> ratios(targets.size);
  for (size_t k = 0; k < targets.size; ++k) {
    const size_t target = static_cast<size_t>(targets.data[k]);
    double sum = 0.0;
    for (int32_t t = alignment.startFrames[k]; t < alignment.endFrames[k]; ++t) {
      const float* frame = logProbs.Frame(static_cast<size_t>(t));
      float competitor = -std::numeric_limits<float>::infinity();
      for (size_t q = 0; q < logProbs.vocabSize; ++q) {
        if (q != target && q != blank) competitor = std::max(competitor, frame[q]);
      }
      sum += static_cast<double>(frame[target]) - static_cast<double>(competitor);
    }
    ratios[k] = static_cast<float>(sum / (alignment.endFrames[k] - alignment.startFrames[k]));
  }
  return ratios;
}

}  // namespace engine
