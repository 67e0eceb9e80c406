// The one exception type the engine core throws. Its code is one of the
// contract's error codes, so the binding can hand it to JavaScript unchanged.
#pragma once

#include <stdexcept>
#include <string>

namespace engine {

enum class ErrorCode {
  InvalidInput,
  AudioUndecodable,
  AudioTooLong,
  AudioTooLarge,
  AudioSilent,
  AudioTooShort,
  UnsupportedLanguage,
  ModelUnavailable,
  Internal,
};

const char* ErrorCodeName(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace engine
