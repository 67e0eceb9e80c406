// JS bindings of the CTC stage: greedy decoding, forced alignment and total (forward) log-likelihoods.
#include <napi.h>

#include <string>
#include <utility>
#include <vector>

#include "binding/args.h"
#include "binding/async_task.h"
#include "binding/js_error.h"
#include "binding/stages.h"
#include "ctc/alternatives.h"
#include "ctc/forced_align.h"
#include "ctc/forward.h"
#include "ctc/goodness.h"
#include "ctc/greedy_decode.h"

namespace binding {
namespace {

constexpr int64_t kMaxInt32 = 2147483647;

// The arguments (logProbs, numFrames, vocabSize, blankId), checked; the matrix views JS memory.
struct LogProbArgs {
  engine::LogProbMatrix matrix;
  int64_t blank_id;
};

LogProbArgs ReadLogProbArgs(const Args& args) {
  const Arg log_probs = args(0, "logProbs");
  const Napi::Float32Array data = log_probs.TypedArray<float>();
  LogProbArgs read;
  read.matrix.num_frames = static_cast<size_t>(args(1, "numFrames").Integer(0, kMaxInt32));
  read.matrix.vocab_size = static_cast<size_t>(args(2, "vocabSize").Integer(1, kMaxInt32));
  read.blank_id = args(3, "blankId").Integer(0, static_cast<int64_t>(read.matrix.vocab_size) - 1);
  read.matrix.data = data.Data();
  read.matrix.size = data.ElementLength();
  if (read.matrix.size != read.matrix.num_frames * read.matrix.vocab_size) {
    log_probs.Invalid("numFrames * vocabSize = " + std::to_string(read.matrix.num_frames) + " * " +
                      std::to_string(read.matrix.vocab_size) + " values long, not " + std::to_string(read.matrix.size));
  }
  return read;
}

engine::TargetSequence ReadSequence(const Arg& arg) {
  const Napi::Int32Array sequence = arg.TypedArray<int32_t>();
  return {sequence.Data(), sequence.ElementLength()};
}

engine::TargetSequence ReadTargets(const Args& args) { return ReadSequence(args(4, "targets")); }

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
      : values(args.matrix.data, args.matrix.data + args.matrix.size),
        num_frames(args.matrix.num_frames),
        vocab_size(args.matrix.vocab_size),
        blank_id(args.blank_id) {}

