#include "model/input_tensors.h"

#include <algorithm>
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

// [B] per-item values of `dtype`.
HostTensor PerItem(TensorType dtype, const std::vector<int64_t>& values, const std::string& name) {
  return ConstantTensor(InputBinding{name, InputSource::Constant, dtype, {static_cast<int64_t>(values.size())},
                                     std::vector<double>(values.begin(), values.end())});
}

// [B, T_max] of `dtype`: 1 for each item's frames, 0 on its padding.
template <typename T>
std::vector<T> MaskValues(const std::vector<int64_t>& frames, int64_t max_frames) {
  std::vector<T> mask(frames.size() * static_cast<size_t>(max_frames), T(0));
  for (size_t b = 0; b < frames.size(); ++b) {
    std::fill_n(mask.begin() + static_cast<std::ptrdiff_t>(b * static_cast<size_t>(max_frames)), frames[b], T(1));
  }
  return mask;
}

HostTensor MaskTensor(TensorType dtype, const std::vector<int64_t>& frames, int64_t max_frames) {
  HostTensor tensor;
  tensor.shape = {static_cast<int64_t>(frames.size()), max_frames};
  switch (dtype) {
    case TensorType::Float32: tensor.values = MaskValues<float>(frames, max_frames); break;
    case TensorType::Int64: tensor.values = MaskValues<int64_t>(frames, max_frames); break;
    case TensorType::Int32: tensor.values = MaskValues<int32_t>(frames, max_frames); break;
  }
  return tensor;
}

// [B, T_max, F] (or [B, T_max] for one value per frame), items zero-padded at the end.
HostTensor FeatureTensor(std::vector<Features>& items, size_t declared_rank, bool last_use) {
  const int64_t dim = items.front().dim;
  int64_t max_frames = 0;
  for (const Features& item : items) {
    if (item.dim != dim) throw Error(ErrorCode::Internal, "the items of a batch have different feature dimensions");
    max_frames = std::max(max_frames, item.num_frames);
  }
  const size_t rank = declared_rank != 0 ? declared_rank : (dim == 1 ? 2 : 3);
  const auto batch = static_cast<int64_t>(items.size());
  HostTensor tensor;
  if (rank == 2) {
    if (dim != 1) {
      throw Error(ErrorCode::Internal, "the graph takes [B, N] features but the frontend yields " +
                                           std::to_string(dim) + " values per frame");
    }
    tensor.shape = {batch, max_frames};
  } else {
    tensor.shape = {batch, max_frames, dim};
  }
  if (items.size() == 1) {  // nothing to pad: hand the frontend's buffer over (or copy it)
    tensor.values = last_use ? std::move(items.front().data) : items.front().data;
    return tensor;
  }
  const size_t row = static_cast<size_t>(max_frames) * static_cast<size_t>(dim);
  std::vector<float> data(items.size() * row, 0.0f);
  for (size_t b = 0; b < items.size(); ++b) std::copy(items[b].data.begin(), items[b].data.end(), data.begin() + static_cast<std::ptrdiff_t>(b * row));
  tensor.values = std::move(data);
  return tensor;
}

// The constant repeated `batch` times along its first axis.
HostTensor Repeated(HostTensor tensor, int64_t batch) {
  tensor.shape[0] = batch;
  std::visit(
      [&](auto& data) {
        const auto one = data;
        data.clear();
        for (int64_t b = 0; b < batch; ++b) data.insert(data.end(), one.begin(), one.end());
      },
      tensor.values);
  return tensor;
}

ONNXTensorElementDataType ElementType(const HostTensor& tensor) {
  switch (tensor.values.index()) {
    case 0: return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
    case 1: return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64;
    default: return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32;
  }
}

