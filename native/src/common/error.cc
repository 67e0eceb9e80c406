#include "common/error.h"

namespace engine {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidInput: return "INVALID_INPUT";
    case ErrorCode::AudioUndecodable: return "AUDIO_UNDECODABLE";
    case ErrorCode::AudioTooLong: return "AUDIO_TOO_LONG";
    case ErrorCode::AudioTooLarge: return "AUDIO_TOO_LARGE";
    case ErrorCode::AudioSilent: return "AUDIO_SILENT";
    case ErrorCode::AudioTooShort: return "AUDIO_TOO_SHORT";
    case ErrorCode::UnsupportedLanguage: return "UNSUPPORTED_LANGUAGE";
    case ErrorCode::ModelUnavailable: return "MODEL_UNAVAILABLE";
    case ErrorCode::Internal: return "INTERNAL";
  }
  return "INTERNAL";
}

}  // namespace engine
