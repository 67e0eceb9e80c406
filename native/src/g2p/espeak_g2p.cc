#include "g2p/espeak_g2p.h"

#include <dlfcn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "common/error.h"
#include "g2p/ipc.h"
#include "g2p/text_input.h"
#include "g2p/word_alignment.h"

namespace engine::g2p {
namespace {

constexpr const char* kHelperName = "pronunciation_engine_g2p";
constexpr auto kCallTimeout = std::chrono::seconds(45);  // the helper gives up on a fork after 20 s
// On a crash, words are retried one by one (up to this many) to name the one espeak fails on.
constexpr size_t kMaxCrashProbes = 64;

std::string Normalise(std::string_view code) {
  std::string out;
  for (char c : code) out.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  const size_t first = out.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

std::string HelperPath() {
  if (const char* env = std::getenv("PRONUNCIATION_ENGINE_G2P_HELPER"); env && *env) return env;
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&HelperPath), &info) && info.dli_fname) {
    std::string self = info.dli_fname;
    const size_t slash = self.rfind('/');
    return (slash == std::string::npos ? std::string(".") : self.substr(0, slash)) + "/" + kHelperName;
  }
  return std::string("./") + kHelperName;  // never a PATH search (posix_spawnp)
}

[[noreturn]] void ThrowInternal(const std::string& message) { throw Error(ErrorCode::Internal, message); }

// The reply's fields after "ok"; an "error" reply becomes an engine::Error.
ipc::FrameReader OkReply(const std::string& reply, std::string* crash_message = nullptr) {
  ipc::FrameReader reader(reply);
  const std::string_view status = reader.Next();
  if (status == "ok") return reader;
  const std::string kind(reader.Next());
  const std::string message(reader.Next());
  if ((kind == "crash" || kind == "timeout") && crash_message) {
    *crash_message = message;
    return ipc::FrameReader("");
  }
  if (kind == "crash" || kind == "timeout") throw Error(ErrorCode::InvalidInput, message);
  ThrowInternal("espeak-ng helper: " + message);
}

}  // namespace

EspeakG2p& EspeakG2p::Instance() {
  // Never destroyed: threads of the libuv pool may still be using it while the process exits.
  // The helper sees its channel close when this process ends, and exits.
  static EspeakG2p* instance = new EspeakG2p();
  return *instance;
}

EspeakG2p::EspeakG2p() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string reply;
  try {
    reply = CallLocked(ipc::FrameBuilder().Add("languages").Payload());
  } catch (...) {
    StopHelperLocked();
    throw;
  }
  try {
    ipc::FrameReader reader = OkReply(reply);
    version_ = reader.Next();
    data_path_ = reader.Next();
    std::map<std::string, Language> best;
    for (uint32_t v = 0, voices = reader.NextU32(); v < voices; ++v) {
      const std::string identifier(reader.Next());
      std::string name(reader.Next());
      std::replace(name.begin(), name.end(), '_', ' ');
      const uint32_t count = reader.NextU32();
      // MBROLA voices need the mbrola synthesiser and their own phoneme sets; variants are not languages.
      const bool skip = identifier.empty() || identifier.rfind("mb/", 0) == 0 || identifier.rfind("!v", 0) == 0;
      for (uint32_t k = 0; k < count; ++k) {
        const int priority = static_cast<int>(reader.NextU32());
        const std::string code = Normalise(reader.Next());
        if (skip || code.empty() || code == "variant") continue;
        auto found = best.find(code);
        if (found == best.end() || priority < found->second.priority) best[code] = Language{code, identifier, name, priority};
      }
    }
    for (auto& entry : best) languages_.push_back(std::move(entry.second));
  } catch (const ipc::ChannelError& e) {
    StopHelperLocked();
    ThrowInternal(std::string("espeak-ng helper sent a malformed voice list: ") + e.what());
  }
  if (languages_.empty()) ThrowInternal("espeak-ng lists no voices (is espeak-ng-data installed?)");
}

void EspeakG2p::StartHelperLocked() {
  const std::string path = HelperPath();
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    ThrowInternal(std::string("socketpair: ") + std::strerror(errno));
  }
  UniqueFd ours(pair[0]);
  UniqueFd theirs(pair[1]);
  MoveAbove(theirs, 3);  // it becomes the helper's descriptor 3
  // espeak-ng prints warnings ("Full dictionary is not installed for ...") that must not reach
  // the CLI's stderr, where errors are JSON.
  const bool keep_stderr = std::getenv("PRONUNCIATION_ENGINE_G2P_STDERR") != nullptr;
  const Spawned spawned = Spawn({path, "--fd", "3"}, {-1, keep_stderr ? STDERR_FILENO : -1, theirs.get()});
  if (spawned.error != 0) {
    ThrowInternal("cannot start the espeak-ng helper " + path + ": " + std::strerror(spawned.error) +
                  " (build it with the addon, or set PRONUNCIATION_ENGINE_G2P_HELPER)");
  }
  helper_ = ChildProcess(spawned.pid);
  channel_ = std::move(ours);
}

