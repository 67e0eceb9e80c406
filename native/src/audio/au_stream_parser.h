// Incremental parser for the Sun/NeXT .au stream that ffmpeg writes to a pipe
// (`-f au -c:a pcm_f32be`). Chosen over WAV because its header is fixed and states
// "length unknown" plainly, so it streams. Layout (all big-endian 32-bit words):
// magic ".snd", data offset, data size (0xffffffff: unknown), encoding (6: IEEE float),
// sample rate, channels; samples start at the data offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace engine::audio {

class AuStreamParser {
 public:
  // Consumes bytes; afterwards frames() holds the complete frames they finished.
  // Throws AUDIO_UNDECODABLE when the header is not a float32 .au header.
  void Feed(const uint8_t* data, size_t size);

  bool has_header() const { return channels_ > 0; }
  int sample_rate() const { return sample_rate_; }
  int channels() const { return channels_; }
  // Interleaved frames completed by the last Feed.
  const std::vector<float>& frames() const { return frames_; }
  size_t frame_count() const { return channels_ > 0 ? frames_.size() / static_cast<size_t>(channels_) : 0; }

 private:
  bool TryParseHeader();
  void DecodeCompleteFrames();

  std::vector<uint8_t> pending_;
  std::vector<float> frames_;
  int sample_rate_ = 0;
  int channels_ = 0;
};

}  // namespace engine::audio
