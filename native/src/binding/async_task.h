// Runs a computation on the libuv thread pool and settles a Promise with its result.
//
//   return RunAsync(env, [input = std::move(copy)] { return Compute(input); },
//                   [](Napi::Env env, Result& r) { return ToJs(env, r); });
//
// `work` runs off the JS thread and must not touch Napi values: copy what it needs
// into the lambda first. engine::Error rejects with {code, message}; any other
// exception rejects with code INTERNAL. The JS thread never blocks.
#pragma once

#include <napi.h>

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "binding/js_error.h"
#include "common/error.h"

namespace binding {

template <typename Work, typename ToJs>
class AsyncTask : public Napi::AsyncWorker {
 public:
  using Result = decltype(std::declval<Work&>()());

  AsyncTask(Napi::Env env, Work work, ToJs to_js)
      : Napi::AsyncWorker(env, "pronunciation-engine"),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        to_js_(std::move(to_js)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      result_.emplace(work_());
    } catch (const engine::Error& e) {
      code_ = engine::ErrorCodeName(e.code());
      message_ = e.what();
    } catch (const std::exception& e) {
      code_ = "INTERNAL";
      message_ = e.what();
    }
  }

  void OnOK() override {
    // While a worker thread or the process shuts down, N-API calls fail and the promise
    // can no longer be settled; swallow that rather than terminate the process.
    try {
      Settle(Env());
    } catch (const Napi::Error&) {
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  void Settle(Napi::Env env) {
    if (!result_) {
      deferred_.Reject(MakeJsError(env, code_, message_));
      return;
    }
    try {
      deferred_.Resolve(to_js_(env, *result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (const std::exception& e) {
      deferred_.Reject(MakeJsError(env, "INTERNAL", e.what()));
    }
  }

  Napi::Promise::Deferred deferred_;
  Work work_;
  ToJs to_js_;
  std::optional<Result> result_;
  std::string code_;
  std::string message_;
};

template <typename Work, typename ToJs>
Napi::Promise RunAsync(Napi::Env env, Work work, ToJs to_js) {
  auto* task = new AsyncTask<Work, ToJs>(env, std::move(work), std::move(to_js));
  Napi::Promise promise = task->Promise();
  task->Queue();  // libuv owns the task from here and deletes it when it settles.
  return promise;
}

}  // namespace binding
