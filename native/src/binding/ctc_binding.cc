// JS bindings of the CTC stage: greedy decoding, forced alignment, total (forward)
// log-likelihoods and the target's edit alternatives, as module functions over a Float32Array
// (copied once per call) and as the operations the LogProbs handle's methods share (ctc_ops.h).
#include <napi.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "binding/args.h"
#include "binding/async_task.h"
#include "binding/ctc_ops.h"
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

// The matrix of the arguments, copied once for work off the JS thread.
SharedLogProbs CopyLogProbs(const LogProbArgs& read) {
  const engine::LogProbMatrix& m = read.matrix;
  return std::make_shared<const engine::LogProbBuffer>(
      engine::LogProbBuffer{std::vector<float>(m.data, m.data + m.size), m.num_frames, m.vocab_size});
}

engine::TargetSequence ReadSequence(const Arg& arg) {
  const Napi::Int32Array sequence = arg.TypedArray<int32_t>();
  return {sequence.Data(), sequence.ElementLength()};
}

engine::TargetSequence ReadTargets(const Args& args) { return ReadSequence(args(4, "targets")); }

engine::TargetSequence View(const std::vector<int32_t>& labels) { return {labels.data(), labels.size()}; }

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

std::vector<double> LogLikelihoods(const engine::LogProbMatrix& log_probs, int64_t blank_id,
                                   const std::vector<std::vector<int32_t>>& sequences) {
  std::vector<double> out;
  out.reserve(sequences.size());
  for (const auto& labels : sequences) out.push_back(engine::CtcLogLikelihood(log_probs, blank_id, View(labels)));
  return out;
}

Napi::Object ToJs(Napi::Env env, const engine::CtcEditAlternatives& alternatives) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("logLikelihood", Napi::Number::New(env, alternatives.log_likelihood));
  result.Set("deletion", ToTypedArray<Napi::Float64Array>(env, alternatives.deletion));
  result.Set("substitution", ToTypedArray<Napi::Float64Array>(env, alternatives.substitution));
  result.Set("numCandidates", Napi::Number::New(env, static_cast<double>(alternatives.num_candidates)));
  return result;
}

// ---------- module functions: (logProbs, numFrames, vocabSize, blankId, ...) ----------

Napi::Value CtcGreedyDecode(const Napi::CallbackInfo& info) {
  const LogProbArgs read = ReadLogProbArgs(Args(info, "ctcGreedyDecode"));
  return GreedyDecodeAsync(info.Env(), CopyLogProbs(read), read.blank_id);
}

Napi::Value CtcForcedAlign(const Napi::CallbackInfo& info) {
  const Args args(info, "ctcForcedAlign");
  const LogProbArgs read = ReadLogProbArgs(args);
  return ForcedAlignAsync(info.Env(), CopyLogProbs(read), read.blank_id, args(4, "targets").Copy<int32_t>());
}

Napi::Value CtcForcedAlignSync(const Napi::CallbackInfo& info) {
  const Args args(info, "ctcForcedAlignSync");
  const LogProbArgs read = ReadLogProbArgs(args);
  const engine::TargetSequence targets = ReadTargets(args);
  // Synchronous: the JS arrays outlive the call, so the core reads them in place.
  return TranslateErrors(info.Env(), [&] { return ToJs(info.Env(), AlignAndScore(read.matrix, read.blank_id, targets)); });
}

Napi::Value CtcLogLikelihoods(const Napi::CallbackInfo& info) {
  const Args args(info, "ctcLogLikelihoods");
  const LogProbArgs read = ReadLogProbArgs(args);
  return LogLikelihoodsAsync(info.Env(), CopyLogProbs(read), read.blank_id, ReadSequences(args(4, "sequences")));
}

Napi::Value CtcLogLikelihoodsSync(const Napi::CallbackInfo& info) {
  const Args args(info, "ctcLogLikelihoodsSync");
  const LogProbArgs read = ReadLogProbArgs(args);
  const std::vector<std::vector<int32_t>> sequences = ReadSequences(args(4, "sequences"));
  return TranslateErrors(info.Env(), [&] {
    return ToTypedArray<Napi::Float64Array>(info.Env(), LogLikelihoods(read.matrix, read.blank_id, sequences));
  });
}

Napi::Value CtcAlternatives(const Napi::CallbackInfo& info) {
  const Args args(info, "ctcAlternatives");
  const LogProbArgs read = ReadLogProbArgs(args);
  return AlternativesAsync(info.Env(), CopyLogProbs(read), read.blank_id, args(4, "targets").Copy<int32_t>(),
                           args(5, "candidates").Copy<int32_t>());
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

// ---------- the operations (ctc_ops.h) ----------

int64_t ReadBlankId(const Arg& arg, const engine::LogProbBuffer& log_probs) {
  return arg.Integer(0, static_cast<int64_t>(log_probs.vocab_size) - 1);
}

std::vector<std::vector<int32_t>> ReadSequences(const Arg& arg) {
  const uint32_t count = arg.Array().Length();
  std::vector<std::vector<int32_t>> sequences;
  sequences.reserve(count);
  for (uint32_t i = 0; i < count; ++i) sequences.push_back(arg.Item(i).Copy<int32_t>());
  return sequences;
}

Napi::Promise GreedyDecodeAsync(Napi::Env env, SharedLogProbs log_probs, int64_t blank_id) {
  return RunAsync(
      env, [log_probs = std::move(log_probs), blank_id] { return engine::CtcGreedyDecode(log_probs->View(), blank_id); },
      [](Napi::Env env, const engine::GreedySegments& segments) { return ToJs(env, segments); });
}

Napi::Promise ForcedAlignAsync(Napi::Env env, SharedLogProbs log_probs, int64_t blank_id, std::vector<int32_t> targets) {
  return RunAsync(
      env,
      [log_probs = std::move(log_probs), blank_id, targets = std::move(targets)] {
        return AlignAndScore(log_probs->View(), blank_id, View(targets));
      },
      [](Napi::Env env, const ScoredAlignment& scored) { return ToJs(env, scored); });
}

Napi::Promise LogLikelihoodsAsync(Napi::Env env, SharedLogProbs log_probs, int64_t blank_id,
                                  std::vector<std::vector<int32_t>> sequences) {
  return RunAsync(
      env,
      [log_probs = std::move(log_probs), blank_id, sequences = std::move(sequences)] {
        return LogLikelihoods(log_probs->View(), blank_id, sequences);
      },
      [](Napi::Env env, const std::vector<double>& values) { return ToTypedArray<Napi::Float64Array>(env, values); });
}

Napi::Promise AlternativesAsync(Napi::Env env, SharedLogProbs log_probs, int64_t blank_id, std::vector<int32_t> targets,
                                std::vector<int32_t> candidates) {
  return RunAsync(
      env,
      [log_probs = std::move(log_probs), blank_id, targets = std::move(targets), candidates = std::move(candidates)] {
        return engine::CtcAlternatives(log_probs->View(), blank_id, View(targets), View(candidates));
      },
      [](Napi::Env env, const engine::CtcEditAlternatives& alternatives) { return ToJs(env, alternatives); });
}

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