HostTensor OverrideTensor(const InputBinding& binding, const InputOverride& override) {
  HostTensor tensor;
  tensor.shape = override.shape;
  if (binding.dtype == TensorType::Int32) {
    tensor.values = std::vector<int32_t>(override.data.begin(), override.data.end());
  } else {
    tensor.values = override.data;
  }
  return tensor;
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

void CheckOverrides(const std::vector<InputBinding>& bindings, const std::vector<DeclaredShape>& declared,
                    const std::vector<InputOverride>& overrides) {
  for (size_t k = 0; k < overrides.size(); ++k) {
    const InputOverride& override = overrides[k];
    const std::string what = "per-call input '" + override.name + "'";
    for (size_t j = 0; j < k; ++j) {
      if (overrides[j].name == override.name) throw Error(ErrorCode::InvalidInput, what + " is given twice");
    }
    size_t i = 0;
    while (i < bindings.size() && bindings[i].name != override.name) ++i;
    if (i == bindings.size() || bindings[i].source != InputSource::Constant) {
      throw Error(ErrorCode::InvalidInput, what + " is not a constant input of the model");
    }
    if (bindings[i].dtype == TensorType::Float32) {
      throw Error(ErrorCode::InvalidInput, what + " is float32; per-call values are for integer inputs");
    }
    if (override.shape.empty()) throw Error(ErrorCode::InvalidInput, what + " has no shape");
    size_t count = 1;
    for (int64_t dim : override.shape) {
      if (dim <= 0 || dim > std::numeric_limits<int32_t>::max()) {
        throw Error(ErrorCode::InvalidInput, what + " has a dimension that is not a positive integer");
      }
      count *= static_cast<size_t>(dim);
    }
    if (count != override.data.size()) {
      throw Error(ErrorCode::InvalidInput, what + " has " + std::to_string(override.data.size()) +
                                               " values for a shape of " + std::to_string(count));
    }
    if (declared[i].rank != 0 && declared[i].rank != override.shape.size()) {
      throw Error(ErrorCode::InvalidInput, what + " has rank " + std::to_string(override.shape.size()) +
                                               "; the graph declares rank " + std::to_string(declared[i].rank));
    }
    if (bindings[i].dtype == TensorType::Int32) {
      for (int64_t value : override.data) {
        if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
          throw Error(ErrorCode::InvalidInput, what + " holds " + std::to_string(value) + ", beyond int32");
        }
      }
    }
  }
}

std::vector<HostTensor> BuildHostTensors(const std::vector<InputBinding>& bindings,
                                         const std::vector<DeclaredShape>& declared, std::vector<ItemFeatures>&& items,
                                         const std::vector<InputOverride>& overrides) {
  if (items.empty()) throw Error(ErrorCode::Internal, "no items to build input tensors for");
  const auto batch = static_cast<int64_t>(items.size());
  std::vector<int64_t> frames;
  std::vector<int64_t> samples;
  std::vector<Features> features;
  for (ItemFeatures& item : items) {
    frames.push_back(item.features.num_frames);
    samples.push_back(item.num_samples);
    features.push_back(std::move(item.features));
  }
  const int64_t max_frames = *std::max_element(frames.begin(), frames.end());
  size_t last_features = bindings.size();
  for (size_t i = 0; i < bindings.size(); ++i) {
    if (bindings[i].source == InputSource::Features) last_features = i;
  }
  std::vector<HostTensor> tensors;
  tensors.reserve(bindings.size());
  for (size_t i = 0; i < bindings.size(); ++i) {
    const InputBinding& binding = bindings[i];
    switch (binding.source) {
      case InputSource::Features:
        // Several features inputs are unusual; all but the last get a copy.
        tensors.push_back(FeatureTensor(features, declared[i].rank, i == last_features));
        break;
      case InputSource::FeatureLength: tensors.push_back(PerItem(binding.dtype, frames, binding.name)); break;
      case InputSource::SampleLength: tensors.push_back(PerItem(binding.dtype, samples, binding.name)); break;
      case InputSource::FeaturesMask: tensors.push_back(MaskTensor(binding.dtype, frames, max_frames)); break;
      case InputSource::Constant: {
        const auto override = std::find_if(overrides.begin(), overrides.end(),
                                           [&](const InputOverride& o) { return o.name == binding.name; });
        HostTensor constant = override == overrides.end() ? ConstantTensor(binding) : OverrideTensor(binding, *override);
        const bool repeat = batch > 1 && declared[i].dynamic_batch && !constant.shape.empty() && constant.shape[0] == 1;
        tensors.push_back(repeat ? Repeated(std::move(constant), batch) : std::move(constant));
        break;
      }
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
