#include "features/kaldi_fbank_frontend.h"

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

// Kaldi's ExtractWindow reflection, which repeats the edge sample: -1 -> 0, N -> N - 1.
// Folded repeatedly so even audio shorter than the padding stays in range. Needs n >= 1.
std::ptrdiff_t ReflectWithEdge(std::ptrdiff_t index, std::ptrdiff_t n) {
  const std::ptrdiff_t period = 2 * n;
  std::ptrdiff_t m = index % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

WindowType ToWindowType(KaldiWindowType type) {
  switch (type) {
    case KaldiWindowType::Hann: return WindowType::Hann;
    case KaldiWindowType::Hamming: return WindowType::Hamming;
    case KaldiWindowType::Povey: return WindowType::Povey;
  }
  return WindowType::Povey;
}

int MsToSamples(double ms) {
  // Same expression and truncation as Kaldi's FrameExtractionOptions::WindowSize / WindowShift.
  return static_cast<int>(kFeatureSampleRate * 0.001 * ms);
}

double ResolvedHighFreq(const KaldiFbankConfig& c) {
  const double nyquist = kFeatureSampleRate / 2.0;
  return c.highFreq <= 0.0 ? nyquist + c.highFreq : c.highFreq;
}

// The signal frames are cut from: the samples, or their whole-signal pre-emphasis.
std::vector<double> FramingSource(const std::vector<float>& samples, const KaldiFbankConfig& c) {
  std::vector<double> source(samples.begin(), samples.end());
  if (c.preemphasisScope == PreemphasisScope::Signal && c.preemphasis != 0.0 && !source.empty()) {
    for (std::size_t n = source.size() - 1; n > 0; --n) source[n] -= c.preemphasis * source[n - 1];
    source[0] -= c.preemphasis * source[0];
  }
  return source;
}

}  // namespace

int KaldiFrameLengthSamples(const KaldiFbankConfig& c) { return MsToSamples(c.frameLengthMs); }
int KaldiFrameShiftSamples(const KaldiFbankConfig& c) { return MsToSamples(c.frameShiftMs); }

void ValidateKaldiFbankConfig(const KaldiFbankConfig& c) {
  RequireConfig(c.numMelBins >= 1 && c.numMelBins <= kMaxMelBins,
                "numMelBins must be in [1, " + std::to_string(kMaxMelBins) + "]");
  const double maxMs = 1000.0 * kMaxFftSize / kFeatureSampleRate;
  RequireConfig(std::isfinite(c.frameLengthMs) && c.frameLengthMs > 0.0 && c.frameLengthMs <= maxMs,
                "frameLengthMs must be in (0, " + std::to_string(maxMs) + "]");
  RequireConfig(KaldiFrameLengthSamples(c) >= 2, "frameLengthMs must cover at least 2 samples");
  RequireConfig(std::isfinite(c.frameShiftMs) && c.frameShiftMs > 0.0 && c.frameShiftMs <= maxMs,
                "frameShiftMs must be in (0, " + std::to_string(maxMs) + "]");
  RequireConfig(KaldiFrameShiftSamples(c) >= 1, "frameShiftMs must cover at least 1 sample");
  RequireConfig(c.dither == 0.0, "dither must be 0 (the engine is deterministic)");
  RequireConfig(std::isfinite(c.preemphasis) && c.preemphasis >= 0.0 && c.preemphasis <= 1.0,
                "preemphasis must be in [0, 1]");
  const double nyquist = kFeatureSampleRate / 2.0;
  const double high = ResolvedHighFreq(c);
  RequireConfig(std::isfinite(c.lowFreq) && c.lowFreq >= 0.0 && c.lowFreq < nyquist,
                "lowFreq must be in [0, Nyquist)");
  RequireConfig(std::isfinite(c.highFreq) && high > c.lowFreq && high <= nyquist,
                "highFreq must resolve (<= 0 means Nyquist + highFreq) to a value in (lowFreq, Nyquist]");
  RequireLogFloor(c.logFloor);
}

std::size_t KaldiFrameCount(std::size_t numSamples, const KaldiFbankConfig& c) {
  const std::size_t length = static_cast<std::size_t>(KaldiFrameLengthSamples(c));
  const std::size_t shift = static_cast<std::size_t>(KaldiFrameShiftSamples(c));
  if (c.snipEdges) return numSamples < length ? 0 : 1 + (numSamples - length) / shift;
  return (numSamples + shift / 2) / shift;
}

Features ComputeKaldiFbank(const std::vector<float>& samples, const KaldiFbankConfig& c) {
  const std::size_t num_frames = KaldiFrameCount(samples.size(), c);
  if (num_frames == 0) {
    throw Error(ErrorCode::AudioTooShort,
                "kaldi_fbank frontend: " + std::to_string(samples.size()) + " samples give no frame");
  }
  const int length = KaldiFrameLengthSamples(c);
  const int shift = KaldiFrameShiftSamples(c);
  const std::size_t frameLength = static_cast<std::size_t>(length);
  const std::size_t paddedSize = NextPowerOfTwo(frameLength);
  const std::vector<double> window = SymmetricWindow(ToWindowType(c.window), length);
  const MelFilterbank melBank = KaldiMelFilterbank(c.numMelBins, static_cast<int>(paddedSize), kFeatureSampleRate,
                                                   c.lowFreq, ResolvedHighFreq(c));
  RealFft fft(paddedSize);
  const std::vector<double> source = FramingSource(samples, c);
  const std::ptrdiff_t numSamples = static_cast<std::ptrdiff_t>(source.size());
  const bool framePreemphasis = c.preemphasisScope == PreemphasisScope::Frame && c.preemphasis != 0.0;

  std::vector<double> frame(paddedSize, 0.0);  // samples past frameLength stay 0 (zero padding)
  std::vector<double> power(fft.numBins());
  std::vector<double> energies(static_cast<std::size_t>(c.numMelBins));
  Features features;
  features.num_frames = static_cast<int>(num_frames);
  features.dim = c.numMelBins;
  features.data.resize(num_frames * energies.size());

  for (std::size_t t = 0; t < num_frames; ++t) {
    // Kaldi's FirstSampleOfFrame: without snip_edges frames are centred on t * shift + shift / 2.
    const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(t) * shift + (c.snipEdges ? 0 : shift / 2 - length / 2);
    for (std::size_t i = 0; i < frameLength; ++i) {
      std::ptrdiff_t index = start + static_cast<std::ptrdiff_t>(i);
      if (index < 0 || index >= numSamples) index = ReflectWithEdge(index, numSamples);
      frame[i] = source[static_cast<std::size_t>(index)];
    }
    if (c.removeDcOffset) {
      double sum = 0.0;
      for (std::size_t i = 0; i < frameLength; ++i) sum += frame[i];
      const double mean = sum / static_cast<double>(frameLength);
      for (std::size_t i = 0; i < frameLength; ++i) frame[i] -= mean;
    }
    if (framePreemphasis) {
      for (std::size_t i = frameLength - 1; i > 0; --i) frame[i] -= c.preemphasis * frame[i - 1];
      frame[0] -= c.preemphasis * frame[0];
    }
    for (std::size_t i = 0; i < frameLength; ++i) frame[i] *= window[i];
    fft.PowerSpectrum(frame.data(), power.data());
    melBank.Apply(power.data(), energies.data());
    float* row = features.data.data() + t * energies.size();
    for (std::size_t m = 0; m < energies.size(); ++m) {
      row[m] = static_cast<float>(std::log(std::max(energies[m], c.logFloor)));
    }
  }
  return features;
}

}  // namespace engine