void EspeakG2p::StopHelperLocked() {
  channel_.Reset();
  helper_.Kill();
}

std::string EspeakG2p::CallLocked(const std::string& request) {
  for (int attempt = 0;; ++attempt) {
    if (!channel_.valid()) StartHelperLocked();
    try {
      const auto deadline = ipc::Clock::now() + kCallTimeout;
      ipc::WriteFrame(channel_.get(), request, deadline);
      std::optional<std::string> reply = ipc::ReadFrame(channel_.get(), deadline);
      if (!reply) throw ipc::ChannelError("the helper exited");
      return *reply;
    } catch (const ipc::ChannelError& e) {
      StopHelperLocked();
      // A helper that died between calls (killed, or failed to start) gets one fresh start.
      if (attempt > 0 || std::strcmp(e.what(), "timed out") == 0) {
        ThrowInternal(std::string("the espeak-ng helper process failed: ") + e.what() + " (" + HelperPath() + ")");
      }
    }
  }
}

pid_t EspeakG2p::HelperPidForTesting() {
  std::lock_guard<std::mutex> lock(mutex_);
  return helper_.pid();
}

const Language& EspeakG2p::Resolve(std::string_view code) const {
  const std::string wanted = Normalise(code);
  const auto found = std::find_if(languages_.begin(), languages_.end(), [&](const Language& l) { return l.code == wanted; });
  if (found != languages_.end()) return *found;
  std::string hint;
  const std::string primary = wanted.substr(0, wanted.find('-'));
  if (!primary.empty() && primary != wanted &&
      std::any_of(languages_.begin(), languages_.end(), [&](const Language& l) { return l.code == primary; })) {
    hint = " Did you mean \"" + primary + "\"?";
  }
  throw Error(ErrorCode::UnsupportedLanguage,
              "Unsupported language \"" + std::string(code) + "\": espeak-ng " + version_ + " has no voice for it." + hint +
                  " Use one of the " + std::to_string(languages_.size()) +
                  " language codes that g2pLanguages() lists (CLI: pronunciation-engine ipa --languages), e.g. en-us, "
                  "en-gb, de, fr-fr, es, it, pt-br, ru, ja.");
}

G2pResult EspeakG2p::TextToIpa(std::string_view text, std::string_view language) {
  const Language& resolved = Resolve(language);
  const PreparedText prepared = PrepareText(text);
  const auto request = [&](const std::string& body) {
    return ipc::FrameBuilder().Add("translate").Add(resolved.voice).Add(body).Payload();
  };

  std::string reply;
  std::string crash;
  std::vector<PhoneWord> context;
  std::vector<std::vector<PhoneWord>> isolated;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    reply = CallLocked(request(prepared.text));
    try {
      ipc::FrameReader reader = OkReply(reply, &crash);
      if (crash.empty()) {
        context = ParseEspeakIpa(reader.Next());
        const uint32_t count = reader.NextU32();
        if (count != prepared.words.size()) ThrowInternal("espeak-ng helper returned a different number of words");
        for (uint32_t k = 0; k < count; ++k) isolated.push_back(ParseEspeakIpa(reader.Next()));
      } else {
        // Name the first word espeak-ng fails on alone, when there is one.
        for (size_t k = 0; k < prepared.words.size() && k < kMaxCrashProbes; ++k) {
          std::string probe;
          OkReply(CallLocked(request(prepared.words[k])), &probe);
          if (!probe.empty()) {
            crash += "; it fails on word " + std::to_string(k + 1) + " (\"" + prepared.words[k] + "\") alone";
            break;
          }
        }
      }
    } catch (const ipc::ChannelError& e) {
      ThrowInternal(std::string("espeak-ng helper sent a malformed reply: ") + e.what());
    }
  }
  if (!crash.empty()) {
    throw Error(ErrorCode::InvalidInput,
                "espeak-ng could not convert this text in \"" + resolved.code + "\" (" + crash +
                    "). espeak-ng " + version_ +
                    " fails on some rare characters and symbols; remove them (or replace them by words) and try again");
  }

  const std::vector<AssignedWord> assigned = AssignContextPhones(isolated, context);
  G2pResult result{resolved.code, resolved.voice, {}};
  for (size_t k = 0; k < assigned.size(); ++k) {
    if (assigned[k].phones.empty()) continue;
    result.words.push_back(G2pWord{prepared.words[k], k, assigned[k].phones, assigned[k].in_context});
  }
  if (result.words.empty()) {
    throw Error(ErrorCode::InvalidInput, "text has no words that espeak-ng can pronounce in \"" + resolved.code +
                                             "\" (only punctuation or symbols); give words to convert");
  }
  return result;
}

}  // namespace engine::g2p
