#include "audio/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <system_error>

#include "common/process.h"
#include "common/unique_fd.h"

namespace engine::audio {
namespace {

constexpr size_t kStderrTailBytes = 4096;
constexpr size_t kReadChunkBytes = 64 * 1024;

[[noreturn]] void ThrowErrno(int error, const char* what) { throw std::system_error(error, std::generic_category(), what); }

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

// Both ends close-on-exec and numbered above stdio (see MoveAbove).
Pipe MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) ThrowErrno(errno, "pipe2");
  Pipe pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
  MoveAbove(pipe.read_end, STDERR_FILENO);
  MoveAbove(pipe.write_end, STDERR_FILENO);
  return pipe;
}

void AppendTail(std::string& tail, const char* data, size_t size) {
  tail.append(data, size);
  if (tail.size() > 2 * kStderrTailBytes) tail.erase(0, tail.size() - kStderrTailBytes);
}

// Reads both pipes until each reports end of file.
void Drain(UniqueFd& out, UniqueFd& err, const ChunkSink& on_stdout, std::string& stderr_tail) {
  std::vector<uint8_t> buffer(kReadChunkBytes);
  while (out.valid() || err.valid()) {
    pollfd fds[2];
    UniqueFd* owners[2];
    nfds_t count = 0;
    for (UniqueFd* fd : {&out, &err}) {
      if (!fd->valid()) continue;
      fds[count] = pollfd{fd->get(), POLLIN, 0};
      owners[count++] = fd;
    }
    if (::poll(fds, count, -1) < 0) {
      if (errno == EINTR) continue;
      ThrowErrno(errno, "poll");
    }
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      const ssize_t n = ::read(owners[i]->get(), buffer.data(), buffer.size());
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        owners[i]->Reset();
        continue;
      }
      if (owners[i] == &out) {
        on_stdout(buffer.data(), static_cast<size_t>(n));
      } else {
        AppendTail(stderr_tail, reinterpret_cast<const char*>(buffer.data()), static_cast<size_t>(n));
      }
    }
  }
}

}  // namespace

ChildOutcome RunChildProcess(const std::vector<std::string>& argv, const ChunkSink& on_stdout) {
  ChildOutcome outcome;
  Pipe out = MakePipe();
  Pipe err = MakePipe();
  const Spawned spawned = Spawn(argv, {out.write_end.get(), err.write_end.get()});
  outcome.spawn_error = spawned.error;
  if (spawned.pid < 0) return outcome;
  ChildProcess child(spawned.pid);
  // Our copies of the write ends must go, or the reads below would never see end of file.
  out.write_end.Reset();
  err.write_end.Reset();

  Drain(out.read_end, err.read_end, on_stdout, outcome.stderr_tail);
  if (const std::optional<int> status = child.Wait()) {
    outcome.exited = WIFEXITED(*status);
    outcome.exit_code = outcome.exited ? WEXITSTATUS(*status) : 0;
    outcome.term_signal = WIFSIGNALED(*status) ? WTERMSIG(*status) : 0;
  }
  if (outcome.stderr_tail.size() > kStderrTailBytes) {
    outcome.stderr_tail.erase(0, outcome.stderr_tail.size() - kStderrTailBytes);
  }
  return outcome;
}

}  // namespace engine::audio
