#include "audio/ffmpeg_decoder.h"

#include <cstring>
#include <vector>

#include "audio/au_stream_parser.h"
#include "audio/child_process.h"
#include "audio/mono_downmixer.h"

namespace engine::audio {
namespace {

std::string InputUrl(const std::string& path) { return "file:" + path; }

std::vector<std::string> FfmpegArguments(const std::string& ffmpeg_path, const std::string& input_path) {
  return {ffmpeg_path,
          "-hide_banner", "-nostdin", "-loglevel", "error",
          // Local files only: a playlist in the input must not make ffmpeg fetch anything.
          "-protocol_whitelist", "file",
          "-i", InputUrl(input_path),
          "-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1",
          "-c:a", "pcm_f32be", "-f", "au", "pipe:1"};
}

// The last non-empty line ffmpeg printed, usually the one that says what went wrong,
// with the input's path (perhaps one of our temporary files) replaced by "input".
std::string LastLine(const std::string& text, const std::string& input_url) {
  const size_t last = text.find_last_not_of(" \r\n\t");
  if (last == std::string::npos) return "";
  const size_t newline = text.find_last_of('\n', last);
  const size_t first = newline == std::string::npos ? 0 : newline + 1;
  std::string line = text.substr(first, last - first + 1);
  for (size_t at = line.find(input_url); at != std::string::npos; at = line.find(input_url, at + 5)) {
    line.replace(at, input_url.size(), "input");
  }
  return line;
}

}  // namespace

FfmpegAttempt DecodeWithFfmpeg(const std::string& ffmpeg_path, const std::string& input_path,
                               double max_duration_sec) {
  AuStreamParser parser;
  std::optional<MonoDownmixer> mixer;
  const ChildOutcome outcome =
      RunChildProcess(FfmpegArguments(ffmpeg_path, input_path), [&](const uint8_t* data, size_t size) {
        parser.Feed(data, size);
        if (!parser.has_header()) return;
        if (!mixer) mixer.emplace(parser.sample_rate(), parser.channels(), max_duration_sec);
        mixer->Append(parser.frames().data(), parser.frame_count());
      });

  FfmpegAttempt attempt;
  if (outcome.spawn_error != 0) {
    attempt.failure = "ffmpeg ('" + ffmpeg_path + "') could not be started: " + std::strerror(outcome.spawn_error);
  } else if (!outcome.exited) {
    attempt.failure = "ffmpeg ended abnormally (signal " + std::to_string(outcome.term_signal) + ")";
  } else if (outcome.exit_code != 0) {
    const std::string reason = LastLine(outcome.stderr_tail, InputUrl(input_path));
    attempt.failure = "ffmpeg could not decode it (exit " + std::to_string(outcome.exit_code) + ": " +
                      (reason.empty() ? "no message" : reason) + ")";
  } else if (!mixer) {
    attempt.failure = "ffmpeg produced no audio";
  } else {
    attempt.pcm = mixer->Take();
  }
  return attempt;
}

}  // namespace engine::audio
