// The audio stage: any supported input to 16 kHz mono float32.
//
// libsndfile decodes WAV, FLAC, Ogg Vorbis, Ogg Opus, MP3 (and AIFF, CAF, ...) in
// process; what it does not recognise goes to ffmpeg, if enabled. The result is averaged
// to mono at its original rate, resampled with libsoxr (see resampler.h) and clamped to
// [-1, 1] (non-finite samples become 0).
//
// Errors: AUDIO_UNDECODABLE for unreadable, empty, unrecognised, corrupt or truncated
// input and for audio without samples; AUDIO_TOO_LONG beyond options.max_duration_sec,
// decided from the header when it states the length and otherwise while decoding.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audio/audio_types.h"

namespace engine::audio {

DecodedAudio DecodeFile(const std::string& path, const DecodeOptions& options);
DecodedAudio DecodeBuffer(const std::vector<uint8_t>& bytes, const DecodeOptions& options);

// Mono samples the caller already has, at any whole sample rate, treated exactly as a decoded
// file's: AUDIO_TOO_LONG beyond the limit, AUDIO_UNDECODABLE when empty, non-finite samples
// replaced by 0, resampled to 16 kHz and clamped to [-1, 1]. INVALID_INPUT for a rate <= 0.
DecodedAudio DecodeSamples(const std::vector<float>& samples, int sample_rate, const DecodeOptions& options);

}  // namespace engine::audio
