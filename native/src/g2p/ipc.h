// Framing for the pipe between the addon and the espeak-ng helper process (espeak_client.h).
//
// A frame is a little-endian u32 byte count followed by that many bytes; its payload is a
// sequence of fields, each a u32 byte count and the bytes. Reads and writes retry on EINTR and
// give up at a deadline (poll), so a stuck peer never blocks a caller for ever.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace engine::g2p::ipc {

// Frames larger than this are refused (a corrupt length must not allocate gigabytes).
inline constexpr uint32_t kMaxFrameBytes = 64u << 20;

using Clock = std::chrono::steady_clock;

// The peer closed the connection, timed out, or sent something malformed.
struct ChannelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class FrameBuilder {
 public:
  FrameBuilder& Add(std::string_view field);
  FrameBuilder& AddU32(uint32_t value);
  const std::string& Payload() const { return payload_; }

 private:
  std::string payload_;
};

class FrameReader {
 public:
  explicit FrameReader(std::string_view payload) : payload_(payload) {}
  // The next field; ChannelError when the payload ends early.
  std::string_view Next();
  uint32_t NextU32();
  bool AtEnd() const { return pos_ == payload_.size(); }

 private:
  std::string_view payload_;
  size_t pos_ = 0;
};

// Writes one frame; ChannelError when the peer is gone or the deadline passes.
void WriteFrame(int fd, std::string_view payload, Clock::time_point deadline);

// Reads one frame; nullopt on a clean end of file before any byte of it. ChannelError on a
// partial frame, an oversized length or the deadline passing.
std::optional<std::string> ReadFrame(int fd, std::optional<Clock::time_point> deadline);

}  // namespace engine::g2p::ipc
