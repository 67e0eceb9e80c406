// Small helpers for frontend config validation: each failure is an InvalidInput naming the field.
#pragma once

#include <cmath>
#include <string>

#include "common/error.h"

namespace engine {

inline void RequireConfig(bool ok, const std::string& message) {
  if (!ok) throw Error(ErrorCode::InvalidInput, "frontend config: " + message);
}

// Log floors must be positive so log(max(x, floor)) is always finite.
inline void RequireLogFloor(double log_floor) {
  RequireConfig(std::isfinite(log_floor) && log_floor > 0.0, "logFloor must be a finite number > 0");
}

// Bounds on sizes keep a hostile config from requesting absurd allocations.
constexpr int kMaxFftSize = 1 << 16;
constexpr int kMaxMelBins = 2048;

}  // namespace engine