  engine::LogProbMatrix View() const { return {values.data(), values.size(), num_frames, vocab_size}; }
};

Napi::Value CtcGreedyDecode(const Napi::CallbackInfo& info) {
  OwnedLogProbs input(ReadLogProbArgs(Args(info, "ctcGreedyDecode")));
  return RunAsync(
      info.Env(), [input = std::move(input)] { return engine::CtcGreedyDecode(input.View(), input.blank_id); },
      [](Napi::Env env, const engine::GreedySegments& segments) { return ToJs(env, segments); });
}

Napi::Value CtcForcedAlign(const Napi::CallbackInfo& info) {
  const Args args(info, "ctcForcedAlign");
  OwnedLogProbs input(ReadLogProbArgs(args));
  const engine::TargetSequence target_view = ReadTargets(args);
  std::vector<int32_t> targets(target_view.data, target_view.data + target_view.size);
  return RunAsync(
      info.Env(),
      [input = std::move(input), targets = std::move(targets)] {
        return AlignAndScore(input.View(), input.blank_id, {targets.data(), targets.size()});
      },
      [](Napi::Env env, const ScoredAlignment& scored) { return ToJs(env, scored); });
}

Napi::Value CtcForcedAlignSync(const Napi::CallbackInfo& info) {
  const Args args(info, "ctcForcedAlignSync");
  const LogProbArgs read = ReadLogProbArgs(args);
  const engine::TargetSequence targets = ReadTargets(args);
  // Synchronous: the JS arrays outlive the call, so the core reads them in place.
  return TranslateErrors(info.Env(), [&] { return ToJs(info.Env(), AlignAndScore(read.matrix, read.blank_id, targets)); });
}

// Argument 4: an array of Int32Array label sequences, copied.
std::vector<std::vector<int32_t>> ReadSequences(const Args& args) {
  const Arg sequences_arg = args(4, "sequences");
  const uint32_t count = sequences_arg.Array().Length();
  std::vector<std::vector<int32_t>> sequences;
  sequences.reserve(count);
  for (uint32_t i = 0; i < count; ++i) sequences.push_back(sequences_arg.Item(i).Copy<int32_t>());
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
  const Args args(info, "ctcLogLikelihoods");
  OwnedLogProbs input(ReadLogProbArgs(args));
  std::vector<std::vector<int32_t>> sequences = ReadSequences(args);
  return RunAsync(
      info.Env(),
      [input = std::move(input), sequences = std::move(sequences)] { return LogLikelihoods(input.View(), input.blank_id, sequences); },
      [](Napi::Env env, const std::vector<double>& values) { return ToTypedArray<Napi::Float64Array>(env, values); });
}

Napi::Value CtcLogLikelihoodsSync(const Napi::CallbackInfo& info) {
  const Args args(info, "ctcLogLikelihoodsSync");
  const LogProbArgs read = ReadLogProbArgs(args);
  const std::vector<std::vector<int32_t>> sequences = ReadSequences(args);
  return TranslateErrors(info.Env(), [&] {
    return ToTypedArray<Napi::Float64Array>(info.Env(), LogLikelihoods(read.matrix, read.blank_id, sequences));
  });
}

Napi::Object ToJs(Napi::Env env, const engine::CtcEditAlternatives& alternatives) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("logLikelihood", Napi::Number::New(env, alternatives.log_likelihood));
  result.Set("deletion", ToTypedArray<Napi::Float64Array>(env, alternatives.deletion));
  result.Set("substitution", ToTypedArray<Napi::Float64Array>(env, alternatives.substitution));
  result.Set("numCandidates", Napi::Number::New(env, static_cast<double>(alternatives.num_candidates)));
  return result;
}

Napi::Value CtcAlternatives(const Napi::CallbackInfo& info) {
  const Args args(info, "ctcAlternatives");
  OwnedLogProbs input(ReadLogProbArgs(args));
  std::vector<int32_t> targets = args(4, "targets").Copy<int32_t>();
  std::vector<int32_t> candidates = args(5, "candidates").Copy<int32_t>();
  return RunAsync(
      info.Env(),
      [input = std::move(input), targets = std::move(targets), candidates = std::move(candidates)] {
        return engine::CtcAlternatives(input.View(), input.blank_id, {targets.data(), targets.size()},
                                       {candidates.data(), candidates.size()});
      },
      [](Napi::Env env, const engine::CtcEditAlternatives& alternatives) { return ToJs(env, alternatives); });
}

Napi::Value CtcAlternativesSync(const Napi::CallbackInfo& info) {
  const Args args(info, "ctcAlternativesSync");
  const LogProbArgs read = ReadLogProbArgs(args);
  const engine::TargetSequence targets = ReadTargets(args);
  const engine::TargetSequence candidates = ReadSequence(args(5, "candidates"));
  return TranslateErrors(info.Env(), [&] {
    return ToJs(info.Env(), engine::CtcAlternatives(read.matrix, read.blank_id, targets, candidates));
  });
}

}  // namespace

void InitCtc(Napi::Env env, Napi::Object exports) {
  Export(env, exports, {{"ctcLogLikelihoods", CtcLogLikelihoods},
                        {"ctcLogLikelihoodsSync", CtcLogLikelihoodsSync},
                        {"ctcAlternatives", CtcAlternatives},
                        {"ctcAlternativesSync", CtcAlternativesSync},
                        {"ctcGreedyDecode", CtcGreedyDecode},
                        {"ctcForcedAlign", CtcForcedAlign},
                        {"ctcForcedAlignSync", CtcForcedAlignSync}});
}

}  // namespace binding
