// Edit-distance core: known cases, tie-breaking, both wavefront backends, validation, and a
// randomized cross-check against a plain recursive formulation.
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "common/error.h"
#include "dp/edit_distance.h"
#include "dp/reduced_costs.h"
#include "dp/wavefront.h"
#include "test_support.h"

namespace {

using testing::CodeOf;

using engine::EditOp;

struct Case {
  Case() = default;
  Case(std::vector<int32_t> target_, std::vector<int32_t> actual_, int32_t num_symbols_ = 4,
       std::vector<float> substitution_ = {}, double insertion_ = 1.0, double deletion_ = 1.0)
      : target(std::move(target_)),
        actual(std::move(actual_)),
        num_symbols(num_symbols_),
        substitution(std::move(substitution_)),
        insertion(insertion_),
        deletion(deletion_) {}

  std::vector<int32_t> target;
  std::vector<int32_t> actual;
  int32_t num_symbols = 4;
  std::vector<float> substitution;  // empty: none
  double insertion = 1.0;
  double deletion = 1.0;

  engine::EditCosts Costs() const {
    engine::EditCosts costs;
    costs.num_symbols = num_symbols;
    if (!substitution.empty()) {
      costs.substitution = substitution.data();
      costs.substitution_size = substitution.size();
    }
    costs.insertion = insertion;
    costs.deletion = deletion;
    return costs;
  }
  engine::EditResult Run() const {
    return engine::ComputeEditDistance({target.data(), target.size()}, {actual.data(), actual.size()}, Costs());
  }
  double Diagonal(int32_t t, int32_t a) const {
    if (t == a) return 0.0;
    return substitution.empty() ? 1.0 : substitution[static_cast<size_t>(t * num_symbols + a)];
  }
};

std::vector<uint8_t> Ops(std::initializer_list<EditOp> ops) {
  std::vector<uint8_t> out;
  for (EditOp op : ops) out.push_back(static_cast<uint8_t>(op));
  return out;
}

// Replays the ops: checks they consume both sequences in order, that indices follow the
// documented convention, and returns their summed cost.
bool Replay(const Case& c, const engine::EditResult& r, double* cost) {
  size_t i = 0, j = 0;
  double sum = 0.0;
  if (r.types.size() != r.target_indices.size() || r.types.size() != r.actual_indices.size()) return false;
  for (size_t k = 0; k < r.types.size(); ++k) {
    const size_t ti = static_cast<size_t>(r.target_indices[k]);
    const size_t ai = static_cast<size_t>(r.actual_indices[k]);
    if (ti != i || ai != j) return false;
    switch (static_cast<EditOp>(r.types[k])) {
      case EditOp::Match:
        if (i >= c.target.size() || j >= c.actual.size() || c.target[i] != c.actual[j]) return false;
        ++i, ++j;
        break;
      case EditOp::Substitute:
        if (i >= c.target.size() || j >= c.actual.size() || c.target[i] == c.actual[j]) return false;
        sum += c.Diagonal(c.target[i], c.actual[j]);
        ++i, ++j;
        break;
      case EditOp::Delete:
        if (i >= c.target.size()) return false;
        sum += c.deletion;
        ++i;
        break;
      case EditOp::Insert:
        if (j >= c.actual.size()) return false;
        sum += c.insertion;
        ++j;
        break;
      default:
        return false;
    }
  }
  *cost = sum;
  return i == c.target.size() && j == c.actual.size();
}

// Runs c: true when its distance is `expected` and its ops replay (Replay) at exactly that cost.
bool DistanceReplays(const Case& c, double expected) {
  const engine::EditResult r = c.Run();
  double cost = -1;
  return r.distance == expected && Replay(c, r, &cost) && cost == expected;
}

// Minimal cost of aligning target[i..] with actual[j..], by plain memoised recursion.
double SuffixCost(const Case& c, size_t i, size_t j, std::map<std::pair<size_t, size_t>, double>& memo) {
  if (i == c.target.size()) return static_cast<double>(c.actual.size() - j) * c.insertion;
  if (j == c.actual.size()) return static_cast<double>(c.target.size() - i) * c.deletion;
  const auto key = std::make_pair(i, j);
  const auto found = memo.find(key);
  if (found != memo.end()) return found->second;
  double best = c.Diagonal(c.target[i], c.actual[j]) + SuffixCost(c, i + 1, j + 1, memo);
  best = std::min(best, c.deletion + SuffixCost(c, i + 1, j, memo));
  best = std::min(best, c.insertion + SuffixCost(c, i, j + 1, memo));
  memo[key] = best;
  return best;
}

}  // namespace

