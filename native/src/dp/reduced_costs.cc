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

}  // namespace

ReducedCosts::ReducedCosts(SymbolSequence target, SymbolSequence actual, const EditCosts& costs) {
  const size_t numSymbols = static_cast<size_t>(costs.numSymbols);
  std::vector<int32_t> targetRank(numSymbols, -1);
  const std::vector<int32_t> rowSymbols = RankSymbols(target, targetRank, targetRows_);
  rows_ = static_cast<int32_t>(rowSymbols.size());

  // Columns: for a small inventory, every symbol (whole matrix rows convert in one vectorized
  // pass); otherwise only the distinct actual symbols (gathered one by one).
  std::vector<int32_t> columnSymbols;
  std::vector<int32_t> actualRank;
  const bool wholeRows = numSymbols <= 2 * actual.size;
  if (wholeRows) {
    actualColumns_.assign(actual.data, actual.data + actual.size);
    columns_ = costs.numSymbols;
  } else {
    actualRank.assign(numSymbols, -1);
    columnSymbols = RankSymbols(actual, actualRank, actualColumns_);
    columns_ = static_cast<int32_t>(columnSymbols.size());
  }

  const double offset = -costs.deletion - costs.insertion;
  const size_t rowSize = RowSize();
  table_.resize((static_cast<size_t>(rows_) + 1) * rowSize);
  for (size_t row = 0; row < rowSymbols.size(); ++row) {
    const size_t symbol = static_cast<size_t>(rowSymbols[row]);
    double* out = table_.data() + row * rowSize;
    const float* substitution = costs.substitution ? costs.substitution + symbol * numSymbols : nullptr;
    if (wholeRows) {
      if (substitution) {
        for (size_t column = 0; column < numSymbols; ++column) out[column] = static_cast<double>(substitution[column]) + offset;
      } else {
        std::fill(out, out + numSymbols, 1.0 + offset);
      }
      out[symbol] = offset;  // a match costs 0
    } else {
      if (substitution) {
        for (size_t column = 0; column < columnSymbols.size(); ++column) {
          out[column] = static_cast<double>(substitution[columnSymbols[column]]) + offset;
        }
      } else {
        std::fill(out, out + columnSymbols.size(), 1.0 + offset);
      }
      const int32_t sameSymbolColumn = actualRank[symbol];
      if (sameSymbolColumn >= 0) out[sameSymbolColumn] = offset;
    }
    out[columns_] = std::numeric_limits<double>::infinity();  // sentinel column
  }
  std::fill(table_.end() - static_cast<std::ptrdiff_t>(rowSize), table_.end(), std::numeric_limits<double>::infinity());
}

}  // namespace engine
