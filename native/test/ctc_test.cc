// CTC core: greedy decoding and forced alignment on known cases, forced alignment against
// exhaustive enumeration of frame labellings, the length limit and validation.
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "common/error.h"
#include "ctc/forced_align.h"
#include "ctc/forward.h"
#include "ctc/goodness.h"
#include "ctc/greedy_decode.h"
#include "log_prob_matrices.h"
#include "test_support.h"

namespace {

using testing::CodeOf;
using testing::Matrix;
using testing::RandomLogSoftmax;

// Frames where `labels[t]` has probability 0.7 and the rest share 0.3.
Matrix Peaked(const std::vector<int>& labels, size_t vocab) {
  Matrix m{std::vector<float>(labels.size() * vocab), labels.size(), vocab};
  for (size_t t = 0; t < labels.size(); ++t) {
    for (size_t v = 0; v < vocab; ++v) {
      m.values[t * vocab + v] = static_cast<float>(std::log(static_cast<int>(v) == labels[t] ? 0.7 : 0.3 / (vocab - 1)));
    }
  }
  return m;
}

engine::ForcedAlignment Align(const Matrix& m, int blank, const std::vector<int32_t>& targets) {
  return engine::CtcForcedAlign(m.View(), blank, {targets.data(), targets.size()});
}

// Best labelling found by trying every sequence of frame labels that collapses to `targets`.
struct Exhaustive {
  double best = -std::numeric_limits<double>::infinity();
  std::vector<int> labels;
};

// Calls visit(labelling, log-probability) for every frame labelling of m (vocab_size ^ num_frames
// of them, in order) that collapses to `targets`: repeats merged, blanks dropped.
void ForEachLabelling(const Matrix& m, int blank, const std::vector<int32_t>& targets,
                      const std::function<void(const std::vector<int>&, double)>& visit) {
  std::vector<int> labels(m.num_frames, 0);
  size_t total = 1;
  for (size_t t = 0; t < m.num_frames; ++t) total *= m.vocab_size;
  for (size_t code = 0; code < total; ++code) {
    size_t rest = code;
    for (size_t t = 0; t < m.num_frames; ++t, rest /= m.vocab_size) labels[t] = static_cast<int>(rest % m.vocab_size);
    std::vector<int32_t> collapsed;
    for (size_t t = 0; t < m.num_frames; ++t) {
      if (labels[t] != blank && (t == 0 || labels[t] != labels[t - 1])) collapsed.push_back(labels[t]);
    }
    if (collapsed != targets) continue;
    double score = 0.0;
    for (size_t t = 0; t < m.num_frames; ++t) score += m.values[t * m.vocab_size + static_cast<size_t>(labels[t])];
    visit(labels, score);
  }
}

// The best labelling (the first of equal ones).
Exhaustive Enumerate(const Matrix& m, int blank, const std::vector<int32_t>& targets) {
  Exhaustive result;
  ForEachLabelling(m, blank, targets, [&](const std::vector<int>& labels, double score) {
    if (score > result.best) {
      result.best = score;
      result.labels = labels;
    }
  });
  return result;
}

}  // namespace

TEST_CASE("ctc: greedy decoding collapses repeats and drops blanks") {
  // Frame labels: _ a a _ a b b _ (blank 0, a = 1, b = 2).
  const Matrix m = Peaked({0, 1, 1, 0, 1, 2, 2, 0}, 3);
  const engine::GreedySegments g = engine::CtcGreedyDecode(m.View(), 0);
  EXPECT((g.tokens == std::vector<int32_t>{1, 1, 2}));
  EXPECT((g.start_frames == std::vector<int32_t>{1, 4, 5}));
  EXPECT((g.end_frames == std::vector<int32_t>{3, 5, 7}));
  EXPECT(g.mean_log_probs.size() == 3);
  for (float mean : g.mean_log_probs) EXPECT_NEAR(mean, std::log(0.7), 1e-6);
}

TEST_CASE("ctc: greedy decoding of nothing, and with a non-zero blank") {
  const Matrix empty{{}, 0, 5};
  EXPECT(engine::CtcGreedyDecode(empty.View(), 4).tokens.empty());
  const Matrix m = Peaked({2, 2, 0, 1}, 3);  // blank = 2
  const engine::GreedySegments g = engine::CtcGreedyDecode(m.View(), 2);
  EXPECT((g.tokens == std::vector<int32_t>{0, 1}));
  EXPECT((g.start_frames == std::vector<int32_t>{2, 3}));
  EXPECT((g.end_frames == std::vector<int32_t>{3, 4}));
}

