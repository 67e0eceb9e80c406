// Fills the reduced DP table E(i, j) (see reduced_costs.h) for an n x m alignment.
//
// Along a row every cell waits for its left neighbour, which makes a plain row loop
// latency-bound. Here rows are taken in strips of kLanes: lane k computes row i0 + k + 1 and
// runs k columns behind lane k - 1, so at step s lane k is at column s - k and all of its
// inputs (up, left, diagonal) were produced by the two previous steps. Each step thus
// updates kLanes independent cells with SIMD pairs. Cells outside the table read +infinity
// (sentinel costs and an +infinity start state), which lets the same code handle the edges.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "dp/double_pair.h"
#include "dp/reduced_costs.h"

namespace engine {

class WavefrontTable {
 public:
  static constexpr size_t kLanes = 8;

  template <class Pair>
  static WavefrontTable Fill(const ReducedCosts& costs, size_t n, size_t m);

  // E(i, j) for 0 <= i <= n, 0 <= j <= m.
  double At(size_t i, size_t j) const {
    if (i == 0 || j == 0) return 0.0;  // D(i, 0) = i * deletion, D(0, j) = j * insertion
    const size_t lane = (i - 1) % kLanes;
    const size_t step = j + lane;
    return cells_.get()[(((i - 1) / kLanes) * steps_ + step) * kLanes + lane];
  }

 private:
  // Frees storage obtained from std::allocator.
  struct Deallocate {
    size_t count;
    void operator()(double* cells) const { std::allocator<double>().deallocate(cells, count); }
  };

  // The fill writes every cell, so the storage is left uninitialized (zeroing it would cost
  // as much as a good part of the fill).
  WavefrontTable(size_t n, size_t m) : steps_(m + kLanes), cells_(nullptr, Deallocate{0}) {
    const size_t count = ((n + kLanes - 1) / kLanes) * steps_ * kLanes;
    cells_ = std::unique_ptr<double[], Deallocate>(std::allocator<double>().allocate(count), Deallocate{count});
  }

  size_t steps_;
  // Per strip, per step, per lane: the value lane k computed at that step.
  std::unique_ptr<double[], Deallocate> cells_;
};

template <class Pair>
WavefrontTable WavefrontTable::Fill(const ReducedCosts& costs, size_t n, size_t m) {
  constexpr size_t kPairs = kLanes / 2;
  const double infinity = std::numeric_limits<double>::infinity();
  WavefrontTable table(n, m);
  const size_t steps = table.steps_;

  // columns[c + kLanes]: reduced-cost column of DP column c, for c in [-kLanes, m + kLanes);
  // the sentinel (+infinity) outside 1..m, so nothing enters column 0 diagonally.
  std::vector<int32_t> columns(m + 2 * kLanes, costs.SentinelColumn());
  for (size_t j = 1; j <= m; ++j) columns[j + kLanes] = costs.ActualColumn(j - 1);

  // above[c + 1] = E(i0, c) for c in [-1, steps): the row just above the current strip.
  std::vector<double> above(steps + 1, infinity);
  std::fill(above.begin() + 1, above.begin() + static_cast<std::ptrdiff_t>(m) + 2, 0.0);

  for (size_t i0 = 0; i0 < n; i0 += kLanes) {
    const size_t rows = std::min(kLanes, n - i0);
    const double* lane_costs[kLanes];
    for (size_t k = 0; k < kLanes; ++k) lane_costs[k] = costs.Row(k < rows ? costs.TargetRow(i0 + k) : costs.SentinelRow());
    Pair current[kPairs];   // value of each lane at the previous step (its left neighbour)
    Pair diagonal[kPairs];  // "up" inputs of the previous step = this step's diagonal inputs
    for (size_t p = 0; p < kPairs; ++p) current[p] = diagonal[p] = Pair::Both(infinity);
    double* out = table.cells_.get() + (i0 / kLanes) * steps * kLanes;

    for (size_t s = 0; s < steps; ++s) {
      const int32_t* column = columns.data() + kLanes + s;  // lane k is at column s - k
      Pair up[kPairs];
      up[0] = Pair::LowThenLow(above[s + 1], current[0]);
      for (size_t p = 1; p < kPairs; ++p) up[p] = Pair::Straddle(current[p - 1], current[p]);
      for (size_t p = 0; p < kPairs; ++p) {
        const std::ptrdiff_t k = static_cast<std::ptrdiff_t>(2 * p);
        const Pair reduced = Pair::Gather(lane_costs[2 * p] + column[-k], lane_costs[2 * p + 1] + column[-k - 1]);
        current[p] = Pair::Min(Pair::Min(current[p], diagonal[p] + reduced), up[p]);
        current[p].Store(out + s * kLanes + 2 * p);
        diagonal[p] = up[p];
      }
    }

    const size_t last = rows - 1;
    for (size_t c = 0; c <= m; ++c) above[c + 1] = out[(c + last) * kLanes + last];
  }
  return table;
}

}  // namespace engine
