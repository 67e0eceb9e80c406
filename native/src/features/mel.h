// Triangular mel filterbanks applied to a one-sided power spectrum.
#pragma once

#include <vector>

namespace engine {

// Slaney's auditory-toolbox mel scale (librosa htk=False): linear below 1 kHz, logarithmic above.
double HzToSlaneyMel(double hz);
double SlaneyMelToHz(double mel);

// Kaldi's mel scale: 1127 ln(1 + f / 700).
double HzToKaldiMel(double hz);

// One filter: its non-zero weights over the contiguous FFT bins [firstBin, firstBin + weights.size()).
struct MelFilter {
  int firstBin = 0;
  std::vector<double> weights;
};

class MelFilterbank {
 public:
  MelFilterbank(std::vector<MelFilter> filters, int numFftBins);

  int numFilters() const { return static_cast<int>(filters_.size()); }
  int numFftBins() const { return numFftBins_; }
  const std::vector<MelFilter>& filters() const { return filters_; }

  // energies[m] = sum_k weight[m][k] * power[k]; power holds numFftBins() values.
  void Apply(const double* power, double* energies) const;

 private:
  std::vector<MelFilter> filters_;
  int numFftBins_;
};

// librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm="slaney"): triangles whose corners
// are equally spaced on the Slaney mel scale, each scaled by 2 / (upper_hz - lower_hz) (equal area).
// Covers the n_fft / 2 + 1 bins of an n_fft-point transform.
MelFilterbank SlaneyMelFilterbank(int numMels, int nFft, double sampleRate, double fmin, double fmax);

// Kaldi MelBanks (kaldi mel-computations.cc) without VTLN: unnormalised triangles on the Kaldi mel scale
// between lowFreq and highFreq (both in Hz, already resolved: 0 <= lowFreq < highFreq <= Nyquist).
// Covers the paddedSize / 2 + 1 bins of a paddedSize-point transform; the Nyquist bin always weighs 0.
MelFilterbank KaldiMelFilterbank(int numMels, int paddedSize, double sampleRate, double lowFreq, double highFreq);

}  // namespace engine
