#include "model/input_tensors.h"

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "common/error.h"

namespace engine {
namespace {

template <typename T>
std::vector<T> ConvertAll(const std::vector<double>& data, const std::string& name) {
  std::vector<T> out;
  out.reserve(data.size());
  for (double value : data) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isfinite(value) && std::fabs(value) > std::numeric_limits<T>::max()) {
        throw Error(ErrorCode::InvalidInput,
                    "constant input '" + name + "' holds " + std::to_string(value) + ", beyond float32's range");
      }
    } else {
      // Limits checked in double: 2^63 itself is not representable as int64.
      const bool in_range = value >= static_cast<double>(std::numeric_limits<T>::min()) &&
                            value < -static_cast<double>(std::numeric_limits<T>::min());
      if (!std::isfinite(value) || value != std::trunc(value) || !in_range) {
        throw Error(ErrorCode::InvalidInput,
                    "constant input '" + name + "' holds " + std::to_string(value) + ", not a valid integer of its dtype");
      }
    }
    out.push_back(static_cast<T>(value));
  }
  return out;
}

HostTensor Scalar1(TensorType dtype, int64_t value, const std::string& name) {
  return ConstantTensor(InputBinding{name, InputSource::Constant, dtype, {1}, {static_cast<double>(value)}});
}

HostTensor FeatureTensor(Features&& features, size_t declared_rank) {
  const size_t rank = declared_rank != 0 ? declared_rank : (features.dim == 1 ? 2 : 3);
  HostTensor tensor;
  if (rank == 2) {
    if (features.dim != 1) {
      throw Error(ErrorCode::Internal, "the graph takes [1, N] features but the frontend yields " +
                                           std::to_string(features.dim) + " values per frame");
    }
    tensor.shape = {1, features.num_frames};
  } else {
    tensor.shape = {1, features.num_frames, features.dim};
  }
  tensor.values = std::move(features.data);
  return tensor;
}

ONNXTensorElementDataType ElementType(const HostTensor& tensor) {
  switch (tensor.values.index()) {
    case 0: return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
    case 1: return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64;
    default: return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32;
  }
}

}  // namespace

HostTensor ConstantTensor(const InputBinding& binding) {
  HostTensor tensor;
  tensor.shape = binding.shape;
  switch (binding.dtype) {
    case TensorType::Float32: tensor.values = ConvertAll<float>(binding.data, binding.name); break;
    case TensorType::Int64: tensor.values = ConvertAll<int64_t>(binding.data, binding.name); break;
    case TensorType::Int32: tensor.values = ConvertAll<int32_t>(binding.data, binding.name); break;
  }
  return tensor;
}

std::vector<HostTensor> BuildHostTensors(const std::vector<InputBinding>& bindings,
                                         const std::vector<size_t>& features_rank, Features&& features,
                                         int64_t num_samples) {
  std::vector<HostTensor> tensors;
  tensors.reserve(bindings.size());
  const int64_t num_frames = features.num_frames;
  size_t last_features = bindings.size();
  for (size_t i = 0; i < bindings.size(); ++i) {
    if (bindings[i].source == InputSource::Features) last_features = i;
  }
  for (size_t i = 0; i < bindings.size(); ++i) {
    const InputBinding& binding = bindings[i];
    switch (binding.source) {
      case InputSource::Features:
        // Several features inputs are unusual; all but the last get a copy.
        tensors.push_back(FeatureTensor(i == last_features ? std::move(features) : Features(features),
                                        features_rank[i]));
        break;
      case InputSource::FeatureLength: tensors.push_back(Scalar1(binding.dtype, num_frames, binding.name)); break;
      case InputSource::SampleLength: tensors.push_back(Scalar1(binding.dtype, num_samples, binding.name)); break;
      case InputSource::Constant: tensors.push_back(ConstantTensor(binding)); break;
    }
  }
  return tensors;
}

std::vector<ort::Ptr<OrtValue>> WrapAsOrtValues(std::vector<HostTensor>& tensors, const OrtMemoryInfo& memory) {
  std::vector<ort::Ptr<OrtValue>> values;
  values.reserve(tensors.size());
  for (HostTensor& tensor : tensors) {
    std::visit(
        [&](auto& data) {
          using Element = typename std::decay_t<decltype(data)>::value_type;
          values.push_back(ort::Make<OrtValue>(
              [&](OrtValue** out) {
                return ort::Api().CreateTensorWithDataAsOrtValue(&memory, data.data(), data.size() * sizeof(Element),
                                                                 tensor.shape.data(), tensor.shape.size(),
                                                                 ElementType(tensor), out);
              },
              ErrorCode::Internal, "cannot create an input tensor"));
        },
        tensor.values);
  }
  return values;
}

}  // namespace engine
