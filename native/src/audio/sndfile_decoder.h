// Decodes WAV, FLAC, Ogg Vorbis/Opus, MP3 and the other formats libsndfile reads.
#pragma once

#include <optional>
#include <string>

#include "audio/audio_types.h"
#include "audio/byte_source.h"

namespace engine::audio {

struct SndfileAttempt {
  std::optional<MonoPcm> pcm;  // Absent when libsndfile does not recognise the input.
  std::string open_error;      // Why it was not recognised.
};

// Returns no audio (and the reason) when libsndfile cannot open the input, so another
// decoder may try. Once it has opened it, a stream that fails part-way or yields fewer
// frames than its header promised (a truncated FLAC, say) is AUDIO_UNDECODABLE: we
// refuse to score a fragment of what the speaker said. Audio longer than
// `max_duration_sec` is AUDIO_TOO_LONG, judged from the header when it states the length.
SndfileAttempt DecodeWithSndfile(ByteSource& source, double max_duration_sec);

}  // namespace engine::audio
