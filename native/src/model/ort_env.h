// The process-wide ONNX Runtime environment, and what this ONNX Runtime build can run on.
#pragma once

#include <onnxruntime_c_api.h>

#include <memory>
#include <string>
#include <vector>

namespace engine::ort {

// Opts this process out of ONNX Runtime's telemetry (ORT_DISABLE_TELEMETRY=1, unless the
// variable is already set). Call it before the first SharedEnv(), on a thread while no other
// thread reads the environment: the addon does when it loads, the native tests in main().
//
// Why: ONNX Runtime 1.29 as the npm package builds it for Linux (like any build configured
// with --use_telemetry, onnxruntime PR 27379) carries Microsoft's 1DS telemetry SDK. Creating
// the environment starts it, and it reads /proc/self/cmdline through a std::regex,
// "(.*)[ ]*.*[\n]*", whose libstdc++ matcher recurses once per character: a command line over
// about 30 KB overflows the calling thread's stack (SIGSEGV; seen in gdb ~98,000 frames deep
// under OrtApi::CreateEnv). Opting out skips the SDK, the crash with it, and the upload of
// device and process facts from users' machines.
void OptOutOfTelemetry();

// Created on first use (thread-safe). Every session holds a reference, so the environment
// outlives the last session whatever order JavaScript garbage collection and process
// exit destroy them in.
std::shared_ptr<OrtEnv> SharedEnv();

// ONNX Runtime's last logged message (warning or error) since the previous call, and clears
// it: its log goes to no stream by itself (PRONUNCIATION_ENGINE_ORT_LOG=1 prints it to stderr).
std::string TakeLastLogMessage();

// Execution providers compiled into the loaded ONNX Runtime, e.g. "CPUExecutionProvider".
std::vector<std::string> AvailableProviders();

}  // namespace engine::ort
