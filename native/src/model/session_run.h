// One ONNX Runtime run: plain OrtApi::Run, or through an OrtIoBinding whose outputs ONNX
// Runtime allocates in the given memory.
#pragma once

#include <onnxruntime_c_api.h>

#include <vector>

#include "model/ort_handles.h"

namespace engine {

struct RunRequest {
  std::vector<const char*> input_names;
  std::vector<const OrtValue*> inputs;
  std::vector<const char*> output_names;
};

// The outputs in `output_names` order. `bind_outputs_to` null: OrtApi::Run. Otherwise the
// inputs are bound as they are and every output is bound to that memory (CPU memory with the
// CPU provider; CUDA pinned host memory with the CUDA provider, into which ONNX Runtime copies
// the device result), then RunWithBinding. INTERNAL when ONNX Runtime fails.
std::vector<ort::Ptr<OrtValue>> RunSession(OrtSession& session, const RunRequest& request,
                                           const OrtMemoryInfo* bind_outputs_to);

}  // namespace engine
