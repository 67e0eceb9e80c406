#include "model/ort_env.h"

#include <cstdlib>

#include "model/ort_handles.h"

namespace engine::ort {
namespace {

Ptr<OrtEnv> CreateProcessWideOrtEnv() {
  OrtEnv* env = nullptr;
  OrtStatus* status = Api().CreateEnv(ORT_LOGGING_LEVEL_ERROR, "pronunciation-engine", &env);
  Ptr<OrtEnv> owned(env);
  Check(status, ErrorCode::ModelUnavailable, "cannot create the ONNX Runtime environment");
  return owned;
}

}  // namespace

void OptOutOfTelemetry() { ::setenv("ORT_DISABLE_TELEMETRY", "1", /*overwrite=*/0); }

std::shared_ptr<OrtEnv> SharedEnv() {
  static const std::shared_ptr<OrtEnv> env(CreateProcessWideOrtEnv().release(), Deleter<OrtEnv>());
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
