#include "audio/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "audio/undecodable.h"

namespace engine::audio {

size_t MemoryByteSource::ReadAt(int64_t offset, void* destination, size_t count) {
  if (offset < 0 || offset >= size()) return 0;
  const size_t available = bytes_.size() - static_cast<size_t>(offset);
  const size_t n = std::min(count, available);
  std::memcpy(destination, bytes_.data() + offset, n);
  return n;
}

FileByteSource::FileByteSource(const std::string& path) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    ThrowUndecodable("cannot open the file '" + path + "' (" + std::strerror(errno) + ")");
  }
  fd_.Reset(fd);
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ThrowUndecodable("'" + path + "' is not a regular file");
  }
  size_ = static_cast<int64_t>(status.st_size);
}

size_t FileByteSource::ReadAt(int64_t offset, void* destination, size_t count) {
  size_t total = 0;
  auto* out = static_cast<char*>(destination);
  while (total < count) {
    const ssize_t n = ::pread(fd_.get(), out + total, count - total, static_cast<off_t>(offset) + total);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // End of file, or a read error, which the decoder sees as a short read.
    total += static_cast<size_t>(n);
  }
  return total;
}

}  // namespace engine::audio
