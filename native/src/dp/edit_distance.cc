#include "dp/edit_distance.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "common/error.h"
#include "dp/reduced_costs.h"
#include "dp/wavefront.h"

namespace engine {
namespace {

[[noreturn]] void Invalid(const std::string& message) { throw Error(ErrorCode::InvalidInput, message); }

constexpr uint32_t kLargestFiniteFloatBits = 0x7F7FFFFFu;  // FLT_MAX; larger patterns are inf, NaN or negative
constexpr uint32_t kNegativeZeroBits = 0x80000000u;

bool IsValidCost(double cost) { return std::isfinite(cost) && cost >= 0.0; }

void ValidateSequence(SymbolSequence sequence, int32_t num_symbols, const char* name) {
  for (size_t i = 0; i < sequence.size; ++i) {
    const int32_t symbol = sequence.data[i];
    if (symbol < 0 || symbol >= num_symbols) {
      Invalid(std::string("editDistance: ") + name + "[" + std::to_string(i) + "] = " + std::to_string(symbol) +
              " is outside [0, numSymbols = " + std::to_string(num_symbols) + ")");
    }
  }
}

void ValidateSubstitution(const EditCosts& costs) {
  const size_t expected = static_cast<size_t>(costs.num_symbols) * static_cast<size_t>(costs.num_symbols);
  if (costs.substitution_size != expected) {
    Invalid("editDistance: substitution has " + std::to_string(costs.substitution_size) +
            " entries, expected numSymbols^2 = " + std::to_string(expected));
  }
  // Finite and >= 0 (or -0) by bit pattern: integer compares, no early exit, so it vectorizes.
  uint32_t invalid = 0;
  for (size_t i = 0; i < expected; ++i) {
    uint32_t bits;
    std::memcpy(&bits, &costs.substitution[i], sizeof bits);
    invalid |= static_cast<uint32_t>(bits > kLargestFiniteFloatBits) & static_cast<uint32_t>(bits != kNegativeZeroBits);
  }
  const bool all_valid = invalid == 0;
  if (!all_valid) Invalid("editDistance: substitution costs must be finite and non-negative");
}

void Validate(SymbolSequence target, SymbolSequence actual, const EditCosts& costs) {
  if (costs.num_symbols < 1 || costs.num_symbols > kMaxEditSymbols) {
    Invalid("editDistance: numSymbols must be in [1, " + std::to_string(kMaxEditSymbols) + "], got " +
            std::to_string(costs.num_symbols));
  }
  if (!IsValidCost(costs.insertion) || !IsValidCost(costs.deletion)) {
    Invalid("editDistance: insertion and deletion costs must be finite and non-negative");
  }
  if (costs.substitution != nullptr) ValidateSubstitution(costs);
  const size_t padded_target = target.size + 8;
  const size_t padded_actual = actual.size + 8;
  if (target.size > kMaxEditCells || actual.size > kMaxEditCells || padded_target > kMaxEditCells / padded_actual) {
    Invalid("editDistance: sequences too long (" + std::to_string(target.size) + " x " +
            std::to_string(actual.size) + " cells; at most " + std::to_string(kMaxEditCells) + ")");
  }
  ValidateSequence(target, costs.num_symbols, "target");
  ValidateSequence(actual, costs.num_symbols, "actual");
}

class OpRecorder {
 public:
  OpRecorder(SymbolSequence target, SymbolSequence actual, const EditCosts& costs)
      : target_(target), actual_(actual), costs_(costs) {
    const size_t max_ops = target.size + actual.size;
    result_.types.reserve(max_ops);
    result_.target_indices.reserve(max_ops);
    result_.actual_indices.reserve(max_ops);
  }

  // Ops are recorded from the end; i and j are the 1-based DP cell the op leads to.
  void Diagonal(size_t i, size_t j) {
    const bool same = target_.data[i - 1] == actual_.data[j - 1];
    Add(same ? EditOp::Match : EditOp::Substitute, i - 1, j - 1);
  }
  void Delete(size_t i, size_t j) { Add(EditOp::Delete, i - 1, j); }
  void Insert(size_t i, size_t j) { Add(EditOp::Insert, i, j - 1); }

  EditResult Finish() {
    std::reverse(result_.types.begin(), result_.types.end());
    std::reverse(result_.target_indices.begin(), result_.target_indices.end());
    std::reverse(result_.actual_indices.begin(), result_.actual_indices.end());
    double distance = 0.0;
    for (size_t k = 0; k < result_.types.size(); ++k) distance += OpCost(k);
    result_.distance = distance;
    return std::move(result_);
  }

 private:
  void Add(EditOp op, size_t target_index, size_t actual_index) {
    result_.types.push_back(static_cast<uint8_t>(op));
    result_.target_indices.push_back(static_cast<int32_t>(target_index));
    result_.actual_indices.push_back(static_cast<int32_t>(actual_index));
  }

  double OpCost(size_t k) const {
    switch (static_cast<EditOp>(result_.types[k])) {
      case EditOp::Match: return 0.0;
      case EditOp::Delete: return costs_.deletion;
      case EditOp::Insert: return costs_.insertion;
      case EditOp::Substitute: break;
    }
    if (costs_.substitution == nullptr) return 1.0;
    const size_t t = static_cast<size_t>(target_.data[result_.target_indices[k]]);
    const size_t a = static_cast<size_t>(actual_.data[result_.actual_indices[k]]);
    return static_cast<double>(costs_.substitution[t * static_cast<size_t>(costs_.num_symbols) + a]);
  }

  SymbolSequence target_;
  SymbolSequence actual_;
  const EditCosts& costs_;
  EditResult result_;
};

}  // namespace

EditResult ComputeEditDistance(SymbolSequence target, SymbolSequence actual, const EditCosts& costs) {
  Validate(target, actual, costs);
  const size_t n = target.size;
  const size_t m = actual.size;
  OpRecorder ops(target, actual, costs);
  size_t i = n;
  size_t j = m;
  if (n > 0 && m > 0) {
    const ReducedCosts reduced(target, actual, costs);
    const WavefrontTable table = WavefrontTable::Fill<FastPair>(reduced, n, m);
    // Each equality below redoes exactly the addition of the fill, so the first op that
    // attains the cell's value is found; the order of the tests is the tie-break rule.
    while (i > 0 && j > 0) {
      const double value = table.At(i, j);
      if (value == table.At(i - 1, j - 1) + reduced.At(i, j)) {
        ops.Diagonal(i--, j--);
      } else if (value == table.At(i - 1, j)) {
        ops.Delete(i--, j);
      } else {
        ops.Insert(i, j--);
      }
    }
  }
  for (; i > 0; --i) ops.Delete(i, j);
  for (; j > 0; --j) ops.Insert(i, j);
  return ops.Finish();
}

}  // namespace engine
