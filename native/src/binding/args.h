// The one way the bindings read JavaScript values and hand typed arrays back.
//
// An Arg is a JS value with the name the error messages give it: "<function>: <path>". Every
// check throws a JS Error with code INVALID_INPUT and the message "<name> must be <what>":
//
//   const Args args(info, "ctcForcedAlign");
//   const int64_t frames = args(1, "numFrames").Integer(0, kMaxInt32);
//       // "ctcForcedAlign: numFrames must be an integer in [0, 2147483647]"
//   const Arg config = Args(info, "loadModel")(0, "config");
//   const std::string path = config["onnxPath"].String();
//       // "loadModel: config.onnxPath must be a string"
//
// Reads happen on the JS thread; work that runs off it gets copies (Copy), never views.
#pragma once

#include <napi.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "binding/js_error.h"

namespace binding {

template <typename T>
struct TypedArrayKind;
template <>
struct TypedArrayKind<float> {
  static constexpr napi_typedarray_type kType = napi_float32_array;
  static constexpr const char* kName = "a Float32Array";
};
template <>
struct TypedArrayKind<int32_t> {
  static constexpr napi_typedarray_type kType = napi_int32_array;
  static constexpr const char* kName = "an Int32Array";
};
template <>
struct TypedArrayKind<uint8_t> {
  static constexpr napi_typedarray_type kType = napi_uint8_array;
  static constexpr const char* kName = "a Uint8Array (or Buffer)";
};

class Arg {
 public:
  Arg(Napi::Env env, Napi::Value value, std::string name) : env_(env), value_(value), name_(std::move(name)) {}

  Napi::Env Env() const { return env_; }
  Napi::Value Value() const { return value_; }
  bool IsUndefined() const { return value_.IsUndefined(); }

  // Throws INVALID_INPUT: "<name> must be <what>".
  [[noreturn]] void Invalid(const std::string& what) const { ThrowJsError(env_, "INVALID_INPUT", name_ + " must be " + what); }

  // A field of this object ("<name>.<key>"); this must be an object.
  Arg operator[](const char* key) const { return Arg(env_, Object().Get(key), name_ + "." + key); }
  // An element of this array ("<name>[<index>]"); this must be an array.
  Arg Item(uint32_t index) const { return Arg(env_, Array().Get(index), name_ + "[" + std::to_string(index) + "]"); }

  Napi::Object Object() const;
  Napi::Array Array() const;
  std::string String() const;
  double Number() const;
  int64_t Integer(int64_t min, int64_t max) const;
  bool Boolean() const;
  std::vector<double> Numbers() const;

  // One of the named choices: "<name> must be one of 'a', 'b'".
  template <typename Enum>
  Enum Choice(std::initializer_list<std::pair<const char*, Enum>> choices) const {
    if (value_.IsString()) {
      const std::string text = value_.As<Napi::String>().Utf8Value();
      for (const auto& [choice_name, choice] : choices) {
        if (text == choice_name) return choice;
      }
    }
    std::string names;
    for (const auto& choice : choices) names += (names.empty() ? "'" : ", '") + std::string(choice.first) + "'";
    Invalid("one of " + names);
  }

  template <typename T>
  Napi::TypedArrayOf<T> TypedArray() const {
    if (!value_.IsTypedArray() || value_.As<Napi::TypedArray>().TypedArrayType() != TypedArrayKind<T>::kType) {
      Invalid(TypedArrayKind<T>::kName);
    }
    return value_.As<Napi::TypedArrayOf<T>>();
  }

  // A copy of the typed array's contents, for work off the JS thread.
  template <typename T>
  std::vector<T> Copy() const {
    const Napi::TypedArrayOf<T> array = TypedArray<T>();
    return std::vector<T>(array.Data(), array.Data() + array.ElementLength());
  }

 private:
  Napi::Env env_;
  Napi::Value value_;
  std::string name_;
};

// The arguments of one binding call, named after the function.
class Args {
 public:
  Args(const Napi::CallbackInfo& info, std::string function) : info_(info), function_(std::move(function)) {}

  Arg operator()(size_t index, const std::string& name) const {
    return Arg(info_.Env(), info_[index], function_ + ": " + name);
  }

 private:
  const Napi::CallbackInfo& info_;
  std::string function_;
};

// A binding function, as the addon exports it.
using BindingFunction = Napi::Value (*)(const Napi::CallbackInfo& info);

// Sets exports[name] to each function.
inline void Export(Napi::Env env, Napi::Object exports, std::initializer_list<std::pair<const char*, BindingFunction>> functions) {
  for (const auto& [name, function] : functions) exports.Set(name, Napi::Function::New(env, function, name));
}

// A new typed array holding a copy of `values`.
template <typename TypedArray, typename T>
TypedArray ToTypedArray(Napi::Env env, const std::vector<T>& values) {
  TypedArray array = TypedArray::New(env, values.size());
  if (!values.empty()) std::memcpy(array.Data(), values.data(), values.size() * sizeof(T));
  return array;
}

}  // namespace binding
