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
  return c.high_freq <= 0.0 ? nyquist + c.high_freq : c.high_freq;
}

// The signal frames are cut from: the samples, or their whole-signal pre-emphasis.
std::vector<double> FramingSource(const std::vector<float>& samples, const KaldiFbankConfig& c) {
  std::vector<double> source(samples.begin(), samples.end());
  if (c.preemphasis_scope == PreemphasisScope::Signal && c.preemphasis != 0.0 && !source.empty()) {
    for (std::size_t n = source.size() - 1; n > 0; --n) source[n] -= c.preemphasis * source[n - 1];
    source[0] -= c.preemphasis * source[0];
  }
  return source;
}

}  // namespace

int KaldiFrameLengthSamples(const KaldiFbankConfig& c) { return MsToSamples(c.frame_length_ms); }
int KaldiFrameShiftSamples(const KaldiFbankConfig& c) { return MsToSamples(c.frame_shift_ms); }

void ValidateKaldiFbankConfig(const KaldiFbankConfig& c) {
  RequireConfig(c.num_mel_bins >= 1 && c.num_mel_bins <= kMaxMelBins,
                "numMelBins must be in [1, " + std::to_string(kMaxMelBins) + "]");
  const double max_ms = 1000.0 * kMaxFftSize / kFeatureSampleRate;
  RequireConfig(std::isfinite(c.frame_length_ms) && c.frame_length_ms > 0.0 && c.frame_length_ms <= max_ms,
                "frameLengthMs must be in (0, " + std::to_string(max_ms) + "]");
  RequireConfig(KaldiFrameLengthSamples(c) >= 2, "frameLengthMs must cover at least 2 samples");
  RequireConfig(std::isfinite(c.frame_shift_ms) && c.frame_shift_ms > 0.0 && c.frame_shift_ms <= max_ms,
                "frameShiftMs must be in (0, " + std::to_string(max_ms) + "]");
  RequireConfig(KaldiFrameShiftSamples(c) >= 1, "frameShiftMs must cover at least 1 sample");
  RequireConfig(c.dither == 0.0, "dither must be 0 (the engine is deterministic)");
  RequireConfig(std::isfinite(c.preemphasis) && c.preemphasis >= 0.0 && c.preemphasis <= 1.0,
                "preemphasis must be in [0, 1]");
  const double nyquist = kFeatureSampleRate / 2.0;
  const double high = ResolvedHighFreq(c);
  RequireConfig(std::isfinite(c.low_freq) && c.low_freq >= 0.0 && c.low_freq < nyquist,
                "lowFreq must be in [0, Nyquist)");
  RequireConfig(std::isfinite(c.high_freq) && high > c.low_freq && high <= nyquist,
                "highFreq must resolve (<= 0 means Nyquist + highFreq) to a value in (lowFreq, Nyquist]");
  RequireLogFloor(c.log_floor);
}

std::size_t KaldiFrameCount(std::size_t num_samples, const KaldiFbankConfig& c) {
  const std::size_t length = static_cast<std::size_t>(KaldiFrameLengthSamples(c));
  const std::size_t shift = static_cast<std::size_t>(KaldiFrameShiftSamples(c));
  if (c.snip_edges) return num_samples < length ? 0 : 1 + (num_samples - length) / shift;
  return (num_samples + shift / 2) / shift;
}

Features ComputeKaldiFbank(const std::vector<float>& samples, const KaldiFbankConfig& c) {
  const std::size_t num_frames = KaldiFrameCount(samples.size(), c);
  if (num_frames == 0) {
    throw Error(ErrorCode::AudioTooShort,
                "kaldi_fbank frontend: " + std::to_string(samples.size()) + " samples give no frame");
  }
  const int length = KaldiFrameLengthSamples(c);
  const int shift = KaldiFrameShiftSamples(c);
  const std::size_t frame_length = static_cast<std::size_t>(length);
  const std::size_t padded_size = NextPowerOfTwo(frame_length);
  const std::vector<double> window = SymmetricWindow(ToWindowType(c.window), length);
  const MelFilterbank mel_bank = KaldiMelFilterbank(c.num_mel_bins, static_cast<int>(padded_size), kFeatureSampleRate,
                                                   c.low_freq, ResolvedHighFreq(c));
  RealFft fft(padded_size);
  const std::vector<double> source = FramingSource(samples, c);
  const std::ptrdiff_t num_samples = static_cast<std::ptrdiff_t>(source.size());
  const bool frame_preemphasis = c.preemphasis_scope == PreemphasisScope::Frame && c.preemphasis != 0.0;

  std::vector<double> frame(padded_size, 0.0);  // samples past frame_length stay 0 (zero padding)
  std::vector<double> power(fft.num_bins());
  std::vector<double> energies(static_cast<std::size_t>(c.num_mel_bins));
  Features features;
  features.num_frames = static_cast<int>(num_frames);
  features.dim = c.num_mel_bins;
  features.data.resize(num_frames * energies.size());

  for (std::size_t t = 0; t < num_frames; ++t) {
    // Kaldi's FirstSampleOfFrame: without snip_edges frames are centred on t * shift + shift / 2.
    const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(t) * shift + (c.snip_edges ? 0 : shift / 2 - length / 2);
    for (std::size_t i = 0; i < frame_length; ++i) {
      std::ptrdiff_t index = start + static_cast<std::ptrdiff_t>(i);
      if (index < 0 || index >= num_samples) index = ReflectWithEdge(index, num_samples);
      frame[i] = source[static_cast<std::size_t>(index)];
    }
    if (c.remove_dc_offset) {
      double sum = 0.0;
      for (std::size_t i = 0; i < frame_length; ++i) sum += frame[i];
      const double mean = sum / static_cast<double>(frame_length);
      for (std::size_t i = 0; i < frame_length; ++i) frame[i] -= mean;
    }
    if (frame_preemphasis) {
      for (std::size_t i = frame_length - 1; i > 0; --i) frame[i] -= c.preemphasis * frame[i - 1];
      frame[0] -= c.preemphasis * frame[0];
    }
    for (std::size_t i = 0; i < frame_length; ++i) frame[i] *= window[i];
    fft.PowerSpectrum(frame.data(), power.data());
    mel_bank.Apply(power.data(), energies.data());
    float* row = features.data.data() + t * energies.size();
    for (std::size_t m = 0; m < energies.size(); ++m) {
      row[m] = static_cast<float>(std::log(std::max(energies[m], c.log_floor)));
    }
  }
  return features;
}

}  // namespace engine
