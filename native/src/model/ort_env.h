// The process-wide ONNX Runtime environment, and what this ONNX Runtime build can run on.
#pragma once

#include <onnxruntime_c_api.h>

#include <memory>
#include <string>
#include <vector>

namespace engine::ort {

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
