#include "audio/sndfile_decoder.h"

#include <sndfile.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

#include "audio/mono_downmixer.h"
#include "audio/undecodable.h"

namespace engine::audio {
namespace {

struct VirtualFile {
  ByteSource& source;
  sf_count_t position = 0;
};

sf_count_t VirtualLength(void* user) { return static_cast<VirtualFile*>(user)->source.size(); }

// SEEK_END is refused on purpose. Given the file size, mpg123 estimates an MP3's length
// from its first frame's bitrate, and libsndfile then treats that estimate as a hard
// limit, silently cutting VBR files without a Xing header short. Without SEEK_END the
// length is known only when the stream states it; otherwise libsndfile reads to the end.
// No other format libsndfile reads seeks from the end (the tests cover each one we accept).
sf_count_t VirtualSeek(sf_count_t offset, int whence, void* user) {
  auto* file = static_cast<VirtualFile*>(user);
  sf_count_t base;
  if (whence == SEEK_SET) {
    base = 0;
  } else if (whence == SEEK_CUR) {
    base = file->position;
  } else {
    return -1;
  }
  const sf_count_t target = base + offset;
  if (target < 0 || target > file->source.size()) return -1;
  file->position = target;
  return target;
}

sf_count_t VirtualRead(void* destination, sf_count_t count, void* user) {
  auto* file = static_cast<VirtualFile*>(user);
  if (count <= 0) return 0;
  const size_t n = file->source.ReadAt(file->position, destination, static_cast<size_t>(count));
  file->position += static_cast<sf_count_t>(n);
  return static_cast<sf_count_t>(n);
}

sf_count_t VirtualWrite(const void*, sf_count_t, void*) { return 0; }

sf_count_t VirtualTell(void* user) { return static_cast<VirtualFile*>(user)->position; }

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndfileHandle = std::unique_ptr<SNDFILE, SndfileCloser>;

// Opens are serialised: libsndfile reports a failed open through a process-wide error
// value, and the MP3 reader calls mpg123_init, which mpg123 does not promise is thread-safe.
std::mutex& OpenMutex() {
  static std::mutex mutex;
  return mutex;
}

SndfileHandle Open(VirtualFile& file, SF_INFO& info, std::string& open_error) {
  SF_VIRTUAL_IO io = {VirtualLength, VirtualSeek, VirtualRead, VirtualWrite, VirtualTell};
  std::lock_guard<std::mutex> lock(OpenMutex());
  SndfileHandle handle(sf_open_virtual(&io, SFM_READ, &info, &file));
  if (!handle) open_error = sf_error_number(sf_error(nullptr));
  return handle;
}

[[noreturn]] void ThrowCorrupt(const std::string& detail) {
  ThrowUndecodable("the stream is corrupt or truncated (" + detail + "); send the complete recording");
}

}  // namespace

SndfileAttempt DecodeWithSndfile(ByteSource& source, double max_duration_sec) {
  SndfileAttempt attempt;
  VirtualFile file{source};
  SF_INFO info{};
  SndfileHandle handle = Open(file, info, attempt.open_error);
  if (!handle) return attempt;
  if (info.channels < 1 || info.samplerate < 1) {
    ThrowUndecodable("its header declares no channels or no sample rate");
  }

  const bool length_known = info.frames >= 0 && info.frames != SF_COUNT_MAX;
  if (length_known) EnforceDurationLimit(info.frames, info.samplerate, max_duration_sec);

  MonoDownmixer mixer(info.samplerate, info.channels, max_duration_sec);
  if (length_known) mixer.Reserve(info.frames);
  constexpr sf_count_t kBlockFrames = 4096;
  std::vector<float> block(static_cast<size_t>(kBlockFrames) * static_cast<size_t>(info.channels));
  for (;;) {
    const sf_count_t read = sf_readf_float(handle.get(), block.data(), kBlockFrames);
    if (read <= 0) break;
    mixer.Append(block.data(), static_cast<size_t>(read));
  }

  if (sf_error(handle.get()) != SF_ERR_NO_ERROR) ThrowCorrupt(std::string("libsndfile: ") + sf_strerror(handle.get()));
  if (length_known && mixer.frames() < info.frames) {
    char detail[128];
    std::snprintf(detail, sizeof detail, "the header promises %lld frames, only %lld could be decoded",
                  static_cast<long long>(info.frames), static_cast<long long>(mixer.frames()));
    ThrowCorrupt(detail);
  }
  attempt.pcm = mixer.Take();
  return attempt;
}

}  // namespace engine::audio
