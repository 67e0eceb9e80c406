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
  std::vector<int32_t> actualRank(numSymbols, -1);
  const std::vector<int32_t> rowSymbols = RankSymbols(target, targetRank, targetRows_);
  const std::vector<int32_t> columnSymbols = RankSymbols(actual, actualRank, actualColumns_);
  rows_ = static_cast<int32_t>(rowSymbols.size());
  columns_ = static_cast<int32_t>(columnSymbols.size());

  const double offset = -costs.deletion - costs.insertion;
  const size_t rowSize = RowSize();
  table_.assign((static_cast<size_t>(rows_) + 1) * rowSize, std::numeric_limits<double>::infinity());
  for (size_t row = 0; row < rowSymbols.size(); ++row) {
    const size_t symbol = static_cast<size_t>(rowSymbols[row]);
    double* out = table_.data() + row * rowSize;
    if (costs.substitution != nullptr) {
      const float* substitution = costs.substitution + symbol * numSymbols;
      for (size_t column = 0; column < columnSymbols.size(); ++column) {
        out[column] = static_cast<double>(substitution[columnSymbols[column]]) + offset;
      }
    } else {
      std::fill(out, out + columnSymbols.size(), 1.0 + offset);
    }
    const int32_t sameSymbolColumn = actualRank[symbol];
    if (sameSymbolColumn >= 0) out[sameSymbolColumn] = offset;  // a match costs 0
  }
}

}  // namespace engine
