// JS bindings of the edit-distance stage.
#include <napi.h>

#include <cstring>
#include <utility>
#include <vector>

#include "binding/args.h"
#include "binding/async_task.h"
#include "binding/js_error.h"
#include "binding/stages.h"
#include "dp/edit_distance.h"

namespace binding {
namespace {

engine::SymbolSequence ReadSequence(const Arg& arg) {
  const Napi::Int32Array array = arg.TypedArray<int32_t>();
  return {array.Data(), array.ElementLength()};
}

// Reads the costs object; the substitution view points into JS memory. Value checks
// (ranges, finiteness, matrix size) are the core's.
engine::EditCosts ReadCosts(const Arg& arg) {
  engine::EditCosts costs;
  costs.num_symbols = static_cast<int32_t>(arg["numSymbols"].Integer(1, engine::kMaxEditSymbols));
  costs.insertion = arg["insertion"].Number();
  costs.deletion = arg["deletion"].Number();
  const Arg substitution = arg["substitution"];
  if (!substitution.IsUndefined() && !substitution.Value().IsNull()) {
    const Napi::Float32Array matrix = substitution.TypedArray<float>();
    // An empty array may have no data pointer, which the core would read as "no matrix".
    if (matrix.ElementLength() == 0) substitution.Invalid("numSymbols^2 values long");
    costs.substitution = matrix.Data();
    costs.substitution_size = matrix.ElementLength();
  }
  return costs;
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
  const Args args(info, "editDistance");
  OwnedEditInput input(ReadSequence(args(0, "target")), ReadSequence(args(1, "actual")), ReadCosts(args(2, "costs")));
  return RunAsync(
      info.Env(), [input = std::move(input)] { return input.Compute(); },
      [](Napi::Env env, const engine::EditResult& result) { return ToJs(env, result); });
}

Napi::Value EditDistanceSync(const Napi::CallbackInfo& info) {
  const Args args(info, "editDistanceSync");
  const engine::SymbolSequence target = ReadSequence(args(0, "target"));
  const engine::SymbolSequence actual = ReadSequence(args(1, "actual"));
  const engine::EditCosts costs = ReadCosts(args(2, "costs"));
  // Synchronous: the JS arrays outlive the call, so the core reads them in place.
  return TranslateErrors(info.Env(), [&] {
    return ToJs(info.Env(), engine::ComputeEditDistance(target, actual, costs));
  });
}

}  // namespace

void InitDp(Napi::Env env, Napi::Object exports) {
  Export(env, exports, {{"editDistance", EditDistance},
                        {"editDistanceSync", EditDistanceSync}});
}

}  // namespace binding
