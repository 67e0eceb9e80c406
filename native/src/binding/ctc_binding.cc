// JS bindings of the CTC stage: greedy decoding, forced alignment and total (forward) log-likelihoods.
#include <napi.h>

#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "binding/async_task.h"
#include "binding/js_error.h"
#include "binding/stages.h"
#include "binding/typed_array_args.h"
#include "ctc/alternatives.h"
#include "ctc/forced_align.h"
#include "ctc/forward.h"
#include "ctc/goodness.h"
#include "ctc/greedy_decode.h"

namespace binding {
namespace {

constexpr double kMaxInt32 = 2147483647.0;

int64_t IntegerArg(const Napi::CallbackInfo& info, size_t index, const char* fn, const char* name, double min,
                   double max) {
  const Napi::Env env = info.Env();
  if (!info[index].IsNumber()) ThrowJsError(env, "INVALID_INPUT", std::string(fn) + ": " + name + " must be a number");
  const double value = info[index].As<Napi::Number>().DoubleValue();
  if (!(value >= min && value <= max) || std::trunc(value) != value) {
    ThrowJsError(env, "INVALID_INPUT",
                 std::string(fn) + ": " + name + " must be an integer in [" + std::to_string(static_cast<int64_t>(min)) +
                     ", " + std::to_string(static_cast<int64_t>(max)) + "]");
  }
  return static_cast<int64_t>(value);
}

// The JS arguments (logProbs, numFrames, vocabSize, blankId), checked; the matrix views JS memory.
struct LogProbArgs {
  engine::LogProbMatrix matrix;
  int64_t blank_id;
};

LogProbArgs ReadLogProbArgs(const Napi::CallbackInfo& info, const char* fn) {
  const Napi::Float32Array data =
      RequireTypedArray<float>(info.Env(), info[0], std::string(fn) + ": logProbs must be a Float32Array");
  LogProbArgs args;
  args.matrix.num_frames = static_cast<size_t>(IntegerArg(info, 1, fn, "numFrames", 0, kMaxInt32));
  args.matrix.vocab_size = static_cast<size_t>(IntegerArg(info, 2, fn, "vocabSize", 1, kMaxInt32));
  args.blank_id = IntegerArg(info, 3, fn, "blankId", 0, static_cast<double>(args.matrix.vocab_size) - 1);
  args.matrix.data = data.Data();
  args.matrix.size = data.ElementLength();
  if (args.matrix.size != args.matrix.num_frames * args.matrix.vocab_size) {
    ThrowJsError(info.Env(), "INVALID_INPUT",
                 std::string(fn) + ": logProbs.length " + std::to_string(args.matrix.size) +
                     " != numFrames * vocabSize = " + std::to_string(args.matrix.num_frames) + " * " +
                     std::to_string(args.matrix.vocab_size));
  }
  return args;
}

engine::TargetSequence ReadTargets(const Napi::CallbackInfo& info, const char* fn) {
  const Napi::Int32Array targets =
      RequireTypedArray<int32_t>(info.Env(), info[4], std::string(fn) + ": targets must be an Int32Array");
  return {targets.Data(), targets.ElementLength()};
}

template <typename T>
std::vector<T> Copy(const T* data, size_t size) {
  return std::vector<T>(data, data + size);
}

template <typename TypedArray, typename T>
TypedArray ToTypedArray(Napi::Env env, const std::vector<T>& values) {
  TypedArray array = TypedArray::New(env, values.size());
  if (!values.empty()) std::memcpy(array.Data(), values.data(), values.size() * sizeof(T));
  return array;
}

Napi::Object ToJs(Napi::Env env, const engine::GreedySegments& segments) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("tokens", ToTypedArray<Napi::Int32Array>(env, segments.tokens));
  result.Set("startFrames", ToTypedArray<Napi::Int32Array>(env, segments.start_frames));
  result.Set("endFrames", ToTypedArray<Napi::Int32Array>(env, segments.end_frames));
  result.Set("meanLogProbs", ToTypedArray<Napi::Float32Array>(env, segments.mean_log_probs));
  return result;
}

// The alignment and each target's goodness (log posterior ratio) over its aligned frames.
struct ScoredAlignment {
  engine::ForcedAlignment alignment;
  std::vector<float> log_posterior_ratios;
};

ScoredAlignment AlignAndScore(const engine::LogProbMatrix& log_probs, int64_t blank_id, engine::TargetSequence targets) {
  ScoredAlignment scored{engine::CtcForcedAlign(log_probs, blank_id, targets), {}};
  scored.log_posterior_ratios = engine::LogPosteriorRatios(log_probs, blank_id, targets, scored.alignment);
  return scored;
}

Napi::Object ToJs(Napi::Env env, const ScoredAlignment& scored) {
  const engine::ForcedAlignment& alignment = scored.alignment;
  Napi::Object result = Napi::Object::New(env);
  result.Set("startFrames", ToTypedArray<Napi::Int32Array>(env, alignment.start_frames));
  result.Set("endFrames", ToTypedArray<Napi::Int32Array>(env, alignment.end_frames));
  result.Set("meanLogProbs", ToTypedArray<Napi::Float32Array>(env, alignment.mean_log_probs));
  result.Set("logPosteriorRatios", ToTypedArray<Napi::Float32Array>(env, scored.log_posterior_ratios));
  result.Set("pathLogProb", Napi::Number::New(env, alignment.path_log_prob));
  return result;
}

// Inputs copied for work off the JS thread.
struct OwnedLogProbs {
  std::vector<float> values;
  size_t num_frames;
  size_t vocab_size;
  int64_t blank_id;

