// Builds one run's input tensors from the bindings and a batch of items (features and audio
// length each). One item gives the shapes the graph sees unbatched ([1, T, F], [1], ...);
// several are zero-padded to the longest, with per-item lengths and a padding mask.
#pragma once

#include <onnxruntime_c_api.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "features/frontend.h"
#include "model/model_config.h"
#include "model/ort_handles.h"

namespace engine {

// Host memory for one input; ORT tensors point into it, so it must outlive them.
struct HostTensor {
  std::vector<int64_t> shape;
  std::variant<std::vector<float>, std::vector<int64_t>, std::vector<int32_t>> values;
};

// What the graph declares for a bound input.
struct DeclaredShape {
  size_t rank = 0;             // 0: unknown
  bool dynamic_batch = false;  // the first dimension is symbolic
};

// One item of a run.
struct ItemFeatures {
  Features features;
  int64_t num_samples = 0;
};

// Per-call values for a `constant` input, replacing the binding's data and shape for one run
// (e.g. POWSM-CTC's prefix and text prompt). Integers; converted to the binding's dtype.
struct InputOverride {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<int64_t> data;
};

// INVALID_INPUT unless every override names a distinct `constant` binding of an integer dtype,
// has a shape of positive dimensions whose product is its data's length, the rank the graph
// declares (when it declares one), and values its dtype holds.
void CheckOverrides(const std::vector<InputBinding>& bindings, const std::vector<DeclaredShape>& declared,
                    const std::vector<InputOverride>& overrides);

// One HostTensor per binding, in binding order. A features input has the declared rank (2 or
// 3, or 0 for "decide from the features"). With several items, a constant whose graph input
// has a symbolic first dimension and whose own first dimension is 1 is repeated per item.
// Consumes the items' features. INTERNAL when the items' feature dimensions differ.
// `overrides` (checked with CheckOverrides) replace their constants' values.
std::vector<HostTensor> BuildHostTensors(const std::vector<InputBinding>& bindings,
                                         const std::vector<DeclaredShape>& declared, std::vector<ItemFeatures>&& items,
                                         const std::vector<InputOverride>& overrides = {});

// ORT views of `tensors` (no copy). INTERNAL on failure.
std::vector<ort::Ptr<OrtValue>> WrapAsOrtValues(std::vector<HostTensor>& tensors, const OrtMemoryInfo& memory);

// Constant data converted to its dtype. INVALID_INPUT when an integer dtype gets a
// non-integer or out-of-range value.
HostTensor ConstantTensor(const InputBinding& binding);

}  // namespace engine
