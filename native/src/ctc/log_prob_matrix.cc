#include "ctc/log_prob_matrix.h"

#include <cstring>
#include <limits>
#include <string>

#include "common/error.h"

namespace engine {
namespace {

constexpr uint32_t kExponentBits = 0x7F800000u;
constexpr uint32_t kNegativeInfinityBits = 0xFF800000u;

}  // namespace

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
  // NaN and +inf by bit pattern (all-ones exponent, except -inf): integer compares with no
  // early exit, so the check vectorizes.
  uint32_t invalid = 0;
  for (size_t i = 0; i < logProbs.size; ++i) {
    uint32_t bits;
    std::memcpy(&bits, &logProbs.data[i], sizeof bits);
    invalid |= static_cast<uint32_t>((bits & kExponentBits) == kExponentBits) &
               static_cast<uint32_t>(bits != kNegativeInfinityBits);
  }
  if (invalid != 0) throw Error(ErrorCode::InvalidInput, prefix + "logProbs contains NaN or +infinity");
}

}  // namespace engine
