// Real-input FFT of a power-of-two size, computed in double precision.
// A size-n real transform is done as one size-n/2 complex radix-2 transform
// plus a split step, so one frame costs about half of a complex FFT.
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

namespace engine {

bool IsPowerOfTwo(std::size_t n);

// Smallest power of two >= n (n >= 1).
std::size_t NextPowerOfTwo(std::size_t n);

class RealFft {
 public:
  // size: a power of two >= 2; throws engine::Error(InvalidInput) otherwise.
  explicit RealFft(std::size_t size);

  std::size_t size() const { return size_; }
  std::size_t num_bins() const { return size_ / 2 + 1; }

  // X[k] = sum_n input[n] exp(-2 pi i k n / size) for k = 0 .. size/2.
  // input holds size() values, spectrum receives num_bins() values.
  void Forward(const double* input, std::complex<double>* spectrum);

  // |X[k]|^2 for k = 0 .. size/2.
  void PowerSpectrum(const double* input, double* power);

 private:
  void ComplexTransformInPlace();

  std::size_t size_;
  std::size_t half_;                               // complex transform size
  std::vector<std::size_t> bit_reversed_;           // permutation for half_
  std::vector<std::complex<double>> twiddles_;     // exp(-2 pi i j / half_), j < half_/2
  std::vector<std::complex<double>> split_twiddles_;  // exp(-2 pi i k / size_), k <= half_
  std::vector<std::complex<double>> work_;
  std::vector<std::complex<double>> spectrum_;
};

}  // namespace engine
