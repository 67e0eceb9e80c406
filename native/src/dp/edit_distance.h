// Weighted Levenshtein alignment of a target symbol sequence against an actual one.
//
// Costs: substituting target symbol t by actual symbol a costs substitution[t * num_symbols + a]
// (1 when no matrix is given); equal symbols always match at cost 0; deleting a target
// symbol costs `deletion`; inserting an actual symbol costs `insertion`.
//
// Tie-breaking (deterministic): among all minimal-cost alignments the one returned is the
// first in this order on op sequences: compare the sequences from their LAST op backwards;
// at the first position where they differ, diagonal (match/substitute) < delete < insert.
// Equivalently, backtracking from the end prefers diagonal, then delete, then insert.
//
// Arithmetic: sums are in double and ties are decided by exact comparison. The sums are exact,
// so ties are decided exactly as the rule says, when every cost (insertion and deletion
// included) is a float32 value and they lie within a factor of about 10^5 of each other, e.g.
// integer or k/2^p costs; otherwise a near-tie may be decided on rounded sums. `distance` is
// the sum of the returned ops' costs, added in op order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace engine {

enum class EditOp : uint8_t { Match = 0, Substitute = 1, Delete = 2, Insert = 3 };

struct SymbolSequence {
  const int32_t* data = nullptr;
  size_t size = 0;
};

struct EditCosts {
  int32_t num_symbols = 0;
  // num_symbols x num_symbols, row = target symbol, column = actual symbol; nullptr = all 1.
  const float* substitution = nullptr;
  size_t substitution_size = 0;
  double insertion = 1.0;
  double deletion = 1.0;
};

struct EditResult {
  double distance = 0.0;
  std::vector<uint8_t> types;  // EditOp values, in sequence order
  // Match/substitute: both indices. Delete: target_index, and actual_index = the actual position
  // where the symbol would have been. Insert: actual_index, and target_index = the target index
  // before which it occurred (target length when trailing).
  std::vector<int32_t> target_indices;
  std::vector<int32_t> actual_indices;
};

// Largest accepted num_symbols (a phone inventory is far smaller).
constexpr int32_t kMaxEditSymbols = 1 << 16;
// Largest accepted (target.size + 8) * (actual.size + 8): the alignment table holds 8 bytes
// per cell of a slightly padded target x actual grid.
constexpr size_t kMaxEditCells = size_t{1} << 24;

// Throws engine::Error(InvalidInput) on out-of-range ids, a wrongly sized matrix, negative or
// non-finite costs, or sequences too long for kMaxEditCells.
EditResult ComputeEditDistance(SymbolSequence target, SymbolSequence actual, const EditCosts& costs);

}  // namespace engine
