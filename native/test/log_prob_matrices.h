// Frame log-probability matrices for the CTC tests: an owning matrix with a LogProbMatrix view,
// and random rows that are exact log-softmaxes.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "ctc/log_prob_matrix.h"

namespace testing {

// The engine's own owning matrix (ctc/log_prob_matrix.h), as the bindings hold one.
using Matrix = engine::LogProbBuffer;

// Each frame the log-softmax of Gaussian logits (standard deviation 2).
inline Matrix RandomLogSoftmax(std::mt19937& rng, size_t frames, size_t vocab) {
  std::normal_distribution<double> normal(0.0, 2.0);
  Matrix m{std::vector<float>(frames * vocab), frames, vocab};
  for (size_t t = 0; t < frames; ++t) {
    std::vector<double> logits(vocab);
    double max = -1e300;
    for (auto& x : logits) max = std::max(max, x = normal(rng));
    double sum = 0.0;
    for (double x : logits) sum += std::exp(x - max);
    for (size_t v = 0; v < vocab; ++v) m.values[t * vocab + v] = static_cast<float>(logits[v] - max - std::log(sum));
  }
  return m;
}

}  // namespace testing
