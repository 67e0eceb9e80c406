// pronunciation_engine_g2p: the process that runs espeak-ng for the addon (see
// g2p/espeak_client.h for why espeak-ng runs out of process).
//
//   pronunciation_engine_g2p --fd N
//
// Reads request frames (g2p/ipc.h) from descriptor N and answers each on it:
//   ["languages"]               -> ["ok", version, data path, voice count, per voice: identifier,
//                                   name, language count, per language: priority, code]
//   ["translate", voice, text]  -> ["ok", context, word count, per word: its words-alone output]
//   any failure                 -> ["error", kind, message]  (kind: init, voice, crash, timeout, protocol)
// "context" is espeak_TextToPhonemes over the whole text (IPA, U+E000 between phonemes), clause
// outputs joined by spaces; each word (text split at single spaces) is translated alone the
// same way.
//
// This process is a zygote: it initialises espeak-ng and selects voices, but never translates.
// Each translation runs in a fork() of it, so every request starts from the same pristine
// espeak state (espeak keeps translator state between calls, and some characters switch its
// language for good: espeak-ng issue 950), and a crash in espeak-ng (1.51 aborts on some
// characters, e.g. "ⓜ" with the Punjabi voice, and reads freed memory on hundreds of others)
// kills only that fork and is reported as kind "crash". A fork that runs longer than
// kChildTimeout is killed (kind "timeout"). The zygote exits when the addon closes the channel.
#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "g2p/espeak_ipa.h"
#include "g2p/ipc.h"

namespace {

using engine::g2p::ipc::ChannelError;
using engine::g2p::ipc::Clock;
using engine::g2p::ipc::FrameBuilder;
using engine::g2p::ipc::FrameReader;

constexpr auto kChildTimeout = std::chrono::seconds(20);
constexpr auto kReplyTimeout = std::chrono::seconds(60);
constexpr int kPhonemeMode = espeakPHONEMES_IPA | static_cast<int>(engine::g2p::kSeparator << 8);

std::string StatusMessage(espeak_ng_STATUS status) {
  char buffer[512] = {0};
  espeak_ng_GetStatusCodeMessage(status, buffer, sizeof buffer);
  return buffer;
}

std::string Error(const std::string& kind, const std::string& message) {
  return FrameBuilder().Add("error").Add(kind).Add(message).Payload();
}

// espeak_TextToPhonemes to the end of the text, clause outputs joined by spaces.
std::string Translate(const std::string& text) {
  std::string out;
  const void* cursor = text.c_str();
  while (cursor != nullptr) {
    const char* clause = espeak_TextToPhonemes(&cursor, espeakCHARS_UTF8, kPhonemeMode);
    if (clause == nullptr) break;
    if (!out.empty()) out.push_back(' ');
    out += clause;
  }
  return out;
}

std::string Languages(const std::string& version, const std::string& data_path) {
  std::vector<const espeak_VOICE*> voices;
  for (const espeak_VOICE** v = espeak_ListVoices(nullptr); v && *v; ++v) voices.push_back(*v);
  FrameBuilder frame;
  frame.Add("ok").Add(version).Add(data_path).AddU32(static_cast<uint32_t>(voices.size()));
  for (const espeak_VOICE* voice : voices) {
    frame.Add(voice->identifier ? voice->identifier : "").Add(voice->name ? voice->name : "");
    std::vector<std::pair<uint32_t, std::string>> languages;
    for (const char* entry = voice->languages; entry && *entry;) {
      const uint32_t priority = static_cast<unsigned char>(*entry++);
      languages.emplace_back(priority, entry);
      entry += std::strlen(entry) + 1;
    }
    frame.AddU32(static_cast<uint32_t>(languages.size()));
    for (const auto& [priority, code] : languages) frame.AddU32(priority).Add(code);
  }
  return frame.Payload();
}

std::string DescribeStatus(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sig == SIGABRT ? " (SIGABRT)" : sig == SIGSEGV ? " (SIGSEGV)" : sig == SIGBUS ? " (SIGBUS)"
                     : sig == SIGFPE ? " (SIGFPE)" : sig == SIGILL ? " (SIGILL)" : sig == SIGKILL ? " (SIGKILL)" : "";
    return "killed by signal " + std::to_string(sig) + name;
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status)) + " without a result";
  return "stopped";
}

pid_t WaitFor(pid_t pid, int& status) {
  pid_t waited;
  do {
    waited = ::waitpid(pid, &status, 0);
  } while (waited < 0 && errno == EINTR);
  return waited;
}

