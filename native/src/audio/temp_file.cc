#include "audio/temp_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/unique_fd.h"
#include "common/error.h"

namespace engine::audio {
namespace {

std::string TempDirectory() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && dir[0] != '\0' ? dir : "/tmp";
}

[[noreturn]] void ThrowIo(const std::string& what, int error) {
  throw Error(ErrorCode::Internal, "Cannot write a temporary audio file (" + what + "): " + std::strerror(error) + ".");
}

}  // namespace

TempFile::TempFile(const std::vector<uint8_t>& contents) {
  std::string name = TempDirectory() + "/pronunciation-engine-XXXXXX";
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) ThrowIo(name, errno);
  UniqueFd file(fd);
  path_ = name;
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(file.get(), contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      ::unlink(path_.c_str());
      ThrowIo(path_, error);
    }
    written += static_cast<size_t>(n);
  }
}

TempFile::~TempFile() { ::unlink(path_.c_str()); }

}  // namespace engine::audio