  explicit OwnedLogProbs(const LogProbArgs& args)
      : values(Copy(args.matrix.data, args.matrix.size)),
        num_frames(args.matrix.num_frames),
        vocab_size(args.matrix.vocab_size),
        blank_id(args.blank_id) {}

  engine::LogProbMatrix View() const { return {values.data(), values.size(), num_frames, vocab_size}; }
};

Napi::Value CtcGreedyDecode(const Napi::CallbackInfo& info) {
  OwnedLogProbs input(ReadLogProbArgs(info, "ctcGreedyDecode"));
  return RunAsync(
      info.Env(), [input = std::move(input)] { return engine::CtcGreedyDecode(input.View(), input.blank_id); },
      [](Napi::Env env, const engine::GreedySegments& segments) { return ToJs(env, segments); });
}

Napi::Value CtcForcedAlign(const Napi::CallbackInfo& info) {
  OwnedLogProbs input(ReadLogProbArgs(info, "ctcForcedAlign"));
  const engine::TargetSequence target_view = ReadTargets(info, "ctcForcedAlign");
  std::vector<int32_t> targets = Copy(target_view.data, target_view.size);
  return RunAsync(
      info.Env(),
      [input = std::move(input), targets = std::move(targets)] {
        return AlignAndScore(input.View(), input.blank_id, {targets.data(), targets.size()});
      },
      [](Napi::Env env, const ScoredAlignment& scored) { return ToJs(env, scored); });
}

Napi::Value CtcForcedAlignSync(const Napi::CallbackInfo& info) {
  const LogProbArgs args = ReadLogProbArgs(info, "ctcForcedAlignSync");
  const engine::TargetSequence targets = ReadTargets(info, "ctcForcedAlignSync");
  // Synchronous: the JS arrays outlive the call, so the core reads them in place.
  return TranslateErrors(info.Env(), [&] {
    return ToJs(info.Env(), AlignAndScore(args.matrix, args.blank_id, targets));
  });
}

// Argument 4: an array of Int32Array label sequences, copied.
std::vector<std::vector<int32_t>> ReadSequences(const Napi::CallbackInfo& info, const char* fn) {
  if (!info[4].IsArray()) ThrowJsError(info.Env(), "INVALID_INPUT", std::string(fn) + ": sequences must be an array of Int32Array");
  const Napi::Array array = info[4].As<Napi::Array>();
  std::vector<std::vector<int32_t>> sequences;
  sequences.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) {
    sequences.push_back(CopyOf(RequireTypedArray<int32_t>(
        info.Env(), array.Get(i), std::string(fn) + ": sequences[" + std::to_string(i) + "] must be an Int32Array")));
  }
  return sequences;
}

std::vector<double> LogLikelihoods(const engine::LogProbMatrix& log_probs, int64_t blank_id,
                                   const std::vector<std::vector<int32_t>>& sequences) {
  std::vector<double> out;
  out.reserve(sequences.size());
  for (const auto& labels : sequences) out.push_back(engine::CtcLogLikelihood(log_probs, blank_id, {labels.data(), labels.size()}));
  return out;
}

