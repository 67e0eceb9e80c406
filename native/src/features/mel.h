// Triangular mel filterbanks applied to a one-sided power spectrum.
#pragma once

#include <vector>

namespace engine {

// Slaney's auditory-toolbox mel scale (librosa htk=False): linear below 1 kHz, logarithmic above.
double HzToSlaneyMel(double hz);
double SlaneyMelToHz(double mel);

// Kaldi's mel scale: 1127 ln(1 + f / 700).
double HzToKaldiMel(double hz);

// One filter: its non-zero weights over the contiguous FFT bins [first_bin, first_bin + weights.size()).
struct MelFilter {
  int first_bin = 0;
  std::vector<double> weights;
};

class MelFilterbank {
 public:
  MelFilterbank(std::vector<MelFilter> filters, int num_fft_bins);

  int num_filters() const { return static_cast<int>(filters_.size()); }
  int num_fft_bins() const { return num_fft_bins_; }
  const std::vector<MelFilter>& filters() const { return filters_; }

  // energies[m] = sum_k weight[m][k] * power[k]; power holds num_fft_bins() values.
  void Apply(const double* power, double* energies) const;

 private:
  std::vector<MelFilter> filters_;
  int num_fft_bins_;
};

// librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm="slaney"): triangles whose corners
// are equally spaced on the Slaney mel scale, each scaled by 2 / (upper_hz - lower_hz) (equal area).
// Covers the n_fft / 2 + 1 bins of an n_fft-point transform.
MelFilterbank SlaneyMelFilterbank(int num_mels, int n_fft, double sample_rate, double fmin, double fmax);

// Kaldi MelBanks (kaldi mel-computations.cc) without VTLN: unnormalised triangles on the Kaldi mel scale
// between low_freq and high_freq (both in Hz, already resolved: 0 <= low_freq < high_freq <= Nyquist).
// Covers the padded_size / 2 + 1 bins of a padded_size-point transform; the Nyquist bin always weighs 0.
MelFilterbank KaldiMelFilterbank(int num_mels, int padded_size, double sample_rate, double low_freq, double high_freq);

}  // namespace engine
