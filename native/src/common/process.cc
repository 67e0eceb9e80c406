#include "common/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

extern char** environ;

namespace engine {
namespace {

constexpr int kChannelFd = 3;

[[noreturn]] void ThrowErrno(int error, const char* what) { throw std::system_error(error, std::generic_category(), what); }

void Check(int error, const char* what) {
  if (error != 0) ThrowErrno(error, what);
}

// Owns one of posix_spawn's init/destroy objects.
template <typename T, int (*Init)(T*), int (*Destroy)(T*)>
class SpawnObject {
 public:
  SpawnObject() { Check(Init(&object_), "posix_spawn setup"); }
  ~SpawnObject() { Destroy(&object_); }
  SpawnObject(const SpawnObject&) = delete;
  SpawnObject& operator=(const SpawnObject&) = delete;
  T* get() { return &object_; }

 private:
  T object_;
};
using FileActions = SpawnObject<posix_spawn_file_actions_t, posix_spawn_file_actions_init, posix_spawn_file_actions_destroy>;
using Attributes = SpawnObject<posix_spawnattr_t, posix_spawnattr_init, posix_spawnattr_destroy>;

// `target` becomes a copy of `fd`, or /dev/null when fd is -1.
void Route(FileActions& actions, int fd, int target, int null_flags) {
  if (fd < 0) {
    Check(posix_spawn_file_actions_addopen(actions.get(), target, "/dev/null", null_flags, 0), "posix_spawn_file_actions_addopen");
  } else {
    Check(posix_spawn_file_actions_adddup2(actions.get(), fd, target), "posix_spawn_file_actions_adddup2");
  }
}

}  // namespace

Spawned Spawn(const std::vector<std::string>& argv, const SpawnDescriptors& descriptors) {
  if (argv.empty() || argv[0].empty()) throw std::invalid_argument("Spawn: no program");
  FileActions actions;
  Route(actions, -1, STDIN_FILENO, O_RDONLY);
  Route(actions, descriptors.stdout_fd, STDOUT_FILENO, O_WRONLY);
  Route(actions, descriptors.stderr_fd, STDERR_FILENO, O_WRONLY);
  int last = STDERR_FILENO;
  if (descriptors.channel_fd >= 0) {
    Route(actions, descriptors.channel_fd, kChannelFd, O_RDWR);
    last = kChannelFd;
  }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  // Descriptors other code opened without O_CLOEXEC must not leak into the child either.
  Check(posix_spawn_file_actions_addclosefrom_np(actions.get(), last + 1), "posix_spawn_file_actions_addclosefrom_np");
#endif

  Attributes attributes;
  sigset_t no_signals;
  sigemptyset(&no_signals);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  Check(posix_spawnattr_setsigmask(attributes.get(), &no_signals), "posix_spawnattr_setsigmask");
  Check(posix_spawnattr_setsigdefault(attributes.get(), &default_signals), "posix_spawnattr_setsigdefault");
  Check(posix_spawnattr_setflags(attributes.get(), POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF), "posix_spawnattr_setflags");

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  Spawned spawned;
  spawned.error = posix_spawnp(&spawned.pid, args[0], actions.get(), attributes.get(), args.data(), environ);
  if (spawned.error != 0) spawned.pid = -1;
  return spawned;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Kill();
    pid_ = std::exchange(other.pid_, -1);
  }
  return *this;
}

std::optional<int> ChildProcess::Wait() {
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  pid_t waited;
  do {
    waited = ::waitpid(pid_, &status, 0);
  } while (waited < 0 && errno == EINTR);
  pid_ = -1;
  if (waited < 0) return std::nullopt;
  return status;
}

void ChildProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  Wait();
}

void MoveAbove(UniqueFd& fd, int floor) {
  if (fd.get() > floor) return;
  const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, floor + 1);
  if (moved < 0) ThrowErrno(errno, "fcntl");
  fd.Reset(moved);
}

}  // namespace engine
