// A read-only view of row-major num_frames x vocab_size CTC log-probabilities, and addition in log space.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace engine {

struct LogProbMatrix {
  const float* data = nullptr;
  size_t size = 0;  // number of floats at data
  size_t num_frames = 0;
  size_t vocab_size = 0;

  const float* Frame(size_t t) const { return data + t * vocab_size; }
};

// Log-probabilities that own their memory (an inference's output, or a copy of a caller's
// matrix), viewed as a LogProbMatrix. The bindings share one between the JS handle and the
// tasks reading it, so a matrix is never copied per operation.
struct LogProbBuffer {
  std::vector<float> values;
  size_t num_frames = 0;
  size_t vocab_size = 0;

  LogProbMatrix View() const { return {values.data(), values.size(), num_frames, vocab_size}; }
};

// Throws engine::Error(InvalidInput) unless vocab_size >= 1, blank_id is in [0, vocab_size),
// size == num_frames * vocab_size and no value is NaN or +infinity (-infinity, a zero
// probability, is allowed). `caller` prefixes the messages.
void ValidateLogProbs(const LogProbMatrix& log_probs, int64_t blank_id, const char* caller);

// log(exp(a) + exp(b)), exact where either is -infinity (the log of a zero probability).
inline double LogAdd(double a, double b) {
  constexpr double kNegInf = -std::numeric_limits<double>::infinity();
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  return a > b ? a + std::log1p(std::exp(b - a)) : b + std::log1p(std::exp(a - b));
}

}  // namespace engine
