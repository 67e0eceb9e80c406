#include "audio/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "audio/unique_fd.h"

extern char** environ;

namespace engine::audio {
namespace {

constexpr size_t kStderrTailBytes = 4096;
constexpr size_t kReadChunkBytes = 64 * 1024;

[[noreturn]] void ThrowErrno(int error, const char* what) { throw std::system_error(error, std::generic_category(), what); }

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

// Both ends close-on-exec and numbered above stdio, so that the child's dup2 onto
// 1 or 2 can never be a no-op that leaves the close-on-exec flag set.
Pipe MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) ThrowErrno(errno, "pipe2");
  Pipe pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
  for (UniqueFd* end : {&pipe.read_end, &pipe.write_end}) {
    if (end->get() > STDERR_FILENO) continue;
    const int moved = ::fcntl(end->get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    if (moved < 0) ThrowErrno(errno, "fcntl");
    end->Reset(moved);
  }
  return pipe;
}

class SpawnFileActions {
 public:
  SpawnFileActions() { Check(posix_spawn_file_actions_init(&actions_)); }
  ~SpawnFileActions() { posix_spawn_file_actions_destroy(&actions_); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }
  static void Check(int error) {
    if (error != 0) ThrowErrno(error, "posix_spawn_file_actions");
  }

 private:
  posix_spawn_file_actions_t actions_;
};

class SpawnAttributes {
 public:
  SpawnAttributes() { Check(posix_spawnattr_init(&attributes_)); }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attributes_); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  posix_spawnattr_t* get() { return &attributes_; }
  static void Check(int error) {
    if (error != 0) ThrowErrno(error, "posix_spawnattr");
  }

 private:
  posix_spawnattr_t attributes_;
};

// Owns a started child: whatever happens, it is reaped, killed first if still running.
class ChildHandle {
 public:
  explicit ChildHandle(pid_t pid) : pid_(pid) {}
  ChildHandle(const ChildHandle&) = delete;
  ChildHandle& operator=(const ChildHandle&) = delete;
  ~ChildHandle() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    Wait();
  }

  // The wait status, or nothing when the child could not be waited for.
  std::optional<int> Wait() {
    int status = 0;
    pid_t waited;
    do {
      waited = ::waitpid(pid_, &status, 0);
    } while (waited < 0 && errno == EINTR);
    pid_ = -1;
    if (waited < 0) return std::nullopt;
    return status;
  }

 private:
  pid_t pid_;
};

pid_t Spawn(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd, int& spawn_error) {
  SpawnFileActions actions;
  SpawnFileActions::Check(posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0));
  SpawnFileActions::Check(posix_spawn_file_actions_adddup2(actions.get(), stdout_fd, STDOUT_FILENO));
  SpawnFileActions::Check(posix_spawn_file_actions_adddup2(actions.get(), stderr_fd, STDERR_FILENO));
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  // Descriptors other code opened without O_CLOEXEC must not leak into the child either.
  SpawnFileActions::Check(posix_spawn_file_actions_addclosefrom_np(actions.get(), STDERR_FILENO + 1));
#endif

  SpawnAttributes attributes;
  sigset_t no_signals;
  sigemptyset(&no_signals);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  SpawnAttributes::Check(posix_spawnattr_setsigmask(attributes.get(), &no_signals));
  SpawnAttributes::Check(posix_spawnattr_setsigdefault(attributes.get(), &default_signals));
  SpawnAttributes::Check(posix_spawnattr_setflags(attributes.get(), POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  pid_t pid = -1;
  spawn_error = posix_spawnp(&pid, args[0], actions.get(), attributes.get(), args.data(), environ);
  return spawn_error == 0 ? pid : -1;
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
  if (argv.empty() || argv[0].empty()) throw std::invalid_argument("RunChildProcess: no program");
  ChildOutcome outcome;
  Pipe out = MakePipe();
  Pipe err = MakePipe();
  const pid_t pid = Spawn(argv, out.write_end.get(), err.write_end.get(), outcome.spawn_error);
  if (pid < 0) return outcome;
  ChildHandle child(pid);
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
