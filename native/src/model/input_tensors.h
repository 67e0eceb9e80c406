// Builds one inference's input tensors from the bindings, the features and the audio length.
#pragma once

#include <onnxruntime_c_api.h>

#include <cstdint>
#include <variant>
#include <vector>

#include "model/model.h"
#include "model/ort_handles.h"

namespace engine {

// Host memory for one input; ORT tensors point into it, so it must outlive them.
struct HostTensor {
  std::vector<int64_t> shape;
  std::variant<std::vector<float>, std::vector<int64_t>, std::vector<int32_t>> values;
};

// One HostTensor per binding, in binding order. `features_rank` (2 or 3, or 0 for
// "decide from the features") is the rank the graph declares for a features input.
// Consumes features.data (moved into the features tensor).
std::vector<HostTensor> BuildHostTensors(const std::vector<InputBinding>& bindings,
                                         const std::vector<size_t>& features_rank, Features&& features,
                                         int64_t num_samples);

// ORT views of `tensors` (no copy). INTERNAL on failure.
std::vector<ort::Ptr<OrtValue>> WrapAsOrtValues(std::vector<HostTensor>& tensors, const OrtMemoryInfo& memory);

// Constant data converted to its dtype. INVALID_INPUT when an integer dtype gets a
// non-integer or out-of-range value.
HostTensor ConstantTensor(const InputBinding& binding);

}  // namespace engine
