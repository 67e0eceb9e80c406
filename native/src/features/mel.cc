#include "features/mel.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace engine {

namespace {

// Slaney scale constants (librosa.hz_to_mel, htk=False).
constexpr double kSlaneyHzPerMel = 200.0 / 3.0;
constexpr double kSlaneyBreakHz = 1000.0;
constexpr double kSlaneyBreakMel = kSlaneyBreakHz / kSlaneyHzPerMel;
const double kSlaneyLogStep = std::log(6.4) / 27.0;

// Keeps only the non-zero span of a dense weight row.
MelFilter TrimToSupport(const std::vector<double>& dense) {
  MelFilter filter;
  std::size_t first = 0;
  while (first < dense.size() && dense[first] == 0.0) ++first;
  std::size_t last = dense.size();
  while (last > first && dense[last - 1] == 0.0) --last;
  filter.firstBin = static_cast<int>(first);
  filter.weights.assign(dense.begin() + static_cast<std::ptrdiff_t>(first),
                        dense.begin() + static_cast<std::ptrdiff_t>(last));
  return filter;
}

}  // namespace

double HzToSlaneyMel(double hz) {
  if (hz < kSlaneyBreakHz) return hz / kSlaneyHzPerMel;
  return kSlaneyBreakMel + std::log(hz / kSlaneyBreakHz) / kSlaneyLogStep;
}

double SlaneyMelToHz(double mel) {
  if (mel < kSlaneyBreakMel) return mel * kSlaneyHzPerMel;
  return kSlaneyBreakHz * std::exp(kSlaneyLogStep * (mel - kSlaneyBreakMel));
}

double HzToKaldiMel(double hz) { return 1127.0 * std::log(1.0 + hz / 700.0); }

MelFilterbank::MelFilterbank(std::vector<MelFilter> filters, int numFftBins)
    : filters_(std::move(filters)), numFftBins_(numFftBins) {}

void MelFilterbank::Apply(const double* power, double* energies) const {
  for (std::size_t m = 0; m < filters_.size(); ++m) {
    const MelFilter& filter = filters_[m];
    const double* bins = power + filter.firstBin;
    double sum = 0.0;
    for (std::size_t k = 0; k < filter.weights.size(); ++k) sum += filter.weights[k] * bins[k];
    energies[m] = sum;
  }
}

MelFilterbank SlaneyMelFilterbank(int numMels, int nFft, double sampleRate, double fmin, double fmax) {
  const int numBins = nFft / 2 + 1;
  const double melMin = HzToSlaneyMel(fmin);
  const double melMax = HzToSlaneyMel(fmax);
  std::vector<double> cornersHz(static_cast<std::size_t>(numMels) + 2);
  for (std::size_t i = 0; i < cornersHz.size(); ++i) {
    const double mel = melMin + (melMax - melMin) * static_cast<double>(i) / static_cast<double>(numMels + 1);
    cornersHz[i] = SlaneyMelToHz(mel);
  }
  std::vector<MelFilter> filters;
  filters.reserve(static_cast<std::size_t>(numMels));
  std::vector<double> dense(static_cast<std::size_t>(numBins));
  for (std::size_t m = 0; m < static_cast<std::size_t>(numMels); ++m) {
    const double lower = cornersHz[m], center = cornersHz[m + 1], upper = cornersHz[m + 2];
    const double areaNorm = 2.0 / (upper - lower);
    for (int k = 0; k < numBins; ++k) {
      const double hz = static_cast<double>(k) * sampleRate / static_cast<double>(nFft);
      const double rising = (hz - lower) / (center - lower);
      const double falling = (upper - hz) / (upper - center);
      dense[static_cast<std::size_t>(k)] = std::max(0.0, std::min(rising, falling)) * areaNorm;
    }
    filters.push_back(TrimToSupport(dense));
  }
  return MelFilterbank(std::move(filters), numBins);
}

MelFilterbank KaldiMelFilterbank(int numMels, int paddedSize, double sampleRate, double lowFreq, double highFreq) {
  const int numBins = paddedSize / 2 + 1;
  const double binWidthHz = sampleRate / static_cast<double>(paddedSize);
  const double melLow = HzToKaldiMel(lowFreq);
  const double melHigh = HzToKaldiMel(highFreq);
  const double melDelta = (melHigh - melLow) / static_cast<double>(numMels + 1);
  std::vector<MelFilter> filters;
  filters.reserve(static_cast<std::size_t>(numMels));
  std::vector<double> dense(static_cast<std::size_t>(numBins));
  for (int m = 0; m < numMels; ++m) {
    const double left = melLow + m * melDelta;
    const double center = melLow + (m + 1) * melDelta;
    const double right = melLow + (m + 2) * melDelta;
    std::fill(dense.begin(), dense.end(), 0.0);
    // Kaldi weighs bins 0 .. paddedSize/2 - 1 only: the Nyquist bin stays 0.
    for (int k = 0; k < paddedSize / 2; ++k) {
      const double mel = HzToKaldiMel(binWidthHz * k);
      if (mel > left && mel < right) {
        dense[static_cast<std::size_t>(k)] = mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center);
      }
    }
    filters.push_back(TrimToSupport(dense));
  }
  return MelFilterbank(std::move(filters), numBins);
}

}  // namespace engine
