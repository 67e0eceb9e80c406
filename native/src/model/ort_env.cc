#include "model/ort_env.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "model/ort_handles.h"

namespace engine::ort {
namespace {

// ONNX Runtime's own log lines never reach stderr by themselves: a CLI's stderr carries one JSON
// error, and a worker's carries JSON log lines. The last message is kept for the error that
// explains the failure (TakeLastLogMessage); PRONUNCIATION_ENGINE_ORT_LOG=1 prints them too.
std::mutex log_mutex;
std::string last_log_message;

void ORT_API_CALL KeepLogMessage(void*, OrtLoggingLevel, const char*, const char*, const char* code_location,
                                 const char* message) {
  std::lock_guard<std::mutex> lock(log_mutex);
  last_log_message = message != nullptr ? message : "";
  while (!last_log_message.empty() && (last_log_message.back() == '\n' || last_log_message.back() == ' ')) last_log_message.pop_back();
  const char* print = std::getenv("PRONUNCIATION_ENGINE_ORT_LOG");
  if (print != nullptr && *print != '\0' && *print != '0') {
    std::fprintf(stderr, "onnxruntime: %s (%s)\n", last_log_message.c_str(), code_location != nullptr ? code_location : "");
  }
}

Ptr<OrtEnv> CreateProcessWideOrtEnv() {
  OrtEnv* env = nullptr;
  OrtStatus* status =
      Api().CreateEnvWithCustomLogger(KeepLogMessage, nullptr, ORT_LOGGING_LEVEL_ERROR, "pronunciation-engine", &env);
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

std::string TakeLastLogMessage() {
  std::lock_guard<std::mutex> lock(log_mutex);
  std::string message;
  message.swap(last_log_message);
  return message;
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
