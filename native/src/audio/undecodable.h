// The one way the audio stage reports input it cannot decode, so every such message
// ends by saying what would be accepted.
#pragma once

#include <string>

namespace engine::audio {

// Throws AUDIO_UNDECODABLE: "The audio could not be decoded: <reason>. Accepted: ...".
[[noreturn]] void ThrowUndecodable(const std::string& reason);

}  // namespace engine::audio
