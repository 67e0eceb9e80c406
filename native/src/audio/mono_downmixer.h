// Averages interleaved multi-channel frames into one channel as they are decoded,
// so only mono audio is ever held, and stops the decode once it is too long.
#pragma once

#include <cstddef>
#include <cstdint>

#include "audio/audio_types.h"

namespace engine::audio {

// Throws AUDIO_TOO_LONG when `frames` at `sample_rate` last longer than `max_duration_sec`.
void EnforceDurationLimit(int64_t frames, int sample_rate, double max_duration_sec);

class MonoDownmixer {
 public:
  MonoDownmixer(int sample_rate, int channels, double max_duration_sec);

  // Pre-allocates for an expected length (a hint; ignored when beyond the limit).
  void Reserve(int64_t frames);

  // Appends `frames` interleaved frames (frames * channels floats). Non-finite samples
  // become 0. Throws AUDIO_TOO_LONG as soon as the total passes the limit.
  void Append(const float* interleaved, size_t frames);

  int64_t frames() const { return static_cast<int64_t>(pcm_.samples.size()); }
  MonoPcm Take() { return std::move(pcm_); }

 private:
  MonoPcm pcm_;
  double max_duration_sec_;
};

}  // namespace engine::audio
