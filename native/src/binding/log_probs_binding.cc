// The LogProbs class (log_probs.h) and logProbsFromArray, which makes one from a JS matrix.
#include <napi.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "binding/args.h"
#include "binding/ctc_ops.h"
#include "binding/js_error.h"
#include "binding/log_probs.h"
#include "binding/stages.h"

namespace binding {
namespace {

constexpr int64_t kMaxInt32 = 2147483647;

// Marks the External that carries the matrix into the constructor, so that no other External
// (from JavaScript holding the constructor) can be mistaken for one.
constexpr napi_type_tag kLogProbsTag = {0x3b7e91c4d2a85f60ULL, 0x9c14e6b3a07d28f5ULL};

// The class's constructor, per env (main thread and each worker thread alike).
struct LogProbsClass {
  Napi::FunctionReference constructor;
};

class LogProbs : public Napi::ObjectWrap<LogProbs> {
 public:
  static Napi::Function DefineJsClass(Napi::Env env) {
    return DefineClass(env, "LogProbs",
                       {InstanceAccessor<&LogProbs::NumFrames>("numFrames"),
                        InstanceAccessor<&LogProbs::VocabSize>("vocabSize"),
                        InstanceMethod<&LogProbs::ToFloat32Array>("toFloat32Array"),
                        InstanceMethod<&LogProbs::Release>("release"),
                        InstanceMethod<&LogProbs::GreedyDecode>("greedyDecode"),
                        InstanceMethod<&LogProbs::ForcedAlign>("forcedAlign"),
                        InstanceMethod<&LogProbs::LogLikelihoods>("logLikelihoods"),
                        InstanceMethod<&LogProbs::Alternatives>("alternatives")});
  }

  explicit LogProbs(const Napi::CallbackInfo& info) : Napi::ObjectWrap<LogProbs>(info), env_(info.Env()) {
    if (info.Length() != 1 || !info[0].IsExternal() ||
        !info[0].As<Napi::External<SharedLogProbs>>().CheckTypeTag(&kLogProbsTag)) {
      ThrowJsError(info.Env(), "INVALID_INPUT", "LogProbs objects are made by a model's infer() or logProbsFromArray()");
    }
    log_probs_ = *info[0].As<Napi::External<SharedLogProbs>>().Data();
    num_frames_ = log_probs_->num_frames;
    vocab_size_ = log_probs_->vocab_size;
    // The garbage collector sees only a small object; tell it how much memory that holds.
    external_bytes_ = static_cast<int64_t>(log_probs_->values.size() * sizeof(float));
    Napi::MemoryManagement::AdjustExternalMemory(env_, external_bytes_);
  }

  ~LogProbs() override { Drop(); }

 private:
  Napi::Value NumFrames(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(num_frames_)); }
  Napi::Value VocabSize(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(vocab_size_)); }

  Napi::Value ToFloat32Array(const Napi::CallbackInfo& info) {
    const engine::LogProbBuffer& matrix = Held(info, "toFloat32Array");
    return ToTypedArray<Napi::Float32Array>(info.Env(), matrix.values);
  }

  Napi::Value Release(const Napi::CallbackInfo& info) {
    Drop();
    return info.Env().Undefined();
  }

  Napi::Value GreedyDecode(const Napi::CallbackInfo& info) {
    const Args args(info, "LogProbs.greedyDecode");
    const engine::LogProbBuffer& matrix = Held(info, "greedyDecode");
    return GreedyDecodeAsync(info.Env(), log_probs_, ReadBlankId(args(0, "blankId"), matrix));
  }

  Napi::Value ForcedAlign(const Napi::CallbackInfo& info) {
    const Args args(info, "LogProbs.forcedAlign");
    const engine::LogProbBuffer& matrix = Held(info, "forcedAlign");
    return ForcedAlignAsync(info.Env(), log_probs_, ReadBlankId(args(0, "blankId"), matrix), args(1, "targets").Copy<int32_t>());
  }

  Napi::Value LogLikelihoods(const Napi::CallbackInfo& info) {
    const Args args(info, "LogProbs.logLikelihoods");
    const engine::LogProbBuffer& matrix = Held(info, "logLikelihoods");
    return LogLikelihoodsAsync(info.Env(), log_probs_, ReadBlankId(args(0, "blankId"), matrix), ReadSequences(args(1, "sequences")));
  }

  Napi::Value Alternatives(const Napi::CallbackInfo& info) {
    const Args args(info, "LogProbs.alternatives");
    const engine::LogProbBuffer& matrix = Held(info, "alternatives");
    return AlternativesAsync(info.Env(), log_probs_, ReadBlankId(args(0, "blankId"), matrix), args(1, "targets").Copy<int32_t>(),
                             args(2, "candidates").Copy<int32_t>());
  }

  // The matrix, or INVALID_INPUT once released.
  const engine::LogProbBuffer& Held(const Napi::CallbackInfo& info, const char* method) const {
    if (!log_probs_) {
      ThrowJsError(info.Env(), "INVALID_INPUT", std::string("LogProbs.") + method + ": the log-probabilities were released");
    }
    return *log_probs_;
  }

  // Lets go of this handle's share of the matrix (tasks still running keep theirs).
  void Drop() {
    if (!log_probs_) return;
    log_probs_.reset();
    Napi::MemoryManagement::AdjustExternalMemory(env_, -external_bytes_);
  }

  Napi::Env env_;
  SharedLogProbs log_probs_;
  size_t num_frames_ = 0;
  size_t vocab_size_ = 0;
  int64_t external_bytes_ = 0;
};

// logProbsFromArray(logProbs, numFrames, vocabSize): a handle on a copy of a JS matrix.
Napi::Value LogProbsFromArray(const Napi::CallbackInfo& info) {
  const Args args(info, "logProbsFromArray");
  const Arg data_arg = args(0, "logProbs");
  const Napi::Float32Array data = data_arg.TypedArray<float>();
  const auto num_frames = static_cast<size_t>(args(1, "numFrames").Integer(0, kMaxInt32));
  const auto vocab_size = static_cast<size_t>(args(2, "vocabSize").Integer(1, kMaxInt32));
  if (data.ElementLength() != num_frames * vocab_size) {
    data_arg.Invalid("numFrames * vocabSize = " + std::to_string(num_frames) + " * " + std::to_string(vocab_size) +
                     " values long, not " + std::to_string(data.ElementLength()));
  }
  return NewLogProbs(info.Env(), std::make_shared<const engine::LogProbBuffer>(engine::LogProbBuffer{
                                     std::vector<float>(data.Data(), data.Data() + data.ElementLength()), num_frames, vocab_size}));
}

}  // namespace

Napi::Object NewLogProbs(Napi::Env env, SharedLogProbs log_probs) {
  Napi::External<SharedLogProbs> handle = Napi::External<SharedLogProbs>::New(env, &log_probs);
  handle.TypeTag(&kLogProbsTag);
  return env.GetInstanceData<LogProbsClass>()->constructor.New({handle});  // the constructor copies it synchronously
}

void InitLogProbs(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new LogProbsClass{Napi::Persistent(LogProbs::DefineJsClass(env))});
  Export(env, exports, {{"logProbsFromArray", LogProbsFromArray}});
}

}  // namespace binding
