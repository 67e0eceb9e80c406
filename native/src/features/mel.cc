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
  filter.first_bin = static_cast<int>(first);
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

MelFilterbank::MelFilterbank(std::vector<MelFilter> filters, int num_fft_bins)
    : filters_(std::move(filters)), num_fft_bins_(num_fft_bins) {}

void MelFilterbank::Apply(const double* power, double* energies) const {
  for (std::size_t m = 0; m < filters_.size(); ++m) {
    const MelFilter& filter = filters_[m];
    const double* bins = power + filter.first_bin;
    double sum = 0.0;
    for (std::size_t k = 0; k < filter.weights.size(); ++k) sum += filter.weights[k] * bins[k];
    energies[m] = sum;
  }
}

MelFilterbank SlaneyMelFilterbank(int num_mels, int n_fft, double sample_rate, double fmin, double fmax) {
  const int num_bins = n_fft / 2 + 1;
  const double mel_min = HzToSlaneyMel(fmin);
  const double mel_max = HzToSlaneyMel(fmax);
  std::vector<double> corners_hz(static_cast<std::size_t>(num_mels) + 2);
  for (std::size_t i = 0; i < corners_hz.size(); ++i) {
    const double mel = mel_min + (mel_max - mel_min) * static_cast<double>(i) / static_cast<double>(num_mels + 1);
    corners_hz[i] = SlaneyMelToHz(mel);
  }
  std::vector<MelFilter> filters;
  filters.reserve(static_cast<std::size_t>(num_mels));
  std::vector<double> dense(static_cast<std::size_t>(num_bins));
  for (std::size_t m = 0; m < static_cast<std::size_t>(num_mels); ++m) {
    const double lower = corners_hz[m], center = corners_hz[m + 1], upper = corners_hz[m + 2];
    const double area_norm = 2.0 / (upper - lower);
    for (int k = 0; k < num_bins; ++k) {
      const double hz = static_cast<double>(k) * sample_rate / static_cast<double>(n_fft);
      const double rising = (hz - lower) / (center - lower);
      const double falling = (upper - hz) / (upper - center);
      dense[static_cast<std::size_t>(k)] = std::max(0.0, std::min(rising, falling)) * area_norm;
    }
    filters.push_back(TrimToSupport(dense));
  }
  return MelFilterbank(std::move(filters), num_bins);
}

MelFilterbank KaldiMelFilterbank(int num_mels, int padded_size, double sample_rate, double low_freq, double high_freq) {
  const int num_bins = padded_size / 2 + 1;
  const double bin_width_hz = sample_rate / static_cast<double>(padded_size);
  const double mel_low = HzToKaldiMel(low_freq);
  const double mel_high = HzToKaldiMel(high_freq);
  const double mel_delta = (mel_high - mel_low) / static_cast<double>(num_mels + 1);
  std::vector<MelFilter> filters;
  filters.reserve(static_cast<std::size_t>(num_mels));
  std::vector<double> dense(static_cast<std::size_t>(num_bins));
  for (int m = 0; m < num_mels; ++m) {
    const double left = mel_low + m * mel_delta;
    const double center = mel_low + (m + 1) * mel_delta;
    const double right = mel_low + (m + 2) * mel_delta;
    std::fill(dense.begin(), dense.end(), 0.0);
    // Kaldi weighs bins 0 .. padded_size/2 - 1 only: the Nyquist bin stays 0.
    for (int k = 0; k < padded_size / 2; ++k) {
      const double mel = HzToKaldiMel(bin_width_hz * k);
      if (mel > left && mel < right) {
        dense[static_cast<std::size_t>(k)] = mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center);
      }
    }
    filters.push_back(TrimToSupport(dense));
  }
  return MelFilterbank(std::move(filters), num_bins);
}

}  // namespace engine
