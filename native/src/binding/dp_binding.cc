// JS bindings of the edit-distance stage.
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
#include "dp/edit_distance.h"

namespace binding {
namespace {

[[noreturn]] void Invalid(Napi::Env env, const char* fn, const std::string& message) {
  ThrowJsError(env, "INVALID_INPUT", std::string(fn) + ": " + message);
}

engine::SymbolSequence SequenceArg(const Napi::CallbackInfo& info, size_t index, const char* fn, const char* name) {
  const Napi::Int32Array array =
      RequireTypedArray<int32_t>(info.Env(), info[index], std::string(fn) + ": " + name + " must be an Int32Array");
  return {array.Data(), array.ElementLength()};
}

double NumberProperty(Napi::Env env, const Napi::Object& object, const char* key, const char* fn) {
  const Napi::Value value = object.Get(key);
  if (!value.IsNumber()) Invalid(env, fn, std::string("costs.") + key + " must be a number");
  return value.As<Napi::Number>().DoubleValue();
}

// Reads the costs object; the substitution view points into JS memory. Value checks
// (ranges, finiteness, matrix size) are the core's.
engine::EditCosts CostsArg(const Napi::CallbackInfo& info, const char* fn) {
  const Napi::Env env = info.Env();
  if (!info[2].IsObject()) Invalid(env, fn, "costs must be an object");
  const Napi::Object object = info[2].As<Napi::Object>();
  engine::EditCosts costs;
  const double num_symbols = NumberProperty(env, object, "numSymbols", fn);
  if (!(num_symbols >= 1 && num_symbols <= engine::kMaxEditSymbols) || std::trunc(num_symbols) != num_symbols) {
    Invalid(env, fn, "costs.numSymbols must be an integer in [1, " + std::to_string(engine::kMaxEditSymbols) + "]");
  }
  costs.num_symbols = static_cast<int32_t>(num_symbols);
  costs.insertion = NumberProperty(env, object, "insertion", fn);
  costs.deletion = NumberProperty(env, object, "deletion", fn);
  const Napi::Value substitution = object.Get("substitution");
  if (!substitution.IsUndefined() && !substitution.IsNull()) {
    const Napi::Float32Array matrix = RequireTypedArray<float>(
        env, substitution, std::string(fn) + ": costs.substitution must be a Float32Array when present");
    // An empty array may have no data pointer, which the core would read as "no matrix".
    if (matrix.ElementLength() == 0) Invalid(env, fn, "costs.substitution must have numSymbols^2 entries");
    costs.substitution = matrix.Data();
    costs.substitution_size = matrix.ElementLength();
  }
  return costs;
}

template <typename TypedArray, typename T>
TypedArray ToTypedArray(Napi::Env env, const std::vector<T>& values) {
  TypedArray array = TypedArray::New(env, values.size());
  if (!values.empty()) std::memcpy(array.Data(), values.data(), values.size() * sizeof(T));
  return array;
}

// The three arrays share one ArrayBuffer (one allocation instead of three):
// [targetIndices | actualIndices | types].
Napi::Object ToJs(Napi::Env env, const engine::EditResult& result) {
  const size_t count = result.types.size();
  const size_t index_bytes = count * sizeof(int32_t);
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, 2 * index_bytes + count);
  auto* bytes = static_cast<uint8_t*>(buffer.Data());
  if (count > 0) {
    std::memcpy(bytes, result.target_indices.data(), index_bytes);
    std::memcpy(bytes + index_bytes, result.actual_indices.data(), index_bytes);
    std::memcpy(bytes + 2 * index_bytes, result.types.data(), count);
  }
  Napi::Object object = Napi::Object::New(env);
  object.Set("distance", Napi::Number::New(env, result.distance));
  object.Set("types", Napi::Uint8Array::New(env, count, buffer, 2 * index_bytes));
  object.Set("targetIndices", Napi::Int32Array::New(env, count, buffer, 0));
  object.Set("actualIndices", Napi::Int32Array::New(env, count, buffer, index_bytes));
  return object;
}

// Inputs copied for work off the JS thread.
struct OwnedEditInput {
  std::vector<int32_t> target;
  std::vector<int32_t> actual;
  std::vector<float> substitution;
  engine::EditCosts costs;

  OwnedEditInput(engine::SymbolSequence target_view, engine::SymbolSequence actual_view, const engine::EditCosts& view)
      : target(target_view.data, target_view.data + target_view.size),
        actual(actual_view.data, actual_view.data + actual_view.size),
        costs(view) {
    if (view.substitution != nullptr) {
      substitution.assign(view.substitution, view.substitution + view.substitution_size);
    }
  }

  engine::EditResult Compute() const {
    engine::EditCosts owned = costs;
    if (owned.substitution != nullptr) owned.substitution = substitution.data();
    return engine::ComputeEditDistance({target.data(), target.size()}, {actual.data(), actual.size()}, owned);
  }
};

Napi::Value EditDistance(const Napi::CallbackInfo& info) {
  const char* fn = "editDistance";
  const engine::SymbolSequence target = SequenceArg(info, 0, fn, "target");
  const engine::SymbolSequence actual = SequenceArg(info, 1, fn, "actual");
  OwnedEditInput input(target, actual, CostsArg(info, fn));
  return RunAsync(
      info.Env(), [input = std::move(input)] { return input.Compute(); },
      [](Napi::Env env, const engine::EditResult& result) { return ToJs(env, result); });
}

Napi::Value EditDistanceSync(const Napi::CallbackInfo& info) {
  const char* fn = "editDistanceSync";
  const engine::SymbolSequence target = SequenceArg(info, 0, fn, "target");
  const engine::SymbolSequence actual = SequenceArg(info, 1, fn, "actual");
  const engine::EditCosts costs = CostsArg(info, fn);
  // Synchronous: the JS arrays outlive the call, so the core reads them in place.
  return TranslateErrors(info.Env(), [&] {
    return ToJs(info.Env(), engine::ComputeEditDistance(target, actual, costs));
  });
}

}  // namespace

void InitDp(Napi::Env env, Napi::Object exports) {
  exports.Set("editDistance", Napi::Function::New(env, EditDistance, "editDistance"));
  exports.Set("editDistanceSync", Napi::Function::New(env, EditDistanceSync, "editDistanceSync"));
}

}  // namespace binding
