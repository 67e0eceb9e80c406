// JS surface of the audio stage: decodeFile, decodeBuffer, decodeSamples, resample.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "audio/audio_decoder.h"
#include "audio/resampler.h"
#include "binding/async_task.h"
#include "binding/js_error.h"
#include "binding/stages.h"
#include "binding/typed_array_args.h"

namespace binding {
namespace {

namespace audio = engine::audio;

audio::DecodeOptions ReadDecodeOptions(Napi::Env env, const Napi::Value& value) {
  if (!value.IsObject()) ThrowJsError(env, "INVALID_INPUT", "options must be an object with maxDurationSec.");
  const Napi::Object object = value.As<Napi::Object>();
  audio::DecodeOptions options;
  const Napi::Value max_duration = object.Get("maxDurationSec");
  if (!max_duration.IsNumber()) ThrowJsError(env, "INVALID_INPUT", "options.maxDurationSec must be a number.");
  options.max_duration_sec = max_duration.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(options.max_duration_sec) || options.max_duration_sec <= 0) {
    ThrowJsError(env, "INVALID_INPUT", "options.maxDurationSec must be a finite number above 0.");
  }
  const Napi::Value ffmpeg_path = object.Get("ffmpegPath");
  if (!ffmpeg_path.IsUndefined()) {
    if (!ffmpeg_path.IsString()) ThrowJsError(env, "INVALID_INPUT", "options.ffmpegPath must be a string.");
    options.ffmpeg_path = ffmpeg_path.As<Napi::String>().Utf8Value();
    if (options.ffmpeg_path.find('\0') != std::string::npos) {
      ThrowJsError(env, "INVALID_INPUT", "options.ffmpegPath must not contain NUL characters.");
    }
  }
  return options;
}

Napi::Float32Array ToFloat32Array(Napi::Env env, const std::vector<float>& samples) {
  Napi::Float32Array array = Napi::Float32Array::New(env, samples.size());
  if (!samples.empty()) std::memcpy(array.Data(), samples.data(), samples.size() * sizeof(float));
  return array;
}

Napi::Value DecodedAudioToJs(Napi::Env env, audio::DecodedAudio& decoded) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("samples", ToFloat32Array(env, decoded.samples));
  result.Set("sampleRate", Napi::Number::New(env, audio::kTargetSampleRate));
  result.Set("originalSampleRate", Napi::Number::New(env, decoded.original_sample_rate));
  result.Set("originalChannels", Napi::Number::New(env, decoded.original_channels));
  result.Set("originalDurationSec", Napi::Number::New(env, decoded.original_duration_sec));
  result.Set("decoder", Napi::String::New(env, audio::DecoderKindName(decoded.decoder)));
  return result;
}

Napi::Value DecodeFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) ThrowJsError(env, "INVALID_INPUT", "decodeFile(path, options): path must be a string.");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  if (path.empty() || path.find('\0') != std::string::npos) {
    ThrowJsError(env, "INVALID_INPUT", "decodeFile: path must be a non-empty string without NUL characters.");
  }
  audio::DecodeOptions options = ReadDecodeOptions(env, info[1]);
  return RunAsync(
      env, [path = std::move(path), options = std::move(options)] { return audio::DecodeFile(path, options); },
      DecodedAudioToJs);
}

Napi::Value DecodeBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<uint8_t> bytes =
      CopyOf(RequireTypedArray<uint8_t>(env, info[0], "decodeBuffer(data, options): data must be a Uint8Array (or Buffer)."));
  audio::DecodeOptions options = ReadDecodeOptions(env, info[1]);
  return RunAsync(
      env,
      [bytes = std::move(bytes), options = std::move(options)] { return audio::DecodeBuffer(bytes, options); },
      DecodedAudioToJs);
}

Napi::Value DecodeSamples(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<float> samples = CopyOf(
      RequireTypedArray<float>(env, info[0], "decodeSamples(samples, sampleRate, options): samples must be a Float32Array."));
  const double rate = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 0;
  if (!(rate >= 1 && rate <= 2147483647.0) || std::trunc(rate) != rate) {
    ThrowJsError(env, "INVALID_INPUT", "decodeSamples: sampleRate must be a whole number of Hz above 0.");
  }
  audio::DecodeOptions options = ReadDecodeOptions(env, info[2]);
  return RunAsync(
      env,
      [samples = std::move(samples), rate = static_cast<int>(rate), options = std::move(options)] {
        return audio::DecodeSamples(samples, rate, options);
      },
      DecodedAudioToJs);
}

double ReadRate(Napi::Env env, const Napi::Value& value, const char* name) {
  if (!value.IsNumber()) ThrowJsError(env, "INVALID_INPUT", std::string("resample: ") + name + " must be a number.");
  const double rate = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(rate) || rate <= 0) {
    ThrowJsError(env, "INVALID_INPUT", std::string("resample: ") + name + " must be a finite number above 0.");
  }
  return rate;
}

Napi::Value Resample(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<float> input =
      CopyOf(RequireTypedArray<float>(env, info[0], "resample(samples, fromRate, toRate): samples must be a Float32Array."));
  const double from_rate = ReadRate(env, info[1], "fromRate");
  const double to_rate = ReadRate(env, info[2], "toRate");
  return RunAsync(
      env, [input = std::move(input), from_rate, to_rate] { return audio::Resample(input, from_rate, to_rate); },
      [](Napi::Env env, std::vector<float>& output) -> Napi::Value { return ToFloat32Array(env, output); });
}

}  // namespace

void InitAudio(Napi::Env env, Napi::Object exports) {
  exports.Set("decodeFile", Napi::Function::New(env, DecodeFile, "decodeFile"));
  exports.Set("decodeBuffer", Napi::Function::New(env, DecodeBuffer, "decodeBuffer"));
  exports.Set("decodeSamples", Napi::Function::New(env, DecodeSamples, "decodeSamples"));
  exports.Set("resample", Napi::Function::New(env, Resample, "resample"));
}

}  // namespace binding
