#include "ctc/log_prob_matrix.h"

#include <limits>
#include <string>

#include "common/error.h"

namespace engine {

void ValidateLogProbs(const LogProbMatrix& logProbs, int64_t blankId, const char* caller) {
  const std::string prefix = std::string(caller) + ": ";
  if (logProbs.vocabSize == 0) throw Error(ErrorCode::InvalidInput, prefix + "vocabSize must be at least 1");
  if (blankId < 0 || static_cast<uint64_t>(blankId) >= logProbs.vocabSize) {
    throw Error(ErrorCode::InvalidInput, prefix + "blankId " + std::to_string(blankId) + " is outside [0, vocabSize = " +
                                             std::to_string(logProbs.vocabSize) + ")");
  }
  const bool overflows = logProbs.numFrames > std::numeric_limits<size_t>::max() / logProbs.vocabSize;
  if (overflows || logProbs.size != logProbs.numFrames * logProbs.vocabSize) {
    throw Error(ErrorCode::InvalidInput, prefix + "logProbs has " + std::to_string(logProbs.size) +
                                             " values, expected numFrames * vocabSize = " +
                                             std::to_string(logProbs.numFrames) + " * " +
                                             std::to_string(logProbs.vocabSize));
  }
  // One pass without early exit, so the compiler can vectorize the check.
  bool allValid = true;
  for (size_t i = 0; i < logProbs.size; ++i) {
    allValid &= logProbs.data[i] <= std::numeric_limits<float>::max();  // false for NaN and +inf
  }
  if (!allValid) throw Error(ErrorCode::InvalidInput, prefix + "logProbs contains NaN or +infinity");
}

}  // namespace engine
