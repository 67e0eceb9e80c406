#include "g2p/ipc.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace engine::g2p::ipc {
namespace {

void PutU32(std::string& out, uint32_t value) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<char>((value >> (8 * k)) & 0xFF));
}

uint32_t GetU32(const char* data) {
  uint32_t value = 0;
  for (int k = 0; k < 4; ++k) value |= static_cast<uint32_t>(static_cast<unsigned char>(data[k])) << (8 * k);
  return value;
}

// Waits until fd is ready for `events` or the deadline passes (no deadline: wait for ever).
void WaitReady(int fd, short events, std::optional<Clock::time_point> deadline) {
  for (;;) {
    int timeout = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) throw ChannelError("timed out");
      timeout = static_cast<int>(std::min<long long>(left, 1 << 30));
    }
    pollfd p{fd, events, 0};
    const int ready = ::poll(&p, 1, timeout);
    if (ready > 0) return;  // readable, writable, or hung up: the read/write call tells which
    if (ready < 0 && errno != EINTR) throw ChannelError(std::string("poll: ") + std::strerror(errno));
  }
}

// Reads exactly size bytes; returns false on end of file before the first byte when allow_eof.
bool ReadExact(int fd, char* data, size_t size, std::optional<Clock::time_point> deadline, bool allow_eof) {
  size_t done = 0;
  while (done < size) {
    WaitReady(fd, POLLIN, deadline);
    const ssize_t n = ::read(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw ChannelError(std::string("read: ") + std::strerror(errno));
    }
    if (n == 0) {
      if (done == 0 && allow_eof) return false;
      throw ChannelError("the peer closed the connection in the middle of a frame");
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

FrameBuilder& FrameBuilder::Add(std::string_view field) {
  PutU32(payload_, static_cast<uint32_t>(field.size()));
  payload_.append(field.data(), field.size());
  return *this;
}

FrameBuilder& FrameBuilder::AddU32(uint32_t value) {
  std::string bytes;
  PutU32(bytes, value);
  return Add(bytes);
}

std::string_view FrameReader::Next() {
  if (payload_.size() - pos_ < 4) throw ChannelError("malformed frame: missing field");
  const uint32_t size = GetU32(payload_.data() + pos_);
  pos_ += 4;
  if (payload_.size() - pos_ < size) throw ChannelError("malformed frame: field past the end");
  const std::string_view field = payload_.substr(pos_, size);
  pos_ += size;
  return field;
}

uint32_t FrameReader::NextU32() {
  const std::string_view field = Next();
  if (field.size() != 4) throw ChannelError("malformed frame: expected a number");
  return GetU32(field.data());
}

void WriteFrame(int fd, std::string_view payload, Clock::time_point deadline) {
  if (payload.size() > kMaxFrameBytes) throw ChannelError("frame too large");
  std::string data;
  PutU32(data, static_cast<uint32_t>(payload.size()));
  data.append(payload.data(), payload.size());
  size_t done = 0;
  while (done < data.size()) {
    WaitReady(fd, POLLOUT, deadline);
    // send() on a socket with MSG_NOSIGNAL: a vanished peer is EPIPE, not SIGPIPE.
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw ChannelError(std::string("write: ") + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
}

std::optional<std::string> ReadFrame(int fd, std::optional<Clock::time_point> deadline) {
  char header[4];
  if (!ReadExact(fd, header, 4, deadline, true)) return std::nullopt;
  const uint32_t size = GetU32(header);
  if (size > kMaxFrameBytes) throw ChannelError("malformed frame: length " + std::to_string(size));
  std::string payload(size, '\0');
  ReadExact(fd, payload.data(), size, deadline, false);
  return payload;
}

}  // namespace engine::g2p::ipc
