#include "features/fft.h"

#include <cmath>
#include <string>

#include "common/error.h"

namespace engine {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::complex<double> UnitRoot(std::size_t numerator, std::size_t denominator) {
  const double angle = -2.0 * kPi * static_cast<double>(numerator) / static_cast<double>(denominator);
  return {std::cos(angle), std::sin(angle)};
}

}  // namespace

bool IsPowerOfTwo(std::size_t n) { return n != 0 && (n & (n - 1)) == 0; }

std::size_t NextPowerOfTwo(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

RealFft::RealFft(std::size_t size) : size_(size), half_(size / 2) {
  if (size < 2 || !IsPowerOfTwo(size)) {
    throw Error(ErrorCode::InvalidInput, "FFT size must be a power of two >= 2, got " + std::to_string(size));
  }
  std::size_t log2_half = 0;
  while ((std::size_t{1} << log2_half) < half_) ++log2_half;
  bit_reversed_.resize(half_);
  for (std::size_t i = 0; i < half_; ++i) {
    std::size_t reversed = 0;
    for (std::size_t b = 0; b < log2_half; ++b) {
      if (i & (std::size_t{1} << b)) reversed |= std::size_t{1} << (log2_half - 1 - b);
    }
    bit_reversed_[i] = reversed;
  }
  twiddles_.resize(half_ / 2);
  for (std::size_t j = 0; j < half_ / 2; ++j) twiddles_[j] = UnitRoot(j, half_);
  split_twiddles_.resize(half_ + 1);
  for (std::size_t k = 0; k <= half_; ++k) split_twiddles_[k] = UnitRoot(k, size_);
  work_.resize(half_);
  spectrum_.resize(half_ + 1);
}

// Iterative decimation-in-time radix-2 transform of work_ (already bit-reversed).
void RealFft::ComplexTransformInPlace() {
  for (std::size_t span = 1; span < half_; span <<= 1) {
    const std::size_t twiddle_stride = half_ / (2 * span);
    for (std::size_t start = 0; start < half_; start += 2 * span) {
      for (std::size_t j = 0; j < span; ++j) {
        const std::complex<double> odd = work_[start + j + span] * twiddles_[j * twiddle_stride];
        const std::complex<double> even = work_[start + j];
        work_[start + j] = even + odd;
        work_[start + j + span] = even - odd;
      }
    }
  }
}

void RealFft::Forward(const double* input, std::complex<double>* spectrum) {
  // Pack even samples as real parts and odd samples as imaginary parts: z[m] = x[2m] + i x[2m+1].
  for (std::size_t m = 0; m < half_; ++m) {
    work_[bit_reversed_[m]] = {input[2 * m], input[2 * m + 1]};
  }
  ComplexTransformInPlace();
  // Split: E[k] = (Z[k] + conj(Z[M-k])) / 2 is the even-sample DFT, O[k] = (Z[k] - conj(Z[M-k])) / 2i
  // the odd-sample DFT, and X[k] = E[k] + W^k O[k] with W = exp(-2 pi i / n); Z is M-periodic.
  for (std::size_t k = 0; k <= half_; ++k) {
    const std::complex<double> zk = work_[k % half_];
    const std::complex<double> z_mirror = std::conj(work_[(half_ - k) % half_]);
    const std::complex<double> even = 0.5 * (zk + z_mirror);
    const std::complex<double> odd = std::complex<double>(0.0, -0.5) * (zk - z_mirror);
    spectrum[k] = even + split_twiddles_[k] * odd;
  }
}

void RealFft::PowerSpectrum(const double* input, double* power) {
  Forward(input, spectrum_.data());
  for (std::size_t k = 0; k <= half_; ++k) power[k] = std::norm(spectrum_[k]);
}

}  // namespace engine
