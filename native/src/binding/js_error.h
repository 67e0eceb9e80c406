// Conversions between engine errors and JavaScript Error objects carrying a `code`.
#pragma once

#include <napi.h>

#include <string>

#include "common/error.h"

namespace binding {

Napi::Value MakeJsError(Napi::Env env, const std::string& code, const std::string& message);

// Throws a JS error with `code` (for synchronous argument checks).
[[noreturn]] void ThrowJsError(Napi::Env env, const std::string& code, const std::string& message);

// Calls `fn` and turns engine::Error / std::exception into JS exceptions (for sync bindings).
template <typename Fn>
auto TranslateErrors(Napi::Env env, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const engine::Error& e) {
    ThrowJsError(env, engine::ErrorCodeName(e.code()), e.what());
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    ThrowJsError(env, "INTERNAL", e.what());
  }
}

}  // namespace binding
