#include "audio/undecodable.h"

#include "common/error.h"

namespace engine::audio {

void ThrowUndecodable(const std::string& reason) {
  throw Error(ErrorCode::AudioUndecodable,
              "The audio could not be decoded: " + reason +
                  ". Accepted: WAV, FLAC, Ogg Vorbis, Ogg Opus and MP3; with ffmpeg also WebM, MP4/M4A (AAC) "
                  "and the other formats ffmpeg reads.");
}

}  // namespace engine::audio
