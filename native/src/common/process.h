// Starting helper programs (ffmpeg, the espeak-ng helper) and owning them until they are reaped.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/unique_fd.h"

namespace engine {

// Where a started program's descriptors come from: -1 is /dev/null.
struct SpawnDescriptors {
  int stdout_fd = -1;
  int stderr_fd = -1;
  // Handed to the child as descriptor 3 when not -1 (a socket to talk over).
  int channel_fd = -1;
};

// Starts argv[0] (searched on PATH when it has no '/') with stdin on /dev/null, the given
// descriptors, every other descriptor closed, an empty signal mask and SIGPIPE at its default
// (Node ignores SIGPIPE, and exec would keep that). Returns the process id, or the errno that
// kept it from starting.
struct Spawned {
  pid_t pid = -1;
  int error = 0;
};
Spawned Spawn(const std::vector<std::string>& argv, const SpawnDescriptors& descriptors);

// Owns a started process: whatever happens, it is reaped, killed first if still running.
class ChildProcess {
 public:
  ChildProcess() = default;
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  ChildProcess(ChildProcess&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { Kill(); }

  pid_t pid() const { return pid_; }
  // Waits for it to end; its wait status, or nothing when it could not be waited for.
  std::optional<int> Wait();
  // Kills (SIGKILL) and reaps it; nothing when none is running.
  void Kill();

 private:
  pid_t pid_ = -1;
};

// A descriptor renumbered above `floor`, close-on-exec: a child's dup2 onto a low number is then
// never a no-op that would keep the close-on-exec flag. Throws std::system_error.
void MoveAbove(UniqueFd& fd, int floor);

}  // namespace engine