TEST_CASE("ctc: forced alignment follows a clear path") {
  // Frame labels: _ a a _ a b (blank 0): targets a a b.
  const Matrix m = Peaked({0, 1, 1, 0, 1, 2}, 3);
  const engine::ForcedAlignment a = Align(m, 0, {1, 1, 2});
  EXPECT((a.start_frames == std::vector<int32_t>{1, 4, 5}));
  EXPECT((a.end_frames == std::vector<int32_t>{3, 5, 6}));
  EXPECT_NEAR(a.path_log_prob, 6 * std::log(0.7), 1e-5);
  for (float mean : a.mean_log_probs) EXPECT_NEAR(mean, std::log(0.7), 1e-6);
}

TEST_CASE("ctc: forced alignment needs T >= L + R frames") {
  std::mt19937 rng(3);
  const std::vector<int32_t> targets{1, 1, 2, 2, 2};  // L = 5, R = 3
  const Matrix enough = RandomLogSoftmax(rng, 8, 3);
  const engine::ForcedAlignment a = Align(enough, 0, targets);
  EXPECT((a.start_frames == std::vector<int32_t>{0, 2, 3, 5, 7}));  // the only feasible path
  EXPECT((a.end_frames == std::vector<int32_t>{1, 3, 4, 6, 8}));
  const Matrix too_short = RandomLogSoftmax(rng, 7, 3);
  EXPECT(CodeOf([&] { Align(too_short, 0, targets); }) == engine::ErrorCode::AudioTooShort);
}

TEST_CASE("ctc: forced alignment equals exhaustive search on small trellises") {
  std::mt19937 rng(2024);
  int failures = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const size_t vocab = 2 + rng() % 3;  // 2..4
    const int blank = static_cast<int>(rng() % vocab);
    std::vector<int32_t> targets(1 + rng() % 3);
    for (auto& label : targets) {
      do label = static_cast<int32_t>(rng() % vocab); while (label == blank);
    }
    size_t repeats = 0;
    for (size_t i = 1; i < targets.size(); ++i) repeats += targets[i] == targets[i - 1];
    const size_t frames = targets.size() + repeats + rng() % 4;
    if (frames > 7) continue;
    const Matrix m = RandomLogSoftmax(rng, frames, vocab);
    const Exhaustive best = Enumerate(m, blank, targets);
    const engine::ForcedAlignment a = Align(m, blank, targets);
    bool ok = std::fabs(a.path_log_prob - best.best) < 1e-4;
    // Spans from the exhaustive argmax: frames of each target's label run.
    size_t k = 0;
    for (size_t t = 0; t < frames && ok; ++t) {
      if (best.labels[t] == blank) continue;
      const bool starts_run = t == 0 || best.labels[t] != best.labels[t - 1];
      if (starts_run) {
        size_t end = t;
        while (end < frames && best.labels[end] == best.labels[t]) ++end;
        ok = a.start_frames[k] == static_cast<int32_t>(t) && a.end_frames[k] == static_cast<int32_t>(end);
        ++k;
      }
    }
    if (!ok) ++failures;
  }
  EXPECT(failures == 0);
}

TEST_CASE("ctc: zero-probability frames keep the path valid") {
  // Label 1 is impossible everywhere but the alignment must still place it.
  Matrix m = Peaked({0, 2, 0, 2}, 3);
  for (size_t t = 0; t < m.num_frames; ++t) m.values[t * 3 + 1] = -std::numeric_limits<float>::infinity();
  const engine::ForcedAlignment a = Align(m, 0, {1, 2});
  EXPECT(a.end_frames[0] - a.start_frames[0] >= 1);
  EXPECT(a.start_frames[1] >= a.end_frames[0]);
  EXPECT(std::isinf(a.path_log_prob) && a.path_log_prob < 0);
  EXPECT(a.end_frames[1] <= 4);
}

TEST_CASE("ctc: invalid input is rejected with InvalidInput") {
  const auto invalid = engine::ErrorCode::InvalidInput;
  const Matrix m = Peaked({0, 1, 2}, 3);
  EXPECT(CodeOf([&] { Align(m, 0, {}); }) == invalid);
  EXPECT(CodeOf([&] { Align(m, 0, {0}); }) == invalid);    // the blank
  EXPECT(CodeOf([&] { Align(m, 0, {3}); }) == invalid);    // outside the vocabulary
  EXPECT(CodeOf([&] { Align(m, 0, {-1}); }) == invalid);
  EXPECT(CodeOf([&] { Align(m, 3, {1}); }) == invalid);    // blank outside the vocabulary
  Matrix wrong_size = m;
  wrong_size.num_frames = 4;
  EXPECT(CodeOf([&] { Align(wrong_size, 0, {1}); }) == invalid);
  EXPECT(CodeOf([&] { engine::CtcGreedyDecode(wrong_size.View(), 0); }) == invalid);
  Matrix with_nan = m;
  with_nan.values[4] = std::numeric_limits<float>::quiet_NaN();
  EXPECT(CodeOf([&] { Align(with_nan, 0, {1}); }) == invalid);
  EXPECT(CodeOf([&] { engine::CtcGreedyDecode(with_nan.View(), 0); }) == invalid);
  Matrix zero_vocab{{}, 0, 0};
  EXPECT(CodeOf([&] { engine::CtcGreedyDecode(zero_vocab.View(), 0); }) == invalid);
}

