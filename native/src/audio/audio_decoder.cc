#include "audio/audio_decoder.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "audio/byte_source.h"
#include "audio/ffmpeg_decoder.h"
#include "audio/mono_downmixer.h"
#include "audio/resampler.h"
#include "audio/sndfile_decoder.h"
#include "audio/temp_file.h"
#include "audio/undecodable.h"
#include "common/error.h"

namespace engine::audio {
namespace {

void ValidateOptions(const DecodeOptions& options) {
  if (!(options.max_duration_sec > 0) || !std::isfinite(options.max_duration_sec)) {
    throw Error(ErrorCode::InvalidInput, "maxDurationSec must be a finite number above 0.");
  }
}

DecodedAudio Finish(MonoPcm pcm, DecoderKind decoder) {
  if (pcm.samples.empty()) ThrowUndecodable("the audio has no samples");
  DecodedAudio audio;
  audio.original_sample_rate = pcm.sample_rate;
  audio.original_channels = pcm.channels;
  audio.original_duration_sec = static_cast<double>(pcm.samples.size()) / pcm.sample_rate;
  audio.decoder = decoder;
  audio.samples = Resample(pcm.samples, pcm.sample_rate, kTargetSampleRate);
  if (audio.samples.empty()) ThrowUndecodable("the audio has no samples at 16 kHz (it is shorter than one sample)");
  for (float& sample : audio.samples) sample = std::isfinite(sample) ? std::clamp(sample, -1.0f, 1.0f) : 0.0f;
  return audio;
}

// `run_ffmpeg` decodes the same bytes with ffmpeg; it is called only when libsndfile cannot.
DecodedAudio Decode(ByteSource& source, const DecodeOptions& options, const std::function<FfmpegAttempt()>& run_ffmpeg) {
  if (source.size() == 0) ThrowUndecodable("the input is empty (0 bytes)");
  SndfileAttempt sndfile = DecodeWithSndfile(source, options.max_duration_sec);
  if (sndfile.pcm) return Finish(std::move(*sndfile.pcm), DecoderKind::Libsndfile);

  const std::string not_recognised = "libsndfile does not recognise it (" + sndfile.open_error + ")";
  if (options.ffmpeg_path.empty()) ThrowUndecodable(not_recognised + " and the ffmpeg fallback is disabled");
  FfmpegAttempt ffmpeg = run_ffmpeg();
  if (ffmpeg.pcm) return Finish(std::move(*ffmpeg.pcm), DecoderKind::Ffmpeg);
  ThrowUndecodable(not_recognised + "; " + ffmpeg.failure);
}

}  // namespace

const char* DecoderKindName(DecoderKind kind) {
  switch (kind) {
    case DecoderKind::Ffmpeg:
      return "ffmpeg";
    case DecoderKind::Raw:
      return "raw";
    case DecoderKind::Libsndfile:
      break;
  }
  return "libsndfile";
}

DecodedAudio DecodeFile(const std::string& path, const DecodeOptions& options) {
  ValidateOptions(options);
  FileByteSource source(path);
  return Decode(source, options, [&] { return DecodeWithFfmpeg(options.ffmpeg_path, path, options.max_duration_sec); });
}

DecodedAudio DecodeBuffer(const std::vector<uint8_t>& bytes, const DecodeOptions& options) {
  ValidateOptions(options);
  MemoryByteSource source(bytes);
  return Decode(source, options, [&] {
    const TempFile file(bytes);
    return DecodeWithFfmpeg(options.ffmpeg_path, file.path(), options.max_duration_sec);
  });
}

DecodedAudio DecodeSamples(const std::vector<float>& samples, int sample_rate, const DecodeOptions& options) {
  ValidateOptions(options);
  if (sample_rate <= 0) throw Error(ErrorCode::InvalidInput, "sampleRate must be a whole number of Hz above 0.");
  if (samples.empty()) ThrowUndecodable("the audio has no samples");
  // The same path as a decoded file's samples: duration limit, non-finite samples to 0,
  // resampling, clamping.
  MonoDownmixer mono(sample_rate, 1, options.max_duration_sec);
  mono.Append(samples.data(), samples.size());
  return Finish(mono.Take(), DecoderKind::Raw);
}

}  // namespace engine::audio
