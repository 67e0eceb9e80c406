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

void ValidateLogProbs(const LogProbMatrix& log_probs, int64_t blank_id, const char* caller) {
  const std::string prefix = std::string(caller) + ": ";
  if (log_probs.vocab_size == 0) throw Error(ErrorCode::InvalidInput, prefix + "vocabSize must be at least 1");
  if (blank_id < 0 || static_cast<uint64_t>(blank_id) >= log_probs.vocab_size) {
    throw Error(ErrorCode::InvalidInput, prefix + "blankId " + std::to_string(blank_id) + " is outside [0, vocabSize = " +
                                             std::to_string(log_probs.vocab_size) + ")");
  }
  const bool overflows = log_probs.num_frames > std::numeric_limits<size_t>::max() / log_probs.vocab_size;
  if (overflows || log_probs.size != log_probs.num_frames * log_probs.vocab_size) {
    throw Error(ErrorCode::InvalidInput, prefix + "logProbs has " + std::to_string(log_probs.size) +
                                             " values, expected numFrames * vocabSize = " +
                                             std::to_string(log_probs.num_frames) + " * " +
                                             std::to_string(log_probs.vocab_size));
  }
  // NaN and +inf by bit pattern (all-ones exponent, except -inf): integer compares with no
  // early exit, so the check vectorizes.
  uint32_t invalid = 0;
  for (size_t i = 0; i < log_probs.size; ++i) {
    uint32_t bits;
    std::memcpy(&bits, &log_probs.data[i], sizeof bits);
    invalid |= static_cast<uint32_t>((bits & kExponentBits) == kExponentBits) &
               static_cast<uint32_t>(bits != kNegativeInfinityBits);
  }
  if (invalid != 0) throw Error(ErrorCode::InvalidInput, prefix + "logProbs contains NaN or +infinity");
}

}  // namespace engine
