#include "binding/frontend_config.h"

#include <string>

#include "binding/js_error.h"

namespace binding {
namespace {

// Integers in configs: far beyond any real frame size or filter count, far within int.
constexpr int64_t kMaxConfigInt = 1000000000;

int Int(const Arg& arg) { return static_cast<int>(arg.Integer(-kMaxConfigInt, kMaxConfigInt)); }

// Absent (undefined) gives an empty vector; otherwise a Float32Array is required.
std::vector<float> OptionalFloats(const Arg& arg) { return arg.IsUndefined() ? std::vector<float>{} : arg.Copy<float>(); }

engine::WaveformFrontendConfig ReadWaveform(const Arg& arg) {
  engine::WaveformFrontendConfig c;
  c.normalize = arg["normalize"].Boolean();
  c.epsilon = arg["epsilon"].Number();
  return c;
}

engine::EspnetLogMelConfig ReadEspnetLogMel(const Arg& arg) {
  engine::EspnetLogMelConfig c;
  c.n_fft = Int(arg["nFft"]);
  c.win_length = Int(arg["winLength"]);
  c.hop_length = Int(arg["hopLength"]);
  c.n_mels = Int(arg["nMels"]);
  c.fmin = arg["fmin"].Number();
  c.fmax = arg["fmax"].Number();
  c.center = arg["center"].Boolean();
  c.log_floor = arg["logFloor"].Number();
  c.mean = OptionalFloats(arg["mean"]);
  c.stddev = OptionalFloats(arg["std"]);
  return c;
}

engine::KaldiFbankConfig ReadKaldiFbank(const Arg& arg) {
  engine::KaldiFbankConfig c;
  c.num_mel_bins = Int(arg["numMelBins"]);
  c.frame_length_ms = arg["frameLengthMs"].Number();
  c.frame_shift_ms = arg["frameShiftMs"].Number();
  c.dither = arg["dither"].Number();
  c.preemphasis = arg["preemphasis"].Number();
  c.preemphasis_scope = arg["preemphasisScope"].Choice<engine::PreemphasisScope>(
      {{"frame", engine::PreemphasisScope::Frame}, {"signal", engine::PreemphasisScope::Signal}});
  c.remove_dc_offset = arg["removeDcOffset"].Boolean();
  c.window = arg["window"].Choice<engine::KaldiWindowType>(
      {{"povey", engine::KaldiWindowType::Povey}, {"hann", engine::KaldiWindowType::Hann}, {"hamming", engine::KaldiWindowType::Hamming}});
  c.snip_edges = arg["snipEdges"].Boolean();
  c.low_freq = arg["lowFreq"].Number();
  c.high_freq = arg["highFreq"].Number();
  c.log_floor = arg["logFloor"].Number();
  return c;
}

}  // namespace

engine::FrontendConfig ReadFrontendConfig(const Arg& arg) {
  enum class Type { Waveform, EspnetLogMel, KaldiFbank };
  const Type type = arg["type"].Choice<Type>(
      {{"waveform", Type::Waveform}, {"espnet_logmel", Type::EspnetLogMel}, {"kaldi_fbank", Type::KaldiFbank}});
  engine::FrontendConfig config;
  if (type == Type::Waveform) config = ReadWaveform(arg);
  if (type == Type::EspnetLogMel) config = ReadEspnetLogMel(arg);
  if (type == Type::KaldiFbank) config = ReadKaldiFbank(arg);
  TranslateErrors(arg.Env(), [&config] { engine::ValidateFrontendConfig(config); });
  return config;
}

}  // namespace binding