Napi::Value CtcLogLikelihoods(const Napi::CallbackInfo& info) {
  OwnedLogProbs input(ReadLogProbArgs(info, "ctcLogLikelihoods"));
  std::vector<std::vector<int32_t>> sequences = ReadSequences(info, "ctcLogLikelihoods");
  return RunAsync(
      info.Env(),
      [input = std::move(input), sequences = std::move(sequences)] { return LogLikelihoods(input.View(), input.blank_id, sequences); },
      [](Napi::Env env, const std::vector<double>& values) { return ToTypedArray<Napi::Float64Array>(env, values); });
}

Napi::Value CtcLogLikelihoodsSync(const Napi::CallbackInfo& info) {
  const LogProbArgs args = ReadLogProbArgs(info, "ctcLogLikelihoodsSync");
  const std::vector<std::vector<int32_t>> sequences = ReadSequences(info, "ctcLogLikelihoodsSync");
  return TranslateErrors(info.Env(), [&] {
    return ToTypedArray<Napi::Float64Array>(info.Env(), LogLikelihoods(args.matrix, args.blank_id, sequences));
  });
}

// Argument 5: the candidate phones (Int32Array).
engine::TargetSequence ReadCandidates(const Napi::CallbackInfo& info, const char* fn) {
  const Napi::Int32Array candidates =
      RequireTypedArray<int32_t>(info.Env(), info[5], std::string(fn) + ": candidates must be an Int32Array");
  return {candidates.Data(), candidates.ElementLength()};
}

Napi::Object ToJs(Napi::Env env, const engine::CtcEditAlternatives& alt) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("logLikelihood", Napi::Number::New(env, alt.log_likelihood));
  result.Set("deletion", ToTypedArray<Napi::Float64Array>(env, alt.deletion));
  result.Set("substitution", ToTypedArray<Napi::Float64Array>(env, alt.substitution));
  result.Set("numCandidates", Napi::Number::New(env, static_cast<double>(alt.num_candidates)));
  return result;
}

Napi::Value CtcAlternatives(const Napi::CallbackInfo& info) {
  OwnedLogProbs input(ReadLogProbArgs(info, "ctcAlternatives"));
  const engine::TargetSequence target_view = ReadTargets(info, "ctcAlternatives");
  const engine::TargetSequence candidate_view = ReadCandidates(info, "ctcAlternatives");
  std::vector<int32_t> targets = Copy(target_view.data, target_view.size);
  std::vector<int32_t> candidates = Copy(candidate_view.data, candidate_view.size);
  return RunAsync(
      info.Env(),
      [input = std::move(input), targets = std::move(targets), candidates = std::move(candidates)] {
        return engine::CtcAlternatives(input.View(), input.blank_id, {targets.data(), targets.size()},
                                       {candidates.data(), candidates.size()});
      },
      [](Napi::Env env, const engine::CtcEditAlternatives& alt) { return ToJs(env, alt); });
}

Napi::Value CtcAlternativesSync(const Napi::CallbackInfo& info) {
  const LogProbArgs args = ReadLogProbArgs(info, "ctcAlternativesSync");
  const engine::TargetSequence targets = ReadTargets(info, "ctcAlternativesSync");
  const engine::TargetSequence candidates = ReadCandidates(info, "ctcAlternativesSync");
  return TranslateErrors(info.Env(), [&] {
    return ToJs(info.Env(), engine::CtcAlternatives(args.matrix, args.blank_id, targets, candidates));
  });
}

}  // namespace

void InitCtc(Napi::Env env, Napi::Object exports) {
  exports.Set("ctcLogLikelihoods", Napi::Function::New(env, CtcLogLikelihoods, "ctcLogLikelihoods"));
  exports.Set("ctcLogLikelihoodsSync", Napi::Function::New(env, CtcLogLikelihoodsSync, "ctcLogLikelihoodsSync"));
  exports.Set("ctcAlternatives", Napi::Function::New(env, CtcAlternatives, "ctcAlternatives"));
  exports.Set("ctcAlternativesSync", Napi::Function::New(env, CtcAlternativesSync, "ctcAlternativesSync"));
  exports.Set("ctcGreedyDecode", Napi::Function::New(env, CtcGreedyDecode, "ctcGreedyDecode"));
  exports.Set("ctcForcedAlign", Napi::Function::New(env, CtcForcedAlign, "ctcForcedAlign"));
  exports.Set("ctcForcedAlignSync", Napi::Function::New(env, CtcForcedAlignSync, "ctcForcedAlignSync"));
}

}  // namespace binding
