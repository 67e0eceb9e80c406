// The graph's inputs and outputs as ONNX Runtime reports them, and the check that a
// config's bindings fit them.
#pragma once

#include <onnxruntime_c_api.h>

#include <vector>

#include "model/model.h"

namespace engine {

struct GraphIo {
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
};

GraphIo DescribeGraph(const OrtSession& session);

// MODEL_UNAVAILABLE naming what does not fit: a bound name the graph lacks (listing the
// graph's names), a graph input left unbound, a dtype or rank mismatch, a non-float32 output,
// a lengths output that is not int64/int32; with max_batch > 1, a bundle that cannot be
// batched (no mask or length input, no output lengths, or a fixed batch dimension).
void CheckBindings(const ModelConfig& config, const GraphIo& graph);

}  // namespace engine
