// Text to IPA with espeak-ng, for every language espeak-ng has a voice for.
//
// espeak-ng runs in a helper process, never in this one. Two reasons, both found while testing
// Debian's espeak-ng 1.51 (see README.md in this directory):
// - it is not safe on arbitrary text: "ⓜ" with the Punjabi voice aborts the process (stack
//   smashing detected), and hundreds of code points (unassigned Greek ones, Indic digits and
//   signs, archaic Hangul jamo, ...) make espeak_TextToPhonemes read freed memory in nearly every
//   voice. The contract says no input may crash the worker.
// - it keeps state between calls and some characters switch its language for good (espeak-ng
//   issue 950: after "Ꭿ", English is read with Cherokee rules), so results would depend on what
//   other callers converted before.
// The helper (helper/espeak_helper.cc, executable pronunciation_engine_g2p beside the addon)
// initialises espeak-ng once and runs every conversion in a fresh fork of itself: same state for
// every call, and a crash kills only that fork and comes back here as a typed error.
//
// Threading: one helper serves the process, one request at a time. EspeakG2p's mutex is held for
// each request/reply exchange, so any number of threads may call TextToIpa; the binding calls it
// from the libuv pool (RunAsync), never from the JavaScript thread. A call holds the lock for
// one text (at most kMaxTextChars characters): about 1 ms for a sentence (mostly the fork),
// tens of ms for a page.
//
// The helper is found at $PRONUNCIATION_ENGINE_G2P_HELPER, else beside the binary that contains
// this code (the .node addon, or native_tests). espeak-ng's data: $ESPEAK_DATA_PATH, else its
// compiled-in directory.
#pragma once

#include <sys/types.h>

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/process.h"
#include "common/unique_fd.h"
#include "g2p/espeak_ipa.h"

namespace engine::g2p {

// One language code espeak-ng knows and the voice it selects for it.
struct Language {
  std::string code;   // e.g. "en-us", lower case as espeak lists it
  std::string voice;  // voice file identifier, e.g. "gmw/en-US"
  std::string name;   // e.g. "English (America)"
  int priority = 0;   // espeak's preference of this voice for the code (lower is better)
};

struct G2pWord {
  std::string text;  // the input word, punctuation included
  size_t index = 0;  // its index among the whitespace-delimited words of the text
  PhoneWord phones;
  bool in_context = true;  // false: translated alone (see word_alignment.h)
};

struct G2pResult {
  std::string language;  // the code as resolved ("en-us")
  std::string voice;
  // Words with at least one phone, in order.
  std::vector<G2pWord> words;
};

class EspeakG2p {
 public:
  // The process-wide instance: starts the helper and reads the voice list on first use
  // (thread-safe; if that fails, with Internal, the next call tries again).
  static EspeakG2p& Instance();

  EspeakG2p(const EspeakG2p&) = delete;
  EspeakG2p& operator=(const EspeakG2p&) = delete;

  // Every language code of every espeak-ng voice (MBROLA voices and variants excluded), sorted,
  // each with the voice of lowest priority value for it.
  const std::vector<Language>& Languages() const { return languages_; }
  const std::string& Version() const { return version_; }
  const std::string& DataPath() const { return data_path_; }

  // The language for a code: case-insensitive, "_" read as "-". UnsupportedLanguage otherwise.
  const Language& Resolve(std::string_view code) const;

  // Text to IPA words (see text_input.h for what text is accepted). Throws InvalidInput (bad
  // text, nothing pronounceable, espeak-ng crashed or timed out on this text),
  // UnsupportedLanguage, Internal (helper missing or broken).
  G2pResult TextToIpa(std::string_view text, std::string_view language);

  // The helper's process id (-1 when none is running), for tests that kill it.
  pid_t HelperPidForTesting();

 private:
  EspeakG2p();
  // One request/reply with the helper; starts it when needed and restarts it once if it died
  // between calls. Caller holds mutex_.
  std::string CallLocked(const std::string& request);
  void StartHelperLocked();
  void StopHelperLocked();

  std::mutex mutex_;  // guards the helper: helper_, channel_
  ChildProcess helper_;
  UniqueFd channel_;
  std::vector<Language> languages_;
  std::string version_;
  std::string data_path_;
};

}  // namespace engine::g2p
