// Decodes whatever ffmpeg reads (WebM/Opus, MP4/AAC, ...) by running it as a child process.
#pragma once

#include <optional>
#include <string>

#include "audio/audio_types.h"

namespace engine::audio {

struct FfmpegAttempt {
  std::optional<MonoPcm> pcm;  // Absent when ffmpeg could not run or could not decode.
  std::string failure;         // Then: why, for the error message.
};

// ffmpeg decodes the first audio stream of the file at `input_path` to 32-bit float at its
// ORIGINAL rate and channel count (we resample ourselves) and streams it back. The
// duration limit is enforced while reading, so an over-long input is cut off (ffmpeg is
// killed) as soon as it passes the limit: AUDIO_TOO_LONG.
FfmpegAttempt DecodeWithFfmpeg(const std::string& ffmpeg_path, const std::string& input_path,
                               double max_duration_sec);

}  // namespace engine::audio
