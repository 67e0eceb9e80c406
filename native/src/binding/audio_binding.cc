// JS surface of the audio stage: decodeFile, decodeBuffer, decodeSamples, resample.
#include <cmath>
#include <string>
#include <vector>

#include "audio/audio_decoder.h"
#include "audio/resampler.h"
#include "binding/args.h"
#include "binding/async_task.h"
#include "binding/stages.h"

namespace binding {
namespace {

namespace audio = engine::audio;

constexpr int64_t kMaxSampleRate = 2147483647;

audio::DecodeOptions ReadDecodeOptions(const Arg& arg) {
  audio::DecodeOptions options;
  const Arg max_duration = arg["maxDurationSec"];
  options.max_duration_sec = max_duration.Number();
  if (!std::isfinite(options.max_duration_sec) || options.max_duration_sec <= 0) max_duration.Invalid("a finite number above 0");
  const Arg ffmpeg_path = arg["ffmpegPath"];
  if (!ffmpeg_path.IsUndefined()) {
    options.ffmpeg_path = ffmpeg_path.String();
    if (options.ffmpeg_path.find('\0') != std::string::npos) ffmpeg_path.Invalid("a string without NUL characters");
  }
  return options;
}

Napi::Value DecodedAudioToJs(Napi::Env env, audio::DecodedAudio& decoded) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("samples", ToTypedArray<Napi::Float32Array>(env, decoded.samples));
  result.Set("sampleRate", Napi::Number::New(env, audio::kTargetSampleRate));
  result.Set("originalSampleRate", Napi::Number::New(env, decoded.original_sample_rate));
  result.Set("originalChannels", Napi::Number::New(env, decoded.original_channels));
  result.Set("originalDurationSec", Napi::Number::New(env, decoded.original_duration_sec));
  result.Set("decoder", Napi::String::New(env, audio::DecoderKindName(decoded.decoder)));
  return result;
}

// Runs decode(input, options) off the JS thread; resolves with the decoded audio.
template <typename Input, typename Decode>
Napi::Value DecodeAsync(Napi::Env env, Input input, audio::DecodeOptions options, Decode decode) {
  return RunAsync(
      env, [input = std::move(input), options = std::move(options), decode] { return decode(input, options); },
      DecodedAudioToJs);
}

Napi::Value DecodeFile(const Napi::CallbackInfo& info) {
  const Args args(info, "decodeFile");
  const Arg path = args(0, "path");
  std::string text = path.String();
  if (text.empty() || text.find('\0') != std::string::npos) path.Invalid("a non-empty string without NUL characters");
  return DecodeAsync(info.Env(), std::move(text), ReadDecodeOptions(args(1, "options")), audio::DecodeFile);
}

Napi::Value DecodeBuffer(const Napi::CallbackInfo& info) {
  const Args args(info, "decodeBuffer");
  return DecodeAsync(info.Env(), args(0, "data").Copy<uint8_t>(), ReadDecodeOptions(args(1, "options")), audio::DecodeBuffer);
}

Napi::Value DecodeSamples(const Napi::CallbackInfo& info) {
  const Args args(info, "decodeSamples");
  std::vector<float> samples = args(0, "samples").Copy<float>();
  const int rate = static_cast<int>(args(1, "sampleRate").Integer(1, kMaxSampleRate));
  audio::DecodeOptions options = ReadDecodeOptions(args(2, "options"));
  return RunAsync(
      info.Env(),
      [samples = std::move(samples), rate, options = std::move(options)] { return audio::DecodeSamples(samples, rate, options); },
      DecodedAudioToJs);
}

double ReadRate(const Arg& arg) {
  const double rate = arg.Number();
  if (!std::isfinite(rate) || rate <= 0) arg.Invalid("a finite number above 0");
  return rate;
}

Napi::Value Resample(const Napi::CallbackInfo& info) {
  const Args args(info, "resample");
  std::vector<float> input = args(0, "samples").Copy<float>();
  const double from_rate = ReadRate(args(1, "fromRate"));
  const double to_rate = ReadRate(args(2, "toRate"));
  return RunAsync(
      info.Env(), [input = std::move(input), from_rate, to_rate] { return audio::Resample(input, from_rate, to_rate); },
      [](Napi::Env env, std::vector<float>& output) -> Napi::Value { return ToTypedArray<Napi::Float32Array>(env, output); });
}

}  // namespace

void InitAudio(Napi::Env env, Napi::Object exports) {
  Export(env, exports, {{"decodeFile", DecodeFile},
                        {"decodeBuffer", DecodeBuffer},
                        {"decodeSamples", DecodeSamples},
                        {"resample", Resample}});
}

}  // namespace binding
