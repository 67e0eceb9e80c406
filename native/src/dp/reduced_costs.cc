#include "dp/reduced_costs.h"

#include <algorithm>
#include <limits>

namespace engine {
namespace {

// Ranks symbols by first occurrence; returns the symbols in rank order.
std::vector<int32_t> RankSymbols(SymbolSequence sequence, std::vector<int32_t>& rank_of_symbol,
                                 std::vector<int32_t>& ranks) {
  std::vector<int32_t> symbols;
  symbols.reserve(sequence.size);
  ranks.resize(sequence.size);
  for (size_t i = 0; i < sequence.size; ++i) {
    int32_t& rank = rank_of_symbol[static_cast<size_t>(sequence.data[i])];
    if (rank < 0) {
      rank = static_cast<int32_t>(symbols.size());
      symbols.push_back(sequence.data[i]);
    }
    ranks[i] = rank;
  }
  return symbols;
}

// out[c] = r(symbol, c) for every symbol c: a straight conversion pass, which vectorizes.
void FillWholeRow(double* out, size_t symbol, const EditCosts& costs, double offset) {
  const size_t num_symbols = static_cast<size_t>(costs.num_symbols);
  if (costs.substitution != nullptr) {
    const float* substitution = costs.substitution + symbol * num_symbols;
    for (size_t c = 0; c < num_symbols; ++c) out[c] = static_cast<double>(substitution[c]) + offset;
  } else {
    std::fill(out, out + num_symbols, 1.0 + offset);
  }
  out[symbol] = offset;  // a match costs 0
}

// out[c] = r(symbol, column_symbols[c]), gathered.
void FillCompactRow(double* out, size_t symbol, const EditCosts& costs, double offset,
                    const std::vector<int32_t>& column_symbols, int32_t same_symbol_column) {
  if (costs.substitution != nullptr) {
    const float* substitution = costs.substitution + symbol * static_cast<size_t>(costs.num_symbols);
    for (size_t c = 0; c < column_symbols.size(); ++c) out[c] = static_cast<double>(substitution[column_symbols[c]]) + offset;
  } else {
    std::fill(out, out + column_symbols.size(), 1.0 + offset);
  }
  if (same_symbol_column >= 0) out[same_symbol_column] = offset;
}

}  // namespace

ReducedCosts::ReducedCosts(SymbolSequence target, SymbolSequence actual, const EditCosts& costs) {
  const size_t num_symbols = static_cast<size_t>(costs.num_symbols);
  std::vector<int32_t> target_rank(num_symbols, -1);
  const std::vector<int32_t> row_symbols = RankSymbols(target, target_rank, target_rows_);
  rows_ = static_cast<int32_t>(row_symbols.size());

  // Columns: for a small inventory every symbol (whole rows convert in one fast pass);
  // otherwise only the distinct actual symbols.
  const bool whole_rows = num_symbols <= 2 * actual.size;
  std::vector<int32_t> column_symbols;
  std::vector<int32_t> actual_rank;
  if (whole_rows) {
    actual_columns_.assign(actual.data, actual.data + actual.size);
    columns_ = costs.num_symbols;
  } else {
    actual_rank.assign(num_symbols, -1);
    column_symbols = RankSymbols(actual, actual_rank, actual_columns_);
    columns_ = static_cast<int32_t>(column_symbols.size());
  }

  const double infinity = std::numeric_limits<double>::infinity();
  const double offset = -costs.deletion - costs.insertion;
  const size_t row_size = RowSize();
  table_.resize((static_cast<size_t>(rows_) + 1) * row_size);
  for (size_t row = 0; row < row_symbols.size(); ++row) {
    const size_t symbol = static_cast<size_t>(row_symbols[row]);
    double* out = table_.data() + row * row_size;
    if (whole_rows) {
      FillWholeRow(out, symbol, costs, offset);
    } else {
      FillCompactRow(out, symbol, costs, offset, column_symbols, actual_rank[symbol]);
    }
    out[columns_] = infinity;  // sentinel column
  }
  std::fill(table_.end() - static_cast<std::ptrdiff_t>(row_size), table_.end(), infinity);  // sentinel row
}

}  // namespace engine
