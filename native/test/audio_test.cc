// Audio stage: decoding in-memory WAVs built here, resampling, the ffmpeg child process.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "audio/au_stream_parser.h"
#include "audio/audio_decoder.h"
#include "audio/child_process.h"
#include "audio/ffmpeg_decoder.h"
#include "audio/resampler.h"
#include "audio/temp_file.h"
#include "common/error.h"
#include "test_support.h"

namespace {

using testing::CodeOf;

using engine::ErrorCode;
namespace audio = engine::audio;

constexpr double kPi = 3.14159265358979323846;

void PutLittleEndian(std::vector<uint8_t>& out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void PutText(std::vector<uint8_t>& out, const char* text) { out.insert(out.end(), text, text + std::strlen(text)); }

// A canonical RIFF/WAVE file: 16-bit PCM (format 1) or 32-bit float (format 3).
std::vector<uint8_t> MakeWav(const std::vector<std::vector<float>>& channels, int rate, bool float32) {
  const uint32_t frames = channels.empty() ? 0 : static_cast<uint32_t>(channels[0].size());
  const uint32_t count = static_cast<uint32_t>(channels.size());
  const uint32_t bytes_per_sample = float32 ? 4 : 2;
  const uint32_t data_bytes = frames * count * bytes_per_sample;
  std::vector<uint8_t> wav;
  PutText(wav, "RIFF");
  PutLittleEndian(wav, 36 + data_bytes, 4);
  PutText(wav, "WAVEfmt ");
  PutLittleEndian(wav, 16, 4);
  PutLittleEndian(wav, float32 ? 3 : 1, 2);
  PutLittleEndian(wav, count, 2);
  PutLittleEndian(wav, static_cast<uint32_t>(rate), 4);
  PutLittleEndian(wav, static_cast<uint32_t>(rate) * count * bytes_per_sample, 4);
  PutLittleEndian(wav, count * bytes_per_sample, 2);
  PutLittleEndian(wav, bytes_per_sample * 8, 2);
  PutText(wav, "data");
  PutLittleEndian(wav, data_bytes, 4);
  for (uint32_t frame = 0; frame < frames; ++frame) {
    for (const auto& channel : channels) {
      if (float32) {
        uint32_t bits;
        std::memcpy(&bits, &channel[frame], 4);
        PutLittleEndian(wav, bits, 4);
      } else {
        const long value = std::lround(channel[frame] * 32767.0);
        PutLittleEndian(wav, static_cast<uint32_t>(static_cast<int16_t>(value)), 2);
      }
    }
  }
  return wav;
}

std::vector<float> Sine(double frequency, double amplitude, double rate, size_t count) {
  std::vector<float> out(count);
  for (size_t i = 0; i < count; ++i) out[i] = static_cast<float>(amplitude * std::sin(2 * kPi * frequency * i / rate));
  return out;
}

// Largest |actual - expected| over the samples that are at least `edge` from either end.
double MaxErrorAwayFromEdges(const std::vector<float>& actual, const std::vector<float>& expected, size_t edge) {
  double worst = 0;
  for (size_t i = edge; i + edge < actual.size() && i < expected.size(); ++i) {
    worst = std::fmax(worst, std::fabs(double{actual[i]} - expected[i]));
  }
  return worst;
}

audio::DecodeOptions Options(double max_duration_sec = 60, std::string ffmpeg = "") {
  audio::DecodeOptions options;
  options.max_duration_sec = max_duration_sec;
  options.ffmpeg_path = std::move(ffmpeg);
  return options;
}

bool FfmpegAvailable() {
  return audio::RunChildProcess({"ffmpeg", "-version"}, [](const uint8_t*, size_t) {}).spawn_error == 0;
}

// True when this process has no child left, reaped or not.
bool NoChildrenLeft() {
  int status;
  return ::waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD;
}

TEST_CASE("audio: 16-bit stereo WAV from memory decodes to the 16 kHz sine") {
  const int rate = 44100;
  const size_t frames = rate / 2;
  const auto left = Sine(440, 0.5, rate, frames);
  const auto wav = MakeWav({left, left}, rate, false);
  const audio::DecodedAudio decoded = audio::DecodeBuffer(wav, Options());
  EXPECT(decoded.decoder == audio::DecoderKind::Libsndfile);
  EXPECT(decoded.original_sample_rate == rate);
  EXPECT(decoded.original_channels == 2);
  EXPECT_NEAR(decoded.original_duration_sec, 0.5, 1e-9);
  EXPECT(decoded.samples.size() == 8000);
  // 16-bit quantisation (3e-5 at full scale) bounds the error; 64 edge samples excluded.
  EXPECT(MaxErrorAwayFromEdges(decoded.samples, Sine(440, 0.5, 16000, 8000), 64) < 2e-4);
}

TEST_CASE("audio: float WAV channels are averaged to mono") {
  const int rate = 16000;
  const auto left = Sine(300, 0.8, rate, 4000);
  const std::vector<float> right(4000, 0.0f);
  const audio::DecodedAudio decoded = audio::DecodeBuffer(MakeWav({left, right}, rate, true), Options());
  EXPECT(decoded.samples.size() == 4000);
  EXPECT(MaxErrorAwayFromEdges(decoded.samples, Sine(300, 0.4, rate, 4000), 0) < 1e-6);
}

TEST_CASE("audio: samples beyond [-1, 1] and NaN are clamped and zeroed") {
  std::vector<float> samples(1600, 3.0f);
  samples[800] = std::nanf("");
  const audio::DecodedAudio decoded = audio::DecodeBuffer(MakeWav({samples}, 16000, true), Options());
  bool in_range = true;
  for (float s : decoded.samples) in_range = in_range && std::isfinite(s) && s >= -1.0f && s <= 1.0f;
  EXPECT(in_range);
  EXPECT(decoded.samples[10] == 1.0f);
  EXPECT(decoded.samples[800] == 0.0f);
}

TEST_CASE("audio: resample 48 kHz sine to 16 kHz matches the analytic signal, no delay") {
  const size_t n = 48000;
  const auto output = audio::Resample(Sine(1000, 0.5, 48000, n), 48000, 16000);
  EXPECT(output.size() == 16000);
  // VHQ soxr: error far below 1e-4 once its filter has settled (edges excluded).
  EXPECT(MaxErrorAwayFromEdges(output, Sine(1000, 0.5, 16000, 16000), 200) < 1e-4);
}

TEST_CASE("audio: resample output length is round(n * to / from)") {
  EXPECT(audio::Resample(std::vector<float>(12345, 0.1f), 44100, 16000).size() == 4479);
  EXPECT(audio::Resample(std::vector<float>(7, 0.1f), 22050, 16000).size() == 5);
  EXPECT(audio::Resample(std::vector<float>(1, 0.1f), 96000, 16000).empty());
  EXPECT(audio::Resample(std::vector<float>(), 8000, 16000).empty());
  const std::vector<float> same = {0.1f, -0.2f, 0.3f};
  EXPECT(audio::Resample(same, 16000, 16000) == same);
  EXPECT(CodeOf([] { audio::Resample({0.0f}, 0, 16000); }) == ErrorCode::InvalidInput);
  EXPECT(CodeOf([] { audio::Resample({0.0f}, 16000, std::nan("")); }) == ErrorCode::InvalidInput);
}

TEST_CASE("audio: bad inputs are AUDIO_UNDECODABLE, long ones AUDIO_TOO_LONG") {
  std::string message;
  EXPECT(CodeOf([] { audio::DecodeBuffer({}, Options()); }, &message) == ErrorCode::AudioUndecodable);
  EXPECT(message.find("empty") != std::string::npos);

  const std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o', '\n'};
  EXPECT(CodeOf([&] { audio::DecodeBuffer(text, Options()); }, &message) == ErrorCode::AudioUndecodable);
  EXPECT(message.find("Accepted") != std::string::npos);

  const auto no_samples = MakeWav({std::vector<float>()}, 16000, false);
  EXPECT(CodeOf([&] { audio::DecodeBuffer(no_samples, Options()); }, &message) == ErrorCode::AudioUndecodable);
  EXPECT(message.find("no samples") != std::string::npos);

  const auto two_seconds = MakeWav({std::vector<float>(16000 * 2, 0.0f)}, 16000, false);
  EXPECT(CodeOf([&] { audio::DecodeBuffer(two_seconds, Options(1.5)); }) == ErrorCode::AudioTooLong);
  EXPECT(audio::DecodeBuffer(two_seconds, Options(2.0)).samples.size() == 32000);  // Exactly at the limit.

  EXPECT(CodeOf([&] { audio::DecodeBuffer(two_seconds, Options(0)); }) == ErrorCode::InvalidInput);
  EXPECT(CodeOf([] { audio::DecodeFile("/nonexistent/audio.wav", Options()); }) == ErrorCode::AudioUndecodable);
  EXPECT(CodeOf([] { audio::DecodeFile("/", Options()); }) == ErrorCode::AudioUndecodable);

  EXPECT(CodeOf([&] { audio::DecodeBuffer(text, Options(60, "/nonexistent/ffmpeg")); }, &message) ==
         ErrorCode::AudioUndecodable);
  EXPECT(message.find("could not be started") != std::string::npos);
  EXPECT(NoChildrenLeft());
}

TEST_CASE("audio: file decoding reads the same bytes as buffer decoding") {
  const auto wav = MakeWav({Sine(440, 0.3, 22050, 22050)}, 22050, false);
  const audio::TempFile file(wav);
  const audio::DecodedAudio from_file = audio::DecodeFile(file.path(), Options());
  EXPECT(from_file.samples == audio::DecodeBuffer(wav, Options()).samples);
  EXPECT(from_file.samples.size() == 16000);
}

std::vector<uint8_t> MakeAu(const std::vector<float>& interleaved, uint32_t rate, uint32_t channels, uint32_t offset) {
  std::vector<uint8_t> au;
  for (uint32_t word : {0x2e736e64u, offset, 0xffffffffu, 6u, rate, channels}) {
    for (int shift = 24; shift >= 0; shift -= 8) au.push_back(static_cast<uint8_t>(word >> shift));
  }
  au.resize(offset, 0);  // Annotation bytes.
  for (float sample : interleaved) {
    uint32_t bits;
    std::memcpy(&bits, &sample, 4);
    for (int shift = 24; shift >= 0; shift -= 8) au.push_back(static_cast<uint8_t>(bits >> shift));
  }
  return au;
}

TEST_CASE("audio: .au stream parser handles byte-by-byte input and annotations") {
  const std::vector<float> interleaved = {0.5f, -0.5f, 0.25f, -0.25f, 1.0f, -1.0f};
  const auto au = MakeAu(interleaved, 48000, 2, 40);
  audio::AuStreamParser parser;
  std::vector<float> collected;
  for (uint8_t byte : au) {
    parser.Feed(&byte, 1);
    collected.insert(collected.end(), parser.frames().begin(), parser.frames().end());
  }
  EXPECT(parser.has_header());
  EXPECT(parser.sample_rate() == 48000);
  EXPECT(parser.channels() == 2);
  EXPECT(collected == interleaved);

  auto bad = au;
  bad[0] = 'x';
  audio::AuStreamParser rejecting;
  EXPECT(CodeOf([&] { rejecting.Feed(bad.data(), bad.size()); }) == ErrorCode::AudioUndecodable);
  auto not_float = au;
  not_float[15] = 3;  // Encoding 3: 16-bit linear PCM.
  audio::AuStreamParser rejecting_pcm;
  EXPECT(CodeOf([&] { rejecting_pcm.Feed(not_float.data(), not_float.size()); }) == ErrorCode::AudioUndecodable);
}

TEST_CASE("audio: child process exit codes, missing programs, killed on a throwing sink") {
  const auto ignore = [](const uint8_t*, size_t) {};
  const auto ok = audio::RunChildProcess({"true"}, ignore);
  EXPECT(ok.spawn_error == 0 && ok.exited && ok.exit_code == 0);
  const auto failed = audio::RunChildProcess({"false"}, ignore);
  EXPECT(failed.exited && failed.exit_code == 1);
  const auto missing = audio::RunChildProcess({"/nonexistent/program"}, ignore);
  EXPECT(missing.spawn_error == ENOENT);

  size_t received = 0;
  const auto counted = audio::RunChildProcess({"head", "-c", "3000000", "/dev/zero"},
                                              [&](const uint8_t*, size_t size) { received += size; });
  EXPECT(counted.exited && counted.exit_code == 0);
  EXPECT(received == 3000000);

  const auto stderr_only = audio::RunChildProcess({"ls", "/nonexistent/path"}, ignore);
  EXPECT(stderr_only.exited && stderr_only.exit_code != 0);
  EXPECT(stderr_only.stderr_tail.find("nonexistent") != std::string::npos);

  bool threw = false;
  try {
    audio::RunChildProcess({"cat", "/dev/zero"}, [](const uint8_t*, size_t) { throw std::runtime_error("enough"); });
  } catch (const std::runtime_error&) {
    threw = true;
  }
  EXPECT(threw);
  EXPECT(NoChildrenLeft());
}

TEST_CASE("audio: ffmpeg decodes at the original rate and stops at the duration limit") {
  if (!FfmpegAvailable()) {
    std::fprintf(stderr, "  (ffmpeg not on PATH: skipped)\n");
    return;
  }
  const int rate = 22050;
  const auto left = Sine(440, 0.5, rate, rate);
  const auto right = Sine(440, 0.1, rate, rate);
  const audio::TempFile file(MakeWav({left, right}, rate, true));
  const audio::FfmpegAttempt attempt = audio::DecodeWithFfmpeg("ffmpeg", file.path(), 60);
  EXPECT(attempt.pcm.has_value());
  if (attempt.pcm) {
    EXPECT(attempt.pcm->sample_rate == rate);
    EXPECT(attempt.pcm->channels == 2);
    EXPECT(attempt.pcm->samples.size() == static_cast<size_t>(rate));
    EXPECT(MaxErrorAwayFromEdges(attempt.pcm->samples, Sine(440, 0.3, rate, rate), 0) < 1e-6);
  }
  EXPECT(CodeOf([&] { audio::DecodeWithFfmpeg("ffmpeg", file.path(), 0.5); }) == ErrorCode::AudioTooLong);

  const audio::TempFile text(std::vector<uint8_t>{'n', 'o', 't', ' ', 'a', 'u', 'd', 'i', 'o'});
  const audio::FfmpegAttempt refused = audio::DecodeWithFfmpeg("ffmpeg", text.path(), 60);
  EXPECT(!refused.pcm.has_value());
  EXPECT(refused.failure.find("could not decode") != std::string::npos);
  EXPECT(refused.failure.find(text.path()) == std::string::npos);
  EXPECT(NoChildrenLeft());
}

}  // namespace
