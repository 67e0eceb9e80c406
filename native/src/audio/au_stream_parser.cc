#include "audio/au_stream_parser.h"

#include <cstring>
#include <string>

#include "audio/undecodable.h"

namespace engine::audio {
namespace {

constexpr uint32_t kMagic = 0x2e736e64;  // ".snd"
constexpr uint32_t kFloat32Encoding = 6;
constexpr size_t kHeaderWords = 6;
constexpr uint32_t kMaxDataOffset = 1 << 20;
constexpr uint32_t kMaxChannels = 1024;
constexpr uint32_t kMaxSampleRate = 10'000'000;

uint32_t ReadBigEndian32(const uint8_t* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) | uint32_t{bytes[3]};
}

[[noreturn]] void ThrowBadHeader(const char* what) {
  ThrowUndecodable(std::string("ffmpeg's decoded output is not usable (") + what + ")");
}

}  // namespace

void AuStreamParser::Feed(const uint8_t* data, size_t size) {
  frames_.clear();
  pending_.insert(pending_.end(), data, data + size);
  if (!has_header() && !TryParseHeader()) return;
  DecodeCompleteFrames();
}

bool AuStreamParser::TryParseHeader() {
  if (pending_.size() < kHeaderWords * 4) return false;
  const uint8_t* header = pending_.data();
  if (ReadBigEndian32(header) != kMagic) ThrowBadHeader("no .au header");
  const uint32_t data_offset = ReadBigEndian32(header + 4);
  const uint32_t encoding = ReadBigEndian32(header + 12);
  const uint32_t sample_rate = ReadBigEndian32(header + 16);
  const uint32_t channels = ReadBigEndian32(header + 20);
  if (data_offset < kHeaderWords * 4 || data_offset > kMaxDataOffset) ThrowBadHeader("bad data offset");
  if (encoding != kFloat32Encoding) ThrowBadHeader("samples are not 32-bit float");
  if (sample_rate == 0 || sample_rate > kMaxSampleRate) ThrowBadHeader("bad sample rate");
  if (channels == 0 || channels > kMaxChannels) ThrowBadHeader("bad channel count");
  if (pending_.size() < data_offset) return false;  // Annotation not complete yet.
  pending_.erase(pending_.begin(), pending_.begin() + data_offset);
  sample_rate_ = static_cast<int>(sample_rate);
  channels_ = static_cast<int>(channels);
  return true;
}

void AuStreamParser::DecodeCompleteFrames() {
  const size_t frame_bytes = static_cast<size_t>(channels_) * 4;
  const size_t samples = pending_.size() / frame_bytes * static_cast<size_t>(channels_);
  frames_.resize(samples);
  for (size_t i = 0; i < samples; ++i) {
    const uint32_t bits = ReadBigEndian32(pending_.data() + i * 4);
    std::memcpy(&frames_[i], &bits, sizeof bits);
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(samples * 4));
}

}  // namespace engine::audio
