// Runs a program without a shell (common/process.h) and streams its standard output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace engine::audio {

struct ChildOutcome {
  int spawn_error = 0;  // errno when the program could not be started; then nothing else is set.
  bool exited = false;  // Exited normally with exit_code; otherwise killed by term_signal (0: unknown).
  int exit_code = 0;
  int term_signal = 0;
  std::string stderr_tail;  // The last few KiB the program wrote to stderr.
};

using ChunkSink = std::function<void(const uint8_t* data, size_t size)>;

// Starts argv[0] (searched on PATH when it has no '/') with stdin on /dev/null, passes
// every chunk of its stdout to `on_stdout`, and waits for it. stdout and stderr are
// drained together with poll(), so neither pipe can fill up and stall the child.
// If `on_stdout` throws, the child is killed and reaped before the exception leaves.
// The child gets default signal handling (Node ignores SIGPIPE, and exec would keep that)
// and no descriptors of ours beyond its three standard streams.
ChildOutcome RunChildProcess(const std::vector<std::string>& argv, const ChunkSink& on_stdout);

}  // namespace engine::audio
