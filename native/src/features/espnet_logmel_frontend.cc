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
  RequireConfig(c.nFft >= 2 && c.nFft <= kMaxFftSize && IsPowerOfTwo(static_cast<std::size_t>(c.nFft)),
                "nFft must be a power of two in [2, " + std::to_string(kMaxFftSize) + "]");
  RequireConfig(c.winLength >= 1 && c.winLength <= c.nFft, "winLength must be in [1, nFft]");
  RequireConfig(c.hopLength >= 1, "hopLength must be >= 1");
  RequireConfig(c.nMels >= 1 && c.nMels <= kMaxMelBins, "nMels must be in [1, " + std::to_string(kMaxMelBins) + "]");
  const double nyquist = kFeatureSampleRate / 2.0;
  RequireConfig(std::isfinite(c.fmin) && c.fmin >= 0.0, "fmin must be >= 0");
  RequireConfig(std::isfinite(c.fmax) && c.fmax > c.fmin && c.fmax <= nyquist,
                "fmax must be > fmin and <= the Nyquist frequency (8000 Hz)");
  RequireLogFloor(c.logFloor);
  RequireConfig(c.mean.empty() == c.stddev.empty(), "mean and std must be given together");
  if (!c.mean.empty()) {
    RequireConfig(c.mean.size() == static_cast<std::size_t>(c.nMels) && c.stddev.size() == c.mean.size(),
                  "mean and std must both have nMels values");
    for (std::size_t i = 0; i < c.mean.size(); ++i) {
      RequireConfig(std::isfinite(c.mean[i]), "mean values must be finite");
      RequireConfig(std::isfinite(c.stddev[i]) && c.stddev[i] > 0.0f, "std values must be finite and > 0");
    }
  }
}

std::size_t EspnetLogMelFrameCount(std::size_t numSamples, const EspnetLogMelConfig& c) {
  const std::size_t hop = static_cast<std::size_t>(c.hopLength);
  const std::size_t nFft = static_cast<std::size_t>(c.nFft);
  if (c.center) return numSamples > nFft / 2 ? numSamples / hop + 1 : 0;
  return numSamples >= nFft ? 1 + (numSamples - nFft) / hop : 0;
}

Features ComputeEspnetLogMel(const std::vector<float>& samples, const EspnetLogMelConfig& c) {
  const std::size_t num_frames = EspnetLogMelFrameCount(samples.size(), c);
  if (num_frames == 0) {
    throw Error(ErrorCode::AudioTooShort, "espnet_logmel frontend: " + std::to_string(samples.size()) +
                                              " samples give no frame (nFft " + std::to_string(c.nFft) + ")");
  }
  const std::ptrdiff_t numSamples = static_cast<std::ptrdiff_t>(samples.size());
  const std::size_t nFft = static_cast<std::size_t>(c.nFft);
  const std::size_t winLength = static_cast<std::size_t>(c.winLength);
  // torch.stft centres a shorter window inside the n_fft frame with zeros on both sides.
  const std::size_t windowOffset = (nFft - winLength) / 2;
  const std::vector<double> window = PeriodicHannWindow(c.winLength);
  const MelFilterbank melBank = SlaneyMelFilterbank(c.nMels, c.nFft, kFeatureSampleRate, c.fmin, c.fmax);
  RealFft fft(nFft);

  std::vector<double> frame(nFft, 0.0);
  std::vector<double> power(fft.numBins());
  std::vector<double> energies(static_cast<std::size_t>(c.nMels));
  Features features;
  features.num_frames = static_cast<int>(num_frames);
  features.dim = c.nMels;
  features.data.resize(num_frames * energies.size());
  const std::ptrdiff_t centerShift = c.center ? static_cast<std::ptrdiff_t>(nFft / 2) : 0;

  for (std::size_t t = 0; t < num_frames; ++t) {
    const std::ptrdiff_t start =
        static_cast<std::ptrdiff_t>(t * static_cast<std::size_t>(c.hopLength) + windowOffset) - centerShift;
    for (std::size_t i = 0; i < winLength; ++i) {
      std::ptrdiff_t index = start + static_cast<std::ptrdiff_t>(i);
      if (index < 0 || index >= numSamples) index = ReflectWithoutEdge(index, numSamples);
      frame[windowOffset + i] = window[i] * samples[static_cast<std::size_t>(index)];
    }
    fft.PowerSpectrum(frame.data(), power.data());
    melBank.Apply(power.data(), energies.data());
    float* row = features.data.data() + t * energies.size();
    for (std::size_t m = 0; m < energies.size(); ++m) {
      double value = std::log(std::max(energies[m], c.logFloor));
      if (!c.mean.empty()) value = (value - c.mean[m]) / c.stddev[m];
      row[m] = static_cast<float>(value);
    }
  }
  return features;
}

}  // namespace engine
