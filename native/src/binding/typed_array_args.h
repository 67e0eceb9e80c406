// Typed-array arguments of the bindings: the check that a JS value is a typed array of one
// element type (INVALID_INPUT with the caller's message otherwise), and a copy of its contents
// for work that runs off the JS thread.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "binding/js_error.h"

namespace binding {

template <typename T>
struct TypedArrayElement;
template <>
struct TypedArrayElement<float> {
  static constexpr napi_typedarray_type kType = napi_float32_array;
};
template <>
struct TypedArrayElement<int32_t> {
  static constexpr napi_typedarray_type kType = napi_int32_array;
};
template <>
struct TypedArrayElement<uint8_t> {
  static constexpr napi_typedarray_type kType = napi_uint8_array;
};

template <typename T>
Napi::TypedArrayOf<T> RequireTypedArray(Napi::Env env, const Napi::Value& value, const std::string& message) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != TypedArrayElement<T>::kType) {
    ThrowJsError(env, "INVALID_INPUT", message);
  }
  return value.As<Napi::TypedArrayOf<T>>();
}

template <typename T>
std::vector<T> CopyOf(const Napi::TypedArrayOf<T>& array) {
  return std::vector<T>(array.Data(), array.Data() + array.ElementLength());
}

}  // namespace binding
