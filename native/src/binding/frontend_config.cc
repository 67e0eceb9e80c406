#include "binding/frontend_config.h"

#include <cmath>
#include <string>
#include <vector>

#include "binding/js_error.h"
#include "binding/typed_array_args.h"

namespace binding {

namespace {

[[noreturn]] void ThrowField(Napi::Env env, const std::string& field, const std::string& expected) {
  ThrowJsError(env, "INVALID_INPUT", "frontend." + field + " must be " + expected);
}

double RequireNumber(Napi::Env env, const Napi::Object& obj, const char* field) {
  const Napi::Value value = obj.Get(field);
  if (!value.IsNumber()) ThrowField(env, field, "a number");
  return value.As<Napi::Number>().DoubleValue();
}

int RequireInt(Napi::Env env, const Napi::Object& obj, const char* field) {
  const double value = RequireNumber(env, obj, field);
  if (!std::isfinite(value) || std::trunc(value) != value || std::fabs(value) > 1e9) {
    ThrowField(env, field, "an integer");
  }
  return static_cast<int>(value);
}

bool RequireBool(Napi::Env env, const Napi::Object& obj, const char* field) {
  const Napi::Value value = obj.Get(field);
  if (!value.IsBoolean()) ThrowField(env, field, "a boolean");
  return value.As<Napi::Boolean>().Value();
}

std::string RequireString(Napi::Env env, const Napi::Object& obj, const char* field) {
  const Napi::Value value = obj.Get(field);
  if (!value.IsString()) ThrowField(env, field, "a string");
  return value.As<Napi::String>().Utf8Value();
}

// Absent (undefined) gives an empty vector; otherwise a Float32Array is required.
std::vector<float> OptionalFloat32Array(Napi::Env env, const Napi::Object& obj, const char* field) {
  const Napi::Value value = obj.Get(field);
  if (value.IsUndefined()) return {};
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    ThrowField(env, field, "a Float32Array when present");
  }
  return CopyOf(value.As<Napi::Float32Array>());
}

engine::WaveformFrontendConfig ParseWaveform(Napi::Env env, const Napi::Object& obj) {
  engine::WaveformFrontendConfig c;
  c.normalize = RequireBool(env, obj, "normalize");
  c.epsilon = RequireNumber(env, obj, "epsilon");
  return c;
}

engine::EspnetLogMelConfig ParseEspnetLogMel(Napi::Env env, const Napi::Object& obj) {
  engine::EspnetLogMelConfig c;
  c.n_fft = RequireInt(env, obj, "nFft");
  c.win_length = RequireInt(env, obj, "winLength");
  c.hop_length = RequireInt(env, obj, "hopLength");
  c.n_mels = RequireInt(env, obj, "nMels");
  c.fmin = RequireNumber(env, obj, "fmin");
  c.fmax = RequireNumber(env, obj, "fmax");
  c.center = RequireBool(env, obj, "center");
  c.log_floor = RequireNumber(env, obj, "logFloor");
  c.mean = OptionalFloat32Array(env, obj, "mean");
  c.stddev = OptionalFloat32Array(env, obj, "std");
  return c;
}

engine::KaldiFbankConfig ParseKaldiFbank(Napi::Env env, const Napi::Object& obj) {
  engine::KaldiFbankConfig c;
  c.num_mel_bins = RequireInt(env, obj, "numMelBins");
  c.frame_length_ms = RequireNumber(env, obj, "frameLengthMs");
  c.frame_shift_ms = RequireNumber(env, obj, "frameShiftMs");
  c.dither = RequireNumber(env, obj, "dither");
  c.preemphasis = RequireNumber(env, obj, "preemphasis");
  const std::string scope = RequireString(env, obj, "preemphasisScope");
  if (scope == "frame") {
    c.preemphasis_scope = engine::PreemphasisScope::Frame;
  } else if (scope == "signal") {
    c.preemphasis_scope = engine::PreemphasisScope::Signal;
  } else {
    ThrowField(env, "preemphasisScope", "'frame' or 'signal'");
  }
  c.remove_dc_offset = RequireBool(env, obj, "removeDcOffset");
  const std::string window = RequireString(env, obj, "window");
  if (window == "povey") {
    c.window = engine::KaldiWindowType::Povey;
  } else if (window == "hann") {
    c.window = engine::KaldiWindowType::Hann;
  } else if (window == "hamming") {
    c.window = engine::KaldiWindowType::Hamming;
  } else {
    ThrowField(env, "window", "'povey', 'hann' or 'hamming'");
  }
  c.snip_edges = RequireBool(env, obj, "snipEdges");
  c.low_freq = RequireNumber(env, obj, "lowFreq");
  c.high_freq = RequireNumber(env, obj, "highFreq");
  c.log_floor = RequireNumber(env, obj, "logFloor");
  return c;
}

}  // namespace

engine::FrontendConfig ParseFrontendConfig(Napi::Env env, const Napi::Value& value) {
  if (!value.IsObject()) ThrowJsError(env, "INVALID_INPUT", "frontend must be an object");
  const Napi::Object obj = value.As<Napi::Object>();
  const std::string type = RequireString(env, obj, "type");
  engine::FrontendConfig config;
  if (type == "waveform") {
    config = ParseWaveform(env, obj);
  } else if (type == "espnet_logmel") {
    config = ParseEspnetLogMel(env, obj);
  } else if (type == "kaldi_fbank") {
    config = ParseKaldiFbank(env, obj);
  } else {
    ThrowField(env, "type", "'waveform', 'espnet_logmel' or 'kaldi_fbank'");
  }
  TranslateErrors(env, [&config] { engine::ValidateFrontendConfig(config); });
  return config;
}

}  // namespace binding
