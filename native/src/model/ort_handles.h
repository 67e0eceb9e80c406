// RAII ownership of ONNX Runtime C API objects, and OrtStatus -> engine::Error translation.
#pragma once

#include <onnxruntime_c_api.h>

#include <memory>
#include <string>

#include "common/error.h"

namespace engine::ort {

// The C API table for the version this code was compiled against. Throws MODEL_UNAVAILABLE
// when the loaded library is older than the headers.
inline const OrtApi& Api() {
  static const OrtApi* const api = OrtGetApiBase()->GetApi(ORT_API_VERSION);
  if (api == nullptr) {
    throw Error(ErrorCode::ModelUnavailable,
                std::string("the ONNX Runtime library (") + OrtGetApiBase()->GetVersionString() +
                    ") does not provide C API version " + std::to_string(ORT_API_VERSION));
  }
  return *api;
}

template <typename T>
struct Releaser;
#define PA_ORT_RELEASER(Type, ReleaseFn) \
  template <>                            \
  struct Releaser<Type> {                \
    static void Release(Type* p) { Api().ReleaseFn(p); } \
  }
PA_ORT_RELEASER(OrtEnv, ReleaseEnv);
PA_ORT_RELEASER(OrtStatus, ReleaseStatus);
PA_ORT_RELEASER(OrtSessionOptions, ReleaseSessionOptions);
PA_ORT_RELEASER(OrtSession, ReleaseSession);
PA_ORT_RELEASER(OrtTypeInfo, ReleaseTypeInfo);
PA_ORT_RELEASER(OrtTensorTypeAndShapeInfo, ReleaseTensorTypeAndShapeInfo);
PA_ORT_RELEASER(OrtMemoryInfo, ReleaseMemoryInfo);
PA_ORT_RELEASER(OrtValue, ReleaseValue);
PA_ORT_RELEASER(OrtCUDAProviderOptionsV2, ReleaseCUDAProviderOptions);
PA_ORT_RELEASER(OrtIoBinding, ReleaseIoBinding);
#undef PA_ORT_RELEASER

template <typename T>
struct Deleter {
  void operator()(T* p) const {
    if (p != nullptr) Releaser<T>::Release(p);
  }
};

template <typename T>
using Ptr = std::unique_ptr<T, Deleter<T>>;

// Throws engine::Error(code) carrying `context` and ORT's message when `status` is an error.
inline void Check(OrtStatus* status, ErrorCode code, const std::string& context) {
  if (status == nullptr) return;
  Ptr<OrtStatus> owned(status);
  throw Error(code, context + ": " + Api().GetErrorMessage(owned.get()));
}

// Wraps a call that yields an owned object through an out-parameter:
//   auto info = Make<OrtTypeInfo>([&](OrtTypeInfo** out) { return api.SessionGetInputTypeInfo(s, i, out); }, ...);
template <typename T, typename Create>
Ptr<T> Make(Create&& create, ErrorCode code, const std::string& context) {
  T* raw = nullptr;
  OrtStatus* status = create(&raw);
  Ptr<T> owned(raw);
  Check(status, code, context);
  return owned;
}

}  // namespace engine::ort
