// A private temporary file holding given bytes, removed when the object goes away.
// ffmpeg reads buffers from one because MP4 needs a seekable input: from a pipe it
// cannot decode files whose index ('moov') follows the audio, the usual layout.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace engine::audio {

class TempFile {
 public:
  // Creates the file in $TMPDIR (else /tmp), mode 0600. Throws INTERNAL on failure.
  explicit TempFile(const std::vector<uint8_t>& contents);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace engine::audio
