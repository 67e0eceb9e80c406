// The diagonal costs of an alignment, reduced for the wavefront DP (see wavefront.h).
//
// The DP works on E(i, j) = D(i, j) - i * deletion - j * insertion, for which
//   E(i, j) = min(E(i-1, j-1) + r(i, j), E(i-1, j), E(i, j-1)),
//   r(i, j) = diagonalCost(target[i-1], actual[j-1]) - deletion - insertion,
// so a cell costs one addition instead of three. The reduced costs are kept in a table with a
// row per distinct target symbol and a column per symbol (small inventories) or per distinct
// actual symbol (large ones).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dp/edit_distance.h"

namespace engine {

class ReducedCosts {
 public:
  // Inputs must already be validated.
  ReducedCosts(SymbolSequence target, SymbolSequence actual, const EditCosts& costs);

  // Row for target position i (0-based); SentinelRow() is all +infinity.
  int32_t TargetRow(size_t i) const { return target_rows_[i]; }
  int32_t SentinelRow() const { return rows_; }
  // Column for actual position j (0-based); SentinelColumn() is +infinity in every row.
  int32_t ActualColumn(size_t j) const { return actual_columns_[j]; }
  int32_t SentinelColumn() const { return columns_; }
  const double* Row(int32_t row) const { return table_.data() + static_cast<size_t>(row) * RowSize(); }

  // r(i, j) for 1-based DP coordinates, i, j >= 1.
  double At(size_t i, size_t j) const { return Row(target_rows_[i - 1])[actual_columns_[j - 1]]; }

 private:
  std::vector<int32_t> target_rows_;
  std::vector<int32_t> actual_columns_;
  int32_t rows_ = 0;
  int32_t columns_ = 0;
  size_t RowSize() const { return static_cast<size_t>(columns_) + 1; }

  std::vector<double> table_;  // (rows_ + 1) x RowSize()
};

}  // namespace engine
