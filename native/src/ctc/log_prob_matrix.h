// A read-only view of row-major numFrames x vocabSize CTC log-probabilities.
#pragma once

#include <cstddef>
#include <cstdint>

namespace engine {

struct LogProbMatrix {
  const float* data = nullptr;
  size_t size = 0;  // number of floats at data
  size_t numFrames = 0;
  size_t vocabSize = 0;

  const float* Frame(size_t t) const { return data + t * vocabSize; }
};

// Throws engine::Error(InvalidInput) unless vocabSize >= 1, blankId is in [0, vocabSize),
// size == numFrames * vocabSize and no value is NaN or +infinity (-infinity, a zero
// probability, is allowed). `caller` prefixes the messages.
void ValidateLogProbs(const LogProbMatrix& logProbs, int64_t blankId, const char* caller);

}  // namespace engine