TEST_CASE("ctc: goodness is the log ratio of the target to its best non-blank competitor") {
  // Frames peaked at 1, 1, 2 over vocab 4 (0 = blank): each non-peak token has 0.1.
  const Matrix m = Peaked({1, 1, 2}, 4);
  const std::vector<int32_t> targets{1, 2};
  const engine::TargetSequence view{targets.data(), targets.size()};
  const engine::ForcedAlignment alignment = engine::CtcForcedAlign(m.View(), 0, view);
  const std::vector<float> ratios = engine::LogPosteriorRatios(m.View(), 0, view, alignment);
  EXPECT(ratios.size() == 2);
  EXPECT_NEAR(ratios[0], std::log(0.7 / 0.1), 1e-5);
  EXPECT_NEAR(ratios[1], std::log(0.7 / 0.1), 1e-5);
  // Target 3 forced onto frames that favour 1 and 2: it loses to them.
  const std::vector<int32_t> wrong{3};
  const engine::ForcedAlignment forced = engine::CtcForcedAlign(m.View(), 0, {wrong.data(), wrong.size()});
  const std::vector<float> low = engine::LogPosteriorRatios(m.View(), 0, {wrong.data(), wrong.size()}, forced);
  EXPECT_NEAR(low[0], std::log(0.1 / 0.7), 1e-5);
}

namespace {

// log of the sum over every frame labelling that collapses to `labels` of its probability.
double BruteForceLogLikelihood(const Matrix& m, int blank, const std::vector<int32_t>& labels) {
  double sum = 0.0;
  ForEachLabelling(m, blank, labels, [&](const std::vector<int>&, double score) { sum += std::exp(score); });
  return std::log(sum);
}

double Forward(const Matrix& m, int blank, const std::vector<int32_t>& labels) {
  return engine::CtcLogLikelihood(m.View(), blank, {labels.data(), labels.size()});
}

}  // namespace

TEST_CASE("ctc: forward log-likelihood equals the sum over all labellings on small inputs") {
  std::mt19937 rng(7);
  int failures = 0;
  int checked = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const size_t vocab = 2 + rng() % 3;  // 2..4
    const int blank = static_cast<int>(rng() % vocab);
    std::vector<int32_t> labels(rng() % 4);  // 0..3 labels, the empty sequence included
    for (auto& label : labels) {
      do label = static_cast<int32_t>(rng() % vocab); while (label == blank);
    }
    const size_t frames = 1 + rng() % 7;  // may be too few for the labels
    const Matrix m = RandomLogSoftmax(rng, frames, vocab);
    const double brute = BruteForceLogLikelihood(m, blank, labels);
    const double forward = Forward(m, blank, labels);
    ++checked;
    if (std::isinf(brute) ? !(std::isinf(forward) && forward < 0) : std::fabs(forward - brute) > 1e-6) ++failures;
  }
  EXPECT(checked > 300);
  EXPECT(failures == 0);
}

TEST_CASE("ctc: forward log-likelihood is at least the best path's and sums to 1 over all sequences") {
  std::mt19937 rng(11);
  const Matrix m = RandomLogSoftmax(rng, 5, 3);
  const std::vector<int32_t> labels{1, 2};
  EXPECT(Forward(m, 0, labels) >= Align(m, 0, labels).path_log_prob - 1e-9);
  // Every labelling of 3 frames collapses to exactly one sequence: the sequences' probabilities sum to 1.
  const Matrix small = RandomLogSoftmax(rng, 3, 3);
  std::vector<std::vector<int32_t>> all{{}};
  for (int32_t a : {1, 2}) {
    all.push_back({a});
    for (int32_t b : {1, 2}) {
      all.push_back({a, b});
      for (int32_t c : {1, 2}) all.push_back({a, b, c});
    }
  }
  double total = 0.0;
  for (const auto& labels3 : all) total += std::exp(Forward(small, 0, labels3));
  EXPECT(std::fabs(total - 1.0) < 1e-6);
}

TEST_CASE("ctc: forward log-likelihood rejects the blank as a label") {
  const Matrix m = Peaked({0, 1, 0}, 3);
  const std::vector<int32_t> labels{0};
  EXPECT(CodeOf([&] { Forward(m, 0, labels); }) == engine::ErrorCode::InvalidInput);
}
