// Two doubles processed together: SSE2 where available (every x86-64 CPU), plain scalar
// code elsewhere. Both give bit-identical results (IEEE add and an ordered min, no NaNs).
#pragma once

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#define PA_HAVE_SSE2 1
#include <emmintrin.h>
#endif

namespace engine {

struct PortablePair {
  double lo, hi;

  static PortablePair Both(double value) { return {value, value}; }
  static PortablePair Of(double lo, double hi) { return {lo, hi}; }
  static PortablePair Gather(const double* lo, const double* hi) { return {*lo, *hi}; }
  // (a.hi, b.lo): the pair one lane "before" b.
  static PortablePair Straddle(PortablePair a, PortablePair b) { return {a.hi, b.lo}; }
  static PortablePair LowThenLow(double lo, PortablePair b) { return {lo, b.lo}; }
  friend PortablePair operator+(PortablePair a, PortablePair b) { return {a.lo + b.lo, a.hi + b.hi}; }
  // Same operand order as SSE2 minpd: b unless a < b.
  static PortablePair Min(PortablePair a, PortablePair b) {
    return {a.lo < b.lo ? a.lo : b.lo, a.hi < b.hi ? a.hi : b.hi};
  }
  void Store(double* out) const {
    out[0] = lo;
    out[1] = hi;
  }
};

#ifdef PA_HAVE_SSE2
struct Sse2Pair {
  __m128d v;

  static Sse2Pair Both(double value) { return {_mm_set1_pd(value)}; }
  static Sse2Pair Of(double lo, double hi) { return {_mm_set_pd(hi, lo)}; }
  static Sse2Pair Gather(const double* lo, const double* hi) { return {_mm_loadh_pd(_mm_load_sd(lo), hi)}; }
  static Sse2Pair Straddle(Sse2Pair a, Sse2Pair b) { return {_mm_shuffle_pd(a.v, b.v, 0b01)}; }
  static Sse2Pair LowThenLow(double lo, Sse2Pair b) { return {_mm_unpacklo_pd(_mm_set_sd(lo), b.v)}; }
  friend Sse2Pair operator+(Sse2Pair a, Sse2Pair b) { return {_mm_add_pd(a.v, b.v)}; }
  static Sse2Pair Min(Sse2Pair a, Sse2Pair b) { return {_mm_min_pd(a.v, b.v)}; }
  void Store(double* out) const { _mm_storeu_pd(out, v); }
};
using FastPair = Sse2Pair;
#else
using FastPair = PortablePair;
#endif

}  // namespace engine
