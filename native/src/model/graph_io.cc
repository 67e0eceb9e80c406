#include "model/graph_io.h"

#include <algorithm>
#include <string>

#include "model/ort_handles.h"

namespace engine {
namespace {

const char* ElementTypeName(ONNXTensorElementDataType type) {
  switch (type) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: return "float32";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: return "uint8";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: return "int8";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16: return "uint16";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: return "int16";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: return "int32";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: return "int64";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING: return "string";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: return "bool";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: return "float16";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: return "float64";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32: return "uint32";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64: return "uint64";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: return "bfloat16";
    default: return "other";
  }
}

// Frees a name ORT allocated with the default allocator.
struct AllocatedName {
  char* text = nullptr;
  ~AllocatedName() {
    if (text == nullptr) return;
    OrtAllocator* allocator = nullptr;
    ort::Ptr<OrtStatus> get(ort::Api().GetAllocatorWithDefaultOptions(&allocator));
    if (allocator != nullptr) ort::Ptr<OrtStatus> freed(ort::Api().AllocatorFree(allocator, text));
  }
};

template <typename GetName, typename GetTypeInfo>
TensorInfo DescribeOne(size_t index, GetName get_name, GetTypeInfo get_type_info) {
  const OrtApi& api = ort::Api();
  const auto code = ErrorCode::ModelUnavailable;
  OrtAllocator* allocator = nullptr;
  ort::Check(api.GetAllocatorWithDefaultOptions(&allocator), code, "cannot get the default allocator");
  AllocatedName name;
  ort::Check(get_name(index, allocator, &name.text), code, "cannot read a graph input/output name");
  TensorInfo info{name.text, "non-tensor", {}};

  auto type_info = ort::Make<OrtTypeInfo>([&](OrtTypeInfo** out) { return get_type_info(index, out); }, code,
                                          "cannot read the type of '" + info.name + "'");
  const OrtTensorTypeAndShapeInfo* tensor = nullptr;  // owned by type_info
  ort::Check(api.CastTypeInfoToTensorInfo(type_info.get(), &tensor), code, "cannot read tensor info");
  if (tensor == nullptr) return info;
  ONNXTensorElementDataType element = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  ort::Check(api.GetTensorElementType(tensor, &element), code, "cannot read an element type");
  info.dtype = ElementTypeName(element);
  size_t rank = 0;
  ort::Check(api.GetDimensionsCount(tensor, &rank), code, "cannot read a rank");
  info.shape.resize(rank);
  ort::Check(api.GetDimensions(tensor, info.shape.data(), rank), code, "cannot read a shape");
  for (int64_t& dim : info.shape) dim = dim < 0 ? -1 : dim;  // symbolic dimensions come back as -1 already
  return info;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string ListText(const std::vector<TensorInfo>& tensors) {
  std::string text;
  for (const auto& t : tensors) text += (text.empty() ? "" : ", ") + t.name + " (" + t.dtype + " " + ShapeText(t.shape) + ")";
  return text.empty() ? "none" : text;
}

const TensorInfo* Find(const std::vector<TensorInfo>& tensors, const std::string& name) {
  auto it = std::find_if(tensors.begin(), tensors.end(), [&](const TensorInfo& t) { return t.name == name; });
  return it == tensors.end() ? nullptr : &*it;
}

[[noreturn]] void Unfit(const ModelConfig& config, const std::string& why) {
  throw Error(ErrorCode::ModelUnavailable, "model '" + config.onnx_path + "' does not fit its config: " + why);
}

bool FixedBatch(const TensorInfo& tensor) { return !tensor.shape.empty() && tensor.shape[0] >= 0; }

// Batching pads items to the longest, so the graph must learn each item's length and say
// how many output frames each item has, and its batch dimension must be free.
void CheckBatchable(const ModelConfig& config, const GraphIo& graph) {
  const std::string prefix = "batching (maxBatch " + std::to_string(config.max_batch) + ") needs ";
  const bool told_lengths = std::any_of(config.inputs.begin(), config.inputs.end(), [](const InputBinding& b) {
    return b.source == InputSource::FeaturesMask || b.source == InputSource::FeatureLength ||
           b.source == InputSource::SampleLength;
  });
  if (!told_lengths) {
    Unfit(config, prefix + "an input with source features_mask, feature_length or sample_length; this bundle has none");
  }
  if (config.output.lengths.empty()) {
    Unfit(config, prefix + "output.lengths (an int64/int32 [B] output of per-item frame counts); this bundle has none");
  }
  for (const auto& binding : config.inputs) {
    const TensorInfo* input = Find(graph.inputs, binding.name);
    if (binding.source != InputSource::Constant && FixedBatch(*input)) {
      Unfit(config, prefix + "a free batch dimension, but input '" + input->name + "' has shape " + ShapeText(input->shape));
    }
  }
  const TensorInfo* output = Find(graph.outputs, config.output.name);
  if (output->shape.size() == 2 || FixedBatch(*output)) {
    Unfit(config, prefix + "a [B, T, V] output, but '" + output->name + "' has shape " + ShapeText(output->shape));
  }
}

}  // namespace

GraphIo DescribeGraph(const OrtSession& session) {
  const OrtApi& api = ort::Api();
  const auto code = ErrorCode::ModelUnavailable;
  GraphIo graph;
  size_t count = 0;
  ort::Check(api.SessionGetInputCount(&session, &count), code, "cannot count graph inputs");
  for (size_t i = 0; i < count; ++i) {
    graph.inputs.push_back(DescribeOne(
        i, [&](size_t idx, OrtAllocator* a, char** out) { return api.SessionGetInputName(&session, idx, a, out); },
        [&](size_t idx, OrtTypeInfo** out) { return api.SessionGetInputTypeInfo(&session, idx, out); }));
  }
  ort::Check(api.SessionGetOutputCount(&session, &count), code, "cannot count graph outputs");
  for (size_t i = 0; i < count; ++i) {
    graph.outputs.push_back(DescribeOne(
        i, [&](size_t idx, OrtAllocator* a, char** out) { return api.SessionGetOutputName(&session, idx, a, out); },
        [&](size_t idx, OrtTypeInfo** out) { return api.SessionGetOutputTypeInfo(&session, idx, out); }));
  }
  return graph;
}

void CheckBindings(const ModelConfig& config, const GraphIo& graph) {
  std::string missing;
  for (const auto& binding : config.inputs) {
    if (!Find(graph.inputs, binding.name)) missing += (missing.empty() ? "'" : ", '") + binding.name + "'";
  }
  if (!missing.empty()) Unfit(config, "no input named " + missing + "; the graph's inputs are: " + ListText(graph.inputs));

  for (const auto& input : graph.inputs) {
    auto bound = std::find_if(config.inputs.begin(), config.inputs.end(),
                              [&](const InputBinding& b) { return b.name == input.name; });
    if (bound == config.inputs.end()) Unfit(config, "the graph's input '" + input.name + "' has no binding");
    if (input.dtype != TensorTypeName(bound->dtype)) {
      Unfit(config, "input '" + input.name + "' is " + input.dtype + " in the graph but bound as " +
                        TensorTypeName(bound->dtype));
    }
    const size_t rank = input.shape.size();
    if (bound->source == InputSource::Features && rank != 0 && rank != 2 && rank != 3) {
      Unfit(config, "features input '" + input.name + "' has shape " + ShapeText(input.shape) +
                        "; the engine feeds [1, N] or [1, T, F]");
    }
    if (bound->source == InputSource::FeaturesMask && rank != 0 && rank != 2) {
      Unfit(config, "features_mask input '" + input.name + "' has shape " + ShapeText(input.shape) +
                        "; the engine feeds [B, T]");
    }
  }

  const TensorInfo* output = Find(graph.outputs, config.output.name);
  if (!output) {
    Unfit(config, "no output named '" + config.output.name + "'; the graph's outputs are: " + ListText(graph.outputs));
  }
  if (output->dtype != "float32") {
    Unfit(config, "output '" + output->name + "' is " + output->dtype + "; the engine reads float32 outputs");
  }
  const size_t rank = output->shape.size();
  if (rank != 0 && rank != 2 && rank != 3) {
    Unfit(config, "output '" + output->name + "' has shape " + ShapeText(output->shape) +
                      "; the engine reads [1, T, V] or [T, V]");
  }
  if (!config.output.lengths.empty()) {
    const TensorInfo* lengths = Find(graph.outputs, config.output.lengths);
    if (!lengths) {
      Unfit(config, "no output named '" + config.output.lengths + "' (output.lengths); the graph's outputs are: " +
                        ListText(graph.outputs));
    }
    if ((lengths->dtype != "int64" && lengths->dtype != "int32") || lengths->shape.size() > 1) {
      Unfit(config, "output lengths '" + lengths->name + "' is " + lengths->dtype + " " + ShapeText(lengths->shape) +
                        "; the engine reads int64/int32 [B]");
    }
  }
  if (config.max_batch > 1) CheckBatchable(config, graph);
}

}  // namespace engine
