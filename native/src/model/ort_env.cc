#include "model/ort_env.h"

#include "model/ort_handles.h"

namespace engine::ort {

std::shared_ptr<OrtEnv> SharedEnv() {
  static const std::shared_ptr<OrtEnv> env = [] {
    Ptr<OrtEnv> created = Make<OrtEnv>(
        [](OrtEnv** out) { return Api().CreateEnv(ORT_LOGGING_LEVEL_ERROR, "pronunciation-engine", out); },
        ErrorCode::ModelUnavailable, "cannot create the ONNX Runtime environment");
    return std::shared_ptr<OrtEnv>(created.release(), Deleter<OrtEnv>());
  }();
  return env;
}

std::vector<std::string> AvailableProviders() {
  struct ProviderList {
    char** names = nullptr;
    int count = 0;
    ~ProviderList() {
      if (names != nullptr) Ptr<OrtStatus> ignored(Api().ReleaseAvailableProviders(names, count));
    }
  } list;
  Check(Api().GetAvailableProviders(&list.names, &list.count), ErrorCode::Internal,
        "cannot list execution providers");
  return std::vector<std::string>(list.names, list.names + list.count);
}

}  // namespace engine::ort
