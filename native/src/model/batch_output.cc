#include "model/batch_output.h"

#include <string>

#include "model/log_probs.h"

namespace engine {
namespace {

constexpr auto kCode = ErrorCode::Internal;

struct TensorView {
  ONNXTensorElementDataType element = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  std::vector<int64_t> dims;
  void* data = nullptr;
};

TensorView View(OrtValue& value, const std::string& name) {
  const OrtApi& api = ort::Api();
  auto info = ort::Make<OrtTensorTypeAndShapeInfo>(
      [&](OrtTensorTypeAndShapeInfo** out) { return api.GetTensorTypeAndShape(&value, out); }, kCode,
      "cannot read the shape of output '" + name + "'");
  TensorView view;
  ort::Check(api.GetTensorElementType(info.get(), &view.element), kCode, "cannot read the type of '" + name + "'");
  size_t rank = 0;
  ort::Check(api.GetDimensionsCount(info.get(), &rank), kCode, "cannot read the rank of '" + name + "'");
  view.dims.resize(rank);
  ort::Check(api.GetDimensions(info.get(), view.dims.data(), rank), kCode, "cannot read the shape of '" + name + "'");
  ort::Check(api.GetTensorMutableData(&value, &view.data), kCode, "cannot read output '" + name + "'");
  return view;
}

// Each item's output frame count from the lengths tensor.
std::vector<int64_t> ReadLengths(OrtValue& value, size_t batch, int64_t frames, const std::string& name) {
  const TensorView view = View(value, name);
  const bool int64 = view.element == ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64;
  if ((!int64 && view.element != ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32) || view.dims.size() != 1 ||
      view.dims[0] != static_cast<int64_t>(batch)) {
    throw Error(kCode, "output lengths '" + name + "' is not an int64/int32 [" + std::to_string(batch) + "] tensor");
  }
  std::vector<int64_t> lengths(batch);
  for (size_t b = 0; b < batch; ++b) {
    lengths[b] = int64 ? static_cast<const int64_t*>(view.data)[b] : static_cast<const int32_t*>(view.data)[b];
    if (lengths[b] < 0 || lengths[b] > frames) {
      throw Error(kCode, "output lengths '" + name + "' gives " + std::to_string(lengths[b]) + " frames for item " +
                             std::to_string(b) + " of an output with " + std::to_string(frames));
    }
  }
  return lengths;
}

}  // namespace

std::vector<BatchItemResult> SplitOutput(OrtValue& output, OrtValue* lengths, size_t batch, const OutputSpec& spec) {
  const TensorView view = View(output, spec.name);
  const size_t rank = view.dims.size();
  const bool batched = rank == 3 && view.dims[0] == static_cast<int64_t>(batch);
  if (view.element != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT || !(batched || (rank == 2 && batch == 1))) {
    throw Error(kCode, "output '" + spec.name + "' is not a float32 [" + std::to_string(batch) + ", T, V]" +
                           (batch == 1 ? " or [T, V]" : "") + " tensor");
  }
  const int64_t frames = view.dims[rank - 2];
  const int64_t vocab = view.dims[rank - 1];
  if (vocab <= 0) throw Error(kCode, "output '" + spec.name + "' has an empty vocabulary axis");
  const std::vector<int64_t> item_frames =
      lengths != nullptr ? ReadLengths(*lengths, batch, frames, spec.lengths) : std::vector<int64_t>(batch, frames);

  const auto* data = static_cast<const float*>(view.data);
  std::vector<BatchItemResult> results(batch);
  for (size_t b = 0; b < batch; ++b) {
    const int64_t count = item_frames[b];
    if (count <= spec.skip_frames) {
      results[b].error = Error(ErrorCode::AudioTooShort, "the model produced " + std::to_string(count) +
                                                             " output frames, none left after skipping " +
                                                             std::to_string(spec.skip_frames));
      continue;
    }
    const float* item = data + static_cast<size_t>(b) * static_cast<size_t>(frames * vocab);
    std::vector<float> kept(item + spec.skip_frames * vocab, item + count * vocab);
    try {
      InferenceResult result;
      result.log_probs = ToLogProbs(std::move(kept), vocab, spec.kind);
      result.num_frames = count - spec.skip_frames;
      result.vocab_size = vocab;
      results[b].result = std::move(result);
    } catch (const Error& e) {
      results[b].error = e;
    }
  }
  return results;
}

}  // namespace engine