// Runs the translation in a fork and returns its reply (or an error reply).
std::string TranslateInFork(int channel, const std::string& text) {
  int fds[2];
  if (::pipe(fds) != 0) return Error("crash", std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return Error("crash", std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(channel);
    ::close(fds[0]);
    FrameBuilder frame;
    frame.Add("ok").Add(Translate(text));
    std::vector<std::string> words;
    for (size_t start = 0; start <= text.size();) {
      size_t end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      if (end > start) words.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    frame.AddU32(static_cast<uint32_t>(words.size()));
    for (const std::string& word : words) frame.Add(Translate(word));
    try {
      engine::g2p::ipc::WriteFrame(fds[1], frame.Payload(), Clock::now() + kReplyTimeout);
    } catch (const ChannelError&) {
      ::_exit(3);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string reply;
  std::string failure;
  try {
    auto frame = engine::g2p::ipc::ReadFrame(fds[0], Clock::now() + kChildTimeout);
    if (frame) reply = std::move(*frame);
    else failure = "crash";
  } catch (const ChannelError& e) {
    failure = std::strcmp(e.what(), "timed out") == 0 ? "timeout" : "crash";
  }
  ::close(fds[0]);
  if (failure == "timeout") ::kill(pid, SIGKILL);
  int status = 0;
  if (WaitFor(pid, status) < 0) return Error("crash", std::string("waitpid: ") + std::strerror(errno));
  if (failure == "timeout") {
    return Error("timeout", "espeak-ng did not finish within " + std::to_string(kChildTimeout.count()) + " s");
  }
  if (!failure.empty() || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error("crash", "espeak-ng " + DescribeStatus(status));
  }
  return reply;
}

// The directory espeak_ng_InitializePath is given: nullptr (ESPEAK_DATA_PATH, else espeak-ng's
// compiled-in default) unless this program has an espeak-ng-data directory beside it, as in the
// prebuilt package, which must not depend on where the build machine kept its data.
std::string DataParentDir() {
  if (const char* env = std::getenv("ESPEAK_DATA_PATH"); env && *env) return "";
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  std::string dir(self, static_cast<size_t>(n));
  dir.erase(dir.rfind('/') == std::string::npos ? 0 : dir.rfind('/'));
  struct stat info {};
  const std::string data = dir + "/espeak-ng-data/phontab";
  return ::stat(data.c_str(), &info) == 0 ? dir : "";
}

}  // namespace

int main(int argc, char** argv) {
  int channel = -1;
  for (int k = 1; k + 1 < argc; ++k) {
    if (std::strcmp(argv[k], "--fd") == 0) channel = std::atoi(argv[k + 1]);
  }
  if (channel < 0) {
    std::fprintf(stderr, "usage: %s --fd N (started by the pronunciation-engine addon)\n", argv[0]);
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);

  const std::string dataParent = DataParentDir();
  espeak_ng_InitializePath(dataParent.empty() ? nullptr : dataParent.c_str());
  espeak_ng_ERROR_CONTEXT context = nullptr;
  espeak_ng_STATUS status = espeak_ng_Initialize(&context);
  espeak_ng_ClearErrorContext(&context);
  const char* path = nullptr;
  const std::string version = espeak_Info(&path);
  const std::string data_path = path ? path : "";
  std::string init_error;
  if (status != ENS_OK) {
    init_error = "espeak-ng could not be initialised with data from \"" + data_path + "\": " + StatusMessage(status) +
                " (install espeak-ng-data, or set ESPEAK_DATA_PATH to the directory that holds espeak-ng-data)";
  } else if ((status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr)) != ENS_OK) {
    init_error = "espeak-ng output initialisation failed: " + StatusMessage(status);
  }

  std::string current_voice;
  for (;;) {
    std::optional<std::string> request;
    try {
      request = engine::g2p::ipc::ReadFrame(channel, std::nullopt);
    } catch (const ChannelError&) {
      return 1;
    }
    if (!request) return 0;  // the addon closed the channel
    std::string reply;
    try {
      FrameReader reader(*request);
      const std::string type(reader.Next());
      if (!init_error.empty()) {
        reply = Error("init", init_error);
      } else if (type == "languages") {
        reply = Languages(version, data_path);
      } else if (type == "translate") {
        const std::string voice(reader.Next());
        const std::string text(reader.Next());
        if (voice != current_voice) {
          current_voice.clear();
          status = espeak_ng_SetVoiceByName(voice.c_str());
          if (status == ENS_OK) current_voice = voice;
        }
        reply = current_voice == voice ? TranslateInFork(channel, text)
                                      : Error("voice", "espeak-ng could not load voice \"" + voice + "\": " + StatusMessage(status));
      } else {
        reply = Error("protocol", "unknown request \"" + type + "\"");
      }
    } catch (const ChannelError& e) {
      reply = Error("protocol", e.what());
    }
    try {
      engine::g2p::ipc::WriteFrame(channel, reply, Clock::now() + kReplyTimeout);
    } catch (const ChannelError&) {
      return 1;
    }
  }
}
