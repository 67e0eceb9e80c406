#include "dp/reduced_costs.h"

#include <algorithm>
#include <limits>

namespace engine {
namespace {

// Ranks symbols by first occurrence; returns the symbols in rank order.
std::vector<int32_t> RankSymbols(SymbolSequence sequence, std::vector<int32_t>& rankOfSymbol,
                                 std::vector<int32_t>& ranks) {
  std::vector<int32_t> symbols;
  symbols.reserve(sequence.size);
  ranks.resize(sequence.size);
  for (size_t i = 0; i < sequence.size; ++i) {
    int32_t& rank = rankOfSymbol[static_cast<size_t>(sequence.data[i])];
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
  const size_t numSymbols = static_cast<size_t>(costs.numSymbols);
  if (costs.substitution != nullptr) {
    const float* substitution = costs.substitution + symbol * numSymbols;
    for (size_t c = 0; c < numSymbols; ++c) out[c] = static_cast<double>(substitution[c]) + offset;
  } else {
    std::fill(out, out + numSymbols, 1.0 + offset);
  }
  out[symbol] = offset;  // a match costs 0
}

// out[c] = r(symbol, columnSymbols[c]), gathered.
void FillCompactRow(double* out, size_t symbol, const EditCosts& costs, double offset,
                    const std::vector<int32_t>& columnSymbols, int32_t sameSymbolColumn) {
  if (costs.substitution != nullptr) {
    const float* substitution = costs.substitution + symbol * static_cast<size_t>(costs.numSymbols);
    for (size_t c = 0; c < columnSymbols.size(); ++c) out[c] = static_cast<double>(substitution[columnSymbols[c]]) + offset;
  } else {
    std::fill(out, out + columnSymbols.size(), 1.0 + offset);
  }
  if (sameSymbolColumn >= 0) out[sameSymbolColumn] = offset;
}

}  // namespace

ReducedCosts::ReducedCosts(SymbolSequence target, SymbolSequence actual, const EditCosts& costs) {
  const size_t numSymbols = static_cast<size_t>(costs.numSymbols);
  std::vector<int32_t> targetRank(numSymbols, -1);
  const std::vector<int32_t> rowSymbols = RankSymbols(target, targetRank, targetRows_);
  rows_ = static_cast<int32_t>(rowSymbols.size());

  // Columns: for a small inventory every symbol (whole rows convert in one fast pass);
  // otherwise only the distinct actual symbols.
  const bool wholeRows = numSymbols <= 2 * actual.size;
  std::vector<int32_t> columnSymbols;
  std::vector<int32_t> actualRank;
  if (wholeRows) {
    actualColumns_.assign(actual.data, actual.data + actual.size);
    columns_ = costs.numSymbols;
  } else {
    actualRank.assign(numSymbols, -1);
    columnSymbols = RankSymbols(actual, actualRank, actualColumns_);
    columns_ = static_cast<int32_t>(columnSymbols.size());
  }

  const double infinity = std::numeric_limits<double>::infinity();
  const double offset = -costs.deletion - costs.insertion;
  const size_t rowSize = RowSize();
  table_.resize((static_cast<size_t>(rows_) + 1) * rowSize);
  for (size_t row = 0; row < rowSymbols.size(); ++row) {
    const size_t symbol = static_cast<size_t>(rowSymbols[row]);
    double* out = table_.data() + row * rowSize;
    if (wholeRows) {
      FillWholeRow(out, symbol, costs, offset);
    } else {
      FillCompactRow(out, symbol, costs, offset, columnSymbols, actualRank[symbol]);
    }
    out[columns_] = infinity;  // sentinel column
  }
  std::fill(table_.end() - static_cast<std::ptrdiff_t>(rowSize), table_.end(), infinity);  // sentinel row
}

}  // namespace engine
