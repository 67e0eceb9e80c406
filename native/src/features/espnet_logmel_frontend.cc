#include "features/espnet_logmel_frontend.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.h"
#include "features/config_checks.h"
#include "features/fft.h"
#include "features/mel.h"
#include "features/window.h"

namespace engine {

namespace {

// numpy/torch 'reflect' padding (the edge sample is not repeated): -1 -> 1, N -> N - 2. Needs n >= 2.
std::ptrdiff_t ReflectWithoutEdge(std::ptrdiff_t index, std::ptrdiff_t n) {
  const std::ptrdiff_t period = 2 * (n - 1);
  std::ptrdiff_t m = index % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

}  // namespace

void ValidateEspnetLogMelConfig(const EspnetLogMelConfig& c) {
  RequireConfig(c.n_fft >= 2 && c.n_fft <= kMaxFftSize && IsPowerOfTwo(static_cast<std::size_t>(c.n_fft)),
                "nFft must be a power of two in [2, " + std::to_string(kMaxFftSize) + "]");
  RequireConfig(c.win_length >= 1 && c.win_length <= c.n_fft, "winLength must be in [1, nFft]");
  RequireConfig(c.hop_length >= 1, "hopLength must be >= 1");
  RequireConfig(c.n_mels >= 1 && c.n_mels <= kMaxMelBins, "nMels must be in [1, " + std::to_string(kMaxMelBins) + "]");
  const double nyquist = kFeatureSampleRate / 2.0;
  RequireConfig(std::isfinite(c.fmin) && c.fmin >= 0.0, "fmin must be >= 0");
  RequireConfig(std::isfinite(c.fmax) && c.fmax > c.fmin && c.fmax <= nyquist,
                "fmax must be > fmin and <= the Nyquist frequency (8000 Hz)");
  RequireLogFloor(c.log_floor);
  RequireConfig(c.mean.empty() == c.stddev.empty(), "mean and std must be given together");
  if (!c.mean.empty()) {
    RequireConfig(c.mean.size() == static_cast<std::size_t>(c.n_mels) && c.stddev.size() == c.mean.size(),
                  "mean and std must both have nMels values");
    for (std::size_t i = 0; i < c.mean.size(); ++i) {
      RequireConfig(std::isfinite(c.mean[i]), "mean values must be finite");
      RequireConfig(std::isfinite(c.stddev[i]) && c.stddev[i] > 0.0f, "std values must be finite and > 0");
    }
  }
}

std::size_t EspnetLogMelFrameCount(std::size_t num_samples, const EspnetLogMelConfig& c) {
  const std::size_t hop = static_cast<std::size_t>(c.hop_length);
  const std::size_t n_fft = static_cast<std::size_t>(c.n_fft);
  if (c.center) return num_samples > n_fft / 2 ? num_samples / hop + 1 : 0;
  return num_samples >= n_fft ? 1 + (num_samples - n_fft) / hop : 0;
}

Features ComputeEspnetLogMel(const std::vector<float>& samples, const EspnetLogMelConfig& c) {
  const std::size_t num_frames = EspnetLogMelFrameCount(samples.size(), c);
  if (num_frames == 0) {
    throw Error(ErrorCode::AudioTooShort, "espnet_logmel frontend: " + std::to_string(samples.size()) +
                                              " samples give no frame (nFft " + std::to_string(c.n_fft) + ")");
  }
  const std::ptrdiff_t num_samples = static_cast<std::ptrdiff_t>(samples.size());
  const std::size_t n_fft = static_cast<std::size_t>(c.n_fft);
  const std::size_t win_length = static_cast<std::size_t>(c.win_length);
  // torch.stft centres a shorter window inside the n_fft frame with zeros on both sides.
  const std::size_t window_offset = (n_fft - win_length) / 2;
  const std::vector<double> window = PeriodicHannWindow(c.win_length);
  const MelFilterbank mel_bank = SlaneyMelFilterbank(c.n_mels, c.n_fft, kFeatureSampleRate, c.fmin, c.fmax);
  RealFft fft(n_fft);

  std::vector<double> frame(n_fft, 0.0);
  std::vector<double> power(fft.num_bins());
  std::vector<double> energies(static_cast<std::size_t>(c.n_mels));
  Features features;
  features.num_frames = static_cast<int>(num_frames);
  features.dim = c.n_mels;
  features.data.resize(num_frames * energies.size());
  const std::ptrdiff_t center_shift = c.center ? static_cast<std::ptrdiff_t>(n_fft / 2) : 0;

  for (std::size_t t = 0; t < num_frames; ++t) {
    const std::ptrdiff_t start =
        static_cast<std::ptrdiff_t>(t * static_cast<std::size_t>(c.hop_length) + window_offset) - center_shift;
    for (std::size_t i = 0; i < win_length; ++i) {
      std::ptrdiff_t index = start + static_cast<std::ptrdiff_t>(i);
      if (index < 0 || index >= num_samples) index = ReflectWithoutEdge(index, num_samples);
      frame[window_offset + i] = window[i] * samples[static_cast<std::size_t>(index)];
    }
    fft.PowerSpectrum(frame.data(), power.data());
    mel_bank.Apply(power.data(), energies.data());
    float* row = features.data.data() + t * energies.size();
    for (std::size_t m = 0; m < energies.size(); ++m) {
      double value = std::log(std::max(energies[m], c.log_floor));
      if (!c.mean.empty()) value = (value - c.mean[m]) / c.stddev[m];
      row[m] = static_cast<float>(value);
    }
  }
  return features;
}

}  // namespace engine