TEST_CASE("dp: identical sequences are all matches") {
  Case c{{1, 2, 3, 2}, {1, 2, 3, 2}};
  const engine::EditResult r = c.Run();
  EXPECT(r.distance == 0.0);
  EXPECT(r.types == Ops({EditOp::Match, EditOp::Match, EditOp::Match, EditOp::Match}));
}

TEST_CASE("dp: unit-cost Levenshtein of a classic pair") {
  // kitten -> sitting over a 26-letter alphabet: distance 3.
  auto letters = [](const char* s) {
    std::vector<int32_t> out;
    for (; *s; ++s) out.push_back(*s - 'a');
    return out;
  };
  EXPECT(DistanceReplays(Case{letters("kitten"), letters("sitting"), 26}, 3.0));
}

TEST_CASE("dp: empty sides") {
  Case inserts{{}, {2, 0, 1}};
  engine::EditResult r = inserts.Run();
  EXPECT(r.distance == 3.0);
  EXPECT(r.types == Ops({EditOp::Insert, EditOp::Insert, EditOp::Insert}));
  EXPECT((r.target_indices == std::vector<int32_t>{0, 0, 0}));
  EXPECT((r.actual_indices == std::vector<int32_t>{0, 1, 2}));

  Case deletes{{3, 3}, {}, 4, {}, 1.0, 0.5};
  r = deletes.Run();
  EXPECT(r.distance == 1.0);
  EXPECT(r.types == Ops({EditOp::Delete, EditOp::Delete}));
  EXPECT((r.target_indices == std::vector<int32_t>{0, 1}));
  EXPECT((r.actual_indices == std::vector<int32_t>{0, 0}));

  Case none{{}, {}};
  r = none.Run();
  EXPECT(r.distance == 0.0);
  EXPECT(r.types.empty());
}

TEST_CASE("dp: index convention for inserts and deletes") {
  // target 0 1 2, actual 0 2 3: delete target[1] at actual position 1, insert actual[2] (trailing).
  EXPECT(DistanceReplays(Case{{0, 1, 2}, {0, 2, 3}, 4, {}, 1.0, 1.0}, 2.0));
}

TEST_CASE("dp: ties prefer diagonal, then delete, then insert, from the end") {
  // Substitution 2 == delete + insert 2: the diagonal wins.
  Case tie{{0}, {1}, 2, {0, 2, 2, 0}};
  engine::EditResult r = tie.Run();
  EXPECT(r.distance == 2.0);
  EXPECT(r.types == Ops({EditOp::Substitute}));

  // Substitution 3: [insert, delete] (ends in delete) beats [delete, insert] (ends in insert).
  Case expensive{{0}, {1}, 2, {0, 3, 3, 0}};
  r = expensive.Run();
  EXPECT(r.distance == 2.0);
  EXPECT(r.types == Ops({EditOp::Insert, EditOp::Delete}));
  EXPECT((r.target_indices == std::vector<int32_t>{0, 0}));
  EXPECT((r.actual_indices == std::vector<int32_t>{0, 1}));

  // Deleting either of two equal target symbols: the last op is a match when the first is deleted.
  Case repeat{{2, 2}, {2}};
  r = repeat.Run();
  EXPECT(r.types == Ops({EditOp::Delete, EditOp::Match}));
}

TEST_CASE("dp: equal symbols match at 0 whatever the matrix diagonal says") {
  Case c{{1, 1}, {1, 1}, 2, {5, 5, 5, 5}};
  const engine::EditResult r = c.Run();
  EXPECT(r.distance == 0.0);
  EXPECT(r.types == Ops({EditOp::Match, EditOp::Match}));
}

