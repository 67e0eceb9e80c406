#include "audio/mono_downmixer.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "common/error.h"

namespace engine::audio {

void EnforceDurationLimit(int64_t frames, int sample_rate, double max_duration_sec) {
  const double seconds = static_cast<double>(frames) / sample_rate;
  if (seconds <= max_duration_sec) return;
  char message[160];
  std::snprintf(message, sizeof message,
                "The audio is longer than the limit of %g s (at least %.2f s); send a shorter recording.",
                max_duration_sec, seconds);
  throw Error(ErrorCode::AudioTooLong, message);
}

MonoDownmixer::MonoDownmixer(int sample_rate, int channels, double max_duration_sec)
    : max_duration_sec_(max_duration_sec) {
  pcm_.sample_rate = sample_rate;
  pcm_.channels = channels;
}

void MonoDownmixer::Reserve(int64_t frames) {
  // Capped, so a header that lies about its length cannot make us allocate gigabytes.
  const double limit_frames = max_duration_sec_ * pcm_.sample_rate + 1;
  if (frames > 0 && static_cast<double>(frames) <= limit_frames) pcm_.samples.reserve(static_cast<size_t>(frames));
}

void MonoDownmixer::Append(const float* interleaved, size_t frames) {
  EnforceDurationLimit(this->frames() + static_cast<int64_t>(frames), pcm_.sample_rate, max_duration_sec_);
  const size_t channels = static_cast<size_t>(pcm_.channels);
  const float scale = 1.0f / static_cast<float>(channels);
  for (size_t frame = 0; frame < frames; ++frame) {
    const float* first = interleaved + frame * channels;
    float sum = 0.0f;
    for (size_t channel = 0; channel < channels; ++channel) {
      const float value = first[channel];
      sum += std::isfinite(value) ? value : 0.0f;
    }
    pcm_.samples.push_back(sum * scale);
  }
}

}  // namespace engine::audio
