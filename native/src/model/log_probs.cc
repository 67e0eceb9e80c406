#include "model/log_probs.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"

namespace engine {
namespace {

[[noreturn]] void ThrowUnusable(const std::string& why) {
  throw Error(ErrorCode::Internal, "the model output is unusable: " + why);
}

void LogSoftmaxRow(float* row, int64_t vocab_size) {
  const float max = *std::max_element(row, row + vocab_size);
  if (std::isnan(max) || max == std::numeric_limits<float>::infinity()) ThrowUnusable("NaN or +inf logits");
  if (max == -std::numeric_limits<float>::infinity()) ThrowUnusable("a frame with only -inf logits");
  double sum = 0.0;
  for (int64_t v = 0; v < vocab_size; ++v) {
    if (std::isnan(row[v])) ThrowUnusable("NaN logits");
    sum += std::exp(static_cast<double>(row[v]) - max);
  }
  const double log_norm = static_cast<double>(max) + std::log(sum);
  for (int64_t v = 0; v < vocab_size; ++v) row[v] = static_cast<float>(row[v] - log_norm);
}

}  // namespace

std::vector<float> ToLogProbs(std::vector<float> values, int64_t vocab_size, OutputKind kind) {
  if (vocab_size <= 0 || values.size() % static_cast<size_t>(vocab_size) != 0) {
    throw Error(ErrorCode::Internal, "ToLogProbs: values do not hold whole frames");
  }
  switch (kind) {
    case OutputKind::Logits:
      for (size_t start = 0; start < values.size(); start += static_cast<size_t>(vocab_size)) {
        LogSoftmaxRow(values.data() + start, vocab_size);
      }
      break;
    case OutputKind::Probs:
      for (float& p : values) {
        if (std::isnan(p)) ThrowUnusable("NaN probabilities");
        p = std::log(std::max(p, std::numeric_limits<float>::min()));
      }
      break;
    case OutputKind::LogProbs:
      for (float lp : values) {
        if (std::isnan(lp)) ThrowUnusable("NaN log-probabilities");
      }
      break;
  }
  return values;
}

}  // namespace engine
