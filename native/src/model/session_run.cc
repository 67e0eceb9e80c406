#include "model/session_run.h"

#include <string>

namespace engine {
namespace {

constexpr auto kCode = ErrorCode::Internal;

std::vector<ort::Ptr<OrtValue>> PlainRun(OrtSession& session, const RunRequest& request) {
  std::vector<OrtValue*> raw(request.output_names.size(), nullptr);
  OrtStatus* status = ort::Api().Run(&session, nullptr, request.input_names.data(), request.inputs.data(),
                                     request.inputs.size(), request.output_names.data(),
                                     request.output_names.size(), raw.data());
  std::vector<ort::Ptr<OrtValue>> outputs;
  for (OrtValue* value : raw) outputs.emplace_back(value);  // owned before the status is checked
  ort::Check(status, kCode, "inference failed");
  return outputs;
}

std::vector<ort::Ptr<OrtValue>> BoundRun(OrtSession& session, const RunRequest& request, const OrtMemoryInfo& memory) {
  const OrtApi& api = ort::Api();
  auto binding = ort::Make<OrtIoBinding>([&](OrtIoBinding** out) { return api.CreateIoBinding(&session, out); }, kCode,
                                         "cannot create an IO binding");
  for (size_t i = 0; i < request.inputs.size(); ++i) {
    ort::Check(api.BindInput(binding.get(), request.input_names[i], request.inputs[i]), kCode,
               std::string("cannot bind input '") + request.input_names[i] + "'");
  }
  for (const char* name : request.output_names) {
    ort::Check(api.BindOutputToDevice(binding.get(), name, &memory), kCode,
               std::string("cannot bind output '") + name + "'");
  }
  ort::Check(api.RunWithBinding(&session, nullptr, binding.get()), kCode, "inference failed (IO binding)");
  ort::Check(api.SynchronizeBoundOutputs(binding.get()), kCode, "cannot synchronise the bound outputs");

  OrtAllocator* allocator = nullptr;
  ort::Check(api.GetAllocatorWithDefaultOptions(&allocator), kCode, "cannot get the default allocator");
  OrtValue** values = nullptr;
  size_t count = 0;
  ort::Check(api.GetBoundOutputValues(binding.get(), allocator, &values, &count), kCode,
             "cannot read the bound outputs");
  std::vector<ort::Ptr<OrtValue>> outputs;
  for (size_t i = 0; i < count; ++i) outputs.emplace_back(values[i]);
  if (values != nullptr) ort::Check(api.AllocatorFree(allocator, values), kCode, "cannot free the output list");
  if (outputs.size() != request.output_names.size()) {
    throw Error(kCode, "IO binding returned " + std::to_string(outputs.size()) + " outputs, expected " +
                           std::to_string(request.output_names.size()));
  }
  return outputs;
}

}  // namespace

std::vector<ort::Ptr<OrtValue>> RunSession(OrtSession& session, const RunRequest& request,
                                           const OrtMemoryInfo* bind_outputs_to) {
  return bind_outputs_to == nullptr ? PlainRun(session, request) : BoundRun(session, request, *bind_outputs_to);
}

}  // namespace engine
