// Plain data passed in and out of the audio stage.
#pragma once

#include <string>
#include <vector>

namespace engine::audio {

constexpr int kTargetSampleRate = 16000;

struct DecodeOptions {
  // Audio longer than this is refused (AUDIO_TOO_LONG) without decoding all of it.
  double max_duration_sec = 0;
  // Executable run when libsndfile cannot read the input; empty disables the fallback.
  std::string ffmpeg_path = "ffmpeg";
};

// Raw: samples given by the caller (DecodeSamples), not decoded from a file.
enum class DecoderKind { Libsndfile, Ffmpeg, Raw };

const char* DecoderKindName(DecoderKind kind);

// Decoded audio at its original rate, already averaged down to one channel.
struct MonoPcm {
  std::vector<float> samples;
  int sample_rate = 0;
  int channels = 0;
};

struct DecodedAudio {
  std::vector<float> samples;  // kTargetSampleRate mono, each sample in [-1, 1].
  int original_sample_rate = 0;
  int original_channels = 0;
  double original_duration_sec = 0;
  DecoderKind decoder = DecoderKind::Libsndfile;
};

}  // namespace engine::audio
