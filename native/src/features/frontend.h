// Feature frontends: turn 16 kHz mono samples into what a model consumes.
//
// This is the core entry point the model stage calls:
//
//   engine::FrontendConfig cfg = engine::KaldiFbankConfig{};   // or parsed by binding/frontend_config.h
//   engine::Features f = engine::ComputeFeatures(samples, cfg); // f.data is f.num_frames x f.dim, row-major
//
// The configs mirror lib/native.ts (WaveformFrontend, EspnetLogMelFrontend, KaldiFbankFrontend) field by
// field; their defaults are the values the supported models use. Everything is deterministic and computed
// in double precision, then stored as float. Errors are engine::Error: InvalidInput for a bad config or
// non-finite samples, AudioTooShort when the audio yields no frame.
#pragma once

#include <variant>
#include <cstdint>
#include <vector>

namespace engine {

// Every frontend works on 16 kHz audio (the audio stage resamples to it).
constexpr double kFeatureSampleRate = 16000.0;

// Raw samples, optionally normalised per utterance as the wav2vec2 feature extractor does:
// (x - mean) / sqrt(var + epsilon), var the population variance. One row per sample, dim 1.
struct WaveformFrontendConfig {
  bool normalize = true;
  double epsilon = 1e-7;  // must be > 0 when normalize is set
};

// ESPnet DefaultFrontend (POWSM): torch.stft(n_fft, win_length, hop_length, periodic Hann centred in
// n_fft, center with reflect padding), |X|^2, librosa Slaney mel filterbank, log(max(x, log_floor)),
// then optional GlobalMVN (x - mean) / std per mel bin.
struct EspnetLogMelConfig {
  int n_fft = 512;          // power of two, >= win_length
  int win_length = 400;
  int hop_length = 160;
  int n_mels = 80;
  double fmin = 0.0;
  double fmax = 8000.0;    // <= Nyquist
  bool center = true;      // frames = N / hop + 1; else 1 + (N - n_fft) / hop
  double log_floor = 1e-10;
  // GlobalMVN (JS fields mean / std): both empty, or both n_mels long with every stddev > 0.
  std::vector<float> mean;
  std::vector<float> stddev;
};

enum class KaldiWindowType { Povey, Hann, Hamming };

// Where pre-emphasis is applied: Kaldi does it inside each frame after DC removal
// (x[i] -= c x[i-1], x[0] -= c x[0]); 'Signal' does y[n] = x[n] - c x[n-1], y[0] = (1 - c) x[0]
// once over the whole signal before framing (DC removal, if on, then acts on frames of y).
enum class PreemphasisScope { Frame, Signal };

// Kaldi compute-fbank / torchaudio.compliance.kaldi.fbank / lhotse Fbank with power spectrum, no energy.
struct KaldiFbankConfig {
  int num_mel_bins = 80;
  double frame_length_ms = 25.0;
  double frame_shift_ms = 10.0;
  double dither = 0.0;     // must be 0: the engine is deterministic
  double preemphasis = 0.97;
  PreemphasisScope preemphasis_scope = PreemphasisScope::Frame;
  bool remove_dc_offset = true;
  KaldiWindowType window = KaldiWindowType::Povey;
  // true: only frames that fit, 1 + (N - len) / shift; false: (N + shift / 2) / shift frames with
  // the signal reflected at its edges.
  bool snip_edges = true;
  double low_freq = 20.0;
  double high_freq = 0.0;   // <= 0 means Nyquist + high_freq
  double log_floor = 1.1920928955078125e-07;  // FLT_EPSILON, Kaldi's floor
};

using FrontendConfig = std::variant<WaveformFrontendConfig, EspnetLogMelConfig, KaldiFbankConfig>;

// Row-major num_frames x dim.
struct Features {
  std::vector<float> data;
  int64_t num_frames = 0;
  int64_t dim = 0;
};

// Throws engine::Error(InvalidInput) naming the first invalid field.
void ValidateFrontendConfig(const FrontendConfig& config);

// Validates config and samples (all finite), then runs the frontend.
Features ComputeFeatures(const std::vector<float>& samples, const FrontendConfig& config);

}  // namespace engine
