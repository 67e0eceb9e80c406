// CTC edit alternatives (ctc/alternatives.h) against the forward algorithm run on each edited
// sequence, which is itself checked against brute-force enumeration in ctc_test.cc.
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "common/error.h"
#include "ctc/alternatives.h"
#include "ctc/forward.h"
#include "log_prob_matrices.h"
#include "test_support.h"

namespace {

using testing::CodeOf;
using testing::Matrix;
using testing::RandomLogSoftmax;

double Forward(const Matrix& m, int blank, const std::vector<int32_t>& labels) {
  return engine::CtcLogLikelihood(m.View(), blank, {labels.data(), labels.size()});
}

bool Same(double a, double b) {
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b));
}

}  // namespace

TEST_CASE("ctc alternatives: every substitution and deletion equals the forward algorithm on the edited sequence") {
  std::mt19937 rng(3);
  int checked = 0;
  int failures = 0;
  int infeasible = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const size_t vocab = 3 + rng() % 4;  // 3..6: small, so neighbours often repeat
    const int blank = static_cast<int>(rng() % vocab);
    std::vector<int32_t> targets(1 + rng() % 5);
    for (auto& label : targets) {
      do label = static_cast<int32_t>(rng() % vocab); while (label == blank);
    }
    std::vector<int32_t> candidates;
    for (size_t v = 0; v < vocab; ++v) {
      if (static_cast<int>(v) != blank) candidates.push_back(static_cast<int32_t>(v));
    }
    const size_t frames = 1 + rng() % 12;  // sometimes too few for the targets
    const Matrix m = RandomLogSoftmax(rng, frames, vocab);
    const engine::CtcEditAlternatives alt =
        engine::CtcAlternatives(m.View(), blank, {targets.data(), targets.size()}, {candidates.data(), candidates.size()});
    if (!Same(alt.log_likelihood, Forward(m, blank, targets))) ++failures;
    for (size_t i = 0; i < targets.size(); ++i) {
      std::vector<int32_t> deleted = targets;
      deleted.erase(deleted.begin() + static_cast<long>(i));
      const double expected = Forward(m, blank, deleted);
      infeasible += std::isinf(expected) ? 1 : 0;
      if (!Same(alt.deletion[i], expected)) ++failures;
      ++checked;
      for (size_t c = 0; c < candidates.size(); ++c) {
        std::vector<int32_t> substituted = targets;
        substituted[i] = candidates[c];
        const double want = Forward(m, blank, substituted);
        infeasible += std::isinf(want) ? 1 : 0;
        if (!Same(alt.substitution[i * candidates.size() + c], want)) ++failures;
        ++checked;
      }
    }
  }
  EXPECT(checked > 3000);
  EXPECT(infeasible > 50);  // the infeasible cases (too few frames) were exercised too
  EXPECT(failures == 0);
}

TEST_CASE("ctc alternatives: a candidate equal to the target phone gives the target's own likelihood") {
  std::mt19937 rng(5);
  const Matrix m = RandomLogSoftmax(rng, 20, 5);
  const std::vector<int32_t> targets{1, 2, 2, 3};
  const std::vector<int32_t> candidates{1, 2, 3, 4};
  const auto alt = engine::CtcAlternatives(m.View(), 0, {targets.data(), targets.size()}, {candidates.data(), candidates.size()});
  EXPECT(Same(alt.substitution[0 * 4 + 0], alt.log_likelihood));
  EXPECT(Same(alt.substitution[1 * 4 + 1], alt.log_likelihood));
  EXPECT(Same(alt.substitution[3 * 4 + 2], alt.log_likelihood));
}

TEST_CASE("ctc alternatives: invalid input is rejected with InvalidInput") {
  std::mt19937 rng(9);
  const Matrix m = RandomLogSoftmax(rng, 6, 4);
  const std::vector<int32_t> good{1, 2};
  const std::vector<int32_t> with_blank{1, 0};
  const std::vector<int32_t> outside{1, 4};
  const std::vector<int32_t> none;
  auto run = [&](const std::vector<int32_t>& targets, const std::vector<int32_t>& candidates) {
    return CodeOf([&] {
      engine::CtcAlternatives(m.View(), 0, {targets.data(), targets.size()}, {candidates.data(), candidates.size()});
    });
  };
  EXPECT(run(none, good) == engine::ErrorCode::InvalidInput);
  EXPECT(run(with_blank, good) == engine::ErrorCode::InvalidInput);
  EXPECT(run(good, with_blank) == engine::ErrorCode::InvalidInput);
  EXPECT(run(good, outside) == engine::ErrorCode::InvalidInput);
  EXPECT(!run(good, none).has_value());  // no candidates: deletions only
  // More candidates than the vocabulary (repeats) would only grow the output: refused.
  EXPECT(!run(good, {1, 2, 3, 3}).has_value());
  EXPECT(run(good, {1, 2, 3, 3, 1}) == engine::ErrorCode::InvalidInput);
}