TEST_CASE("dp: portable and SIMD wavefronts agree with the plain DP table") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    Case c;
    c.num_symbols = 1 + static_cast<int32_t>(rng() % 6);
    c.target.resize(rng() % 30 + 1);
    c.actual.resize(rng() % 30 + 1);
    for (auto& s : c.target) s = static_cast<int32_t>(rng() % static_cast<uint32_t>(c.num_symbols));
    for (auto& s : c.actual) s = static_cast<int32_t>(rng() % static_cast<uint32_t>(c.num_symbols));
    c.substitution.resize(static_cast<size_t>(c.num_symbols * c.num_symbols));
    for (auto& v : c.substitution) v = static_cast<float>(rng() % 5) * 0.5f;
    c.insertion = static_cast<double>(rng() % 4) * 0.5;
    c.deletion = static_cast<double>(rng() % 4) * 0.5;
    const engine::EditCosts costs = c.Costs();
    const size_t n = c.target.size(), m = c.actual.size();
    const engine::ReducedCosts reduced({c.target.data(), n}, {c.actual.data(), m}, costs);
    const auto portable = engine::WavefrontTable::Fill<engine::PortablePair>(reduced, n, m);
    const auto fast = engine::WavefrontTable::Fill<engine::FastPair>(reduced, n, m);

    std::vector<std::vector<double>> d(n + 1, std::vector<double>(m + 1, 0.0));
    for (size_t i = 1; i <= n; ++i) d[i][0] = d[i - 1][0] + c.deletion;
    for (size_t j = 1; j <= m; ++j) d[0][j] = d[0][j - 1] + c.insertion;
    bool same = true;
    for (size_t i = 0; i <= n; ++i) {
      for (size_t j = 0; j <= m; ++j) {
        if (i > 0 && j > 0) {
          d[i][j] = std::min({d[i - 1][j - 1] + c.Diagonal(c.target[i - 1], c.actual[j - 1]),
                              d[i - 1][j] + c.deletion, d[i][j - 1] + c.insertion});
        }
        const double expected = d[i][j] - static_cast<double>(i) * c.deletion - static_cast<double>(j) * c.insertion;
        same &= portable.At(i, j) == expected && fast.At(i, j) == expected;
      }
    }
    EXPECT(same);
  }
}

TEST_CASE("dp: random pairs match the recursive optimum and replay exactly") {
  std::mt19937 rng(12345);
  int mismatches = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    Case c;
    c.num_symbols = 2 + static_cast<int32_t>(rng() % 4);
    c.target.resize(rng() % 13);
    c.actual.resize(rng() % 13);
    for (auto& s : c.target) s = static_cast<int32_t>(rng() % static_cast<uint32_t>(c.num_symbols));
    for (auto& s : c.actual) s = static_cast<int32_t>(rng() % static_cast<uint32_t>(c.num_symbols));
    if (rng() % 4 != 0) {
      c.substitution.resize(static_cast<size_t>(c.num_symbols * c.num_symbols));
      for (auto& v : c.substitution) v = static_cast<float>(rng() % 4);
    }
    c.insertion = static_cast<double>(1 + rng() % 3);
    c.deletion = static_cast<double>(1 + rng() % 3);
    std::map<std::pair<size_t, size_t>, double> memo;
    if (!DistanceReplays(c, SuffixCost(c, 0, 0, memo))) ++mismatches;
  }
  EXPECT(mismatches == 0);
}

TEST_CASE("dp: invalid input is rejected with InvalidInput") {
  const auto invalid = engine::ErrorCode::InvalidInput;
  Case out_of_range{{0, 4}, {1}};
  EXPECT(CodeOf([&] { out_of_range.Run(); }) == invalid);
  Case negative_id{{0}, {-1}};
  EXPECT(CodeOf([&] { negative_id.Run(); }) == invalid);
  Case no_symbols{{}, {}, 0};
  EXPECT(CodeOf([&] { no_symbols.Run(); }) == invalid);
  Case wrong_matrix{{0}, {1}, 2, {0, 1, 1}};
  EXPECT(CodeOf([&] { wrong_matrix.Run(); }) == invalid);
  Case negative_cost{{0}, {1}, 2, {0, -1, 1, 0}};
  EXPECT(CodeOf([&] { negative_cost.Run(); }) == invalid);
  Case nan_cost{{0}, {1}, 2, {0, std::numeric_limits<float>::quiet_NaN(), 1, 0}};
  EXPECT(CodeOf([&] { nan_cost.Run(); }) == invalid);
  Case infinite_insert{{0}, {1}, 2, {}, std::numeric_limits<double>::infinity(), 1.0};
  EXPECT(CodeOf([&] { infinite_insert.Run(); }) == invalid);
  Case negative_delete{{0}, {1}, 2, {}, 1.0, -0.5};
  EXPECT(CodeOf([&] { negative_delete.Run(); }) == invalid);
}
