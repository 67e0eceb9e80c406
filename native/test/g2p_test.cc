// G2P core: UTF-8, text preparation rules, espeak IPA parsing, the context-to-word alignment,
// and espeak-ng itself (languages, known words, typed errors, determinism across threads).
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "g2p/espeak_g2p.h"
#include "g2p/espeak_ipa.h"
#include "g2p/text_input.h"
#include "g2p/utf8.h"
#include "g2p/word_alignment.h"
#include "g2p/ipc.h"
#include "test_support.h"

namespace {

using engine::ErrorCode;
using engine::g2p::PhoneWord;
using testing::CodeOf;

std::string Sep() { return std::string(engine::g2p::kSeparatorUtf8); }

std::string Join(const PhoneWord& phones) {
  std::string out;
  for (const auto& p : phones) out += (out.empty() ? "" : " ") + p;
  return out;
}

std::string Words(const engine::g2p::G2pResult& result) {
  std::string out;
  for (const auto& w : result.words) out += (out.empty() ? "" : " | ") + Join(w.phones);
  return out;
}

TEST_CASE("g2p: UTF-8 decoding accepts valid text and refuses overlongs, surrogates, truncation") {
  using engine::g2p::DecodeUtf8;
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € 😀
  std::vector<char32_t> cps;
  size_t pos = 0;
  char32_t cp;
  while (DecodeUtf8(text, pos, cp)) cps.push_back(cp);
  EXPECT(pos == text.size());
  EXPECT((cps == std::vector<char32_t>{U'a', 0xE9, 0x20AC, 0x1F600}));
  for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xE2\x82", "\xF4\x90\x80\x80", "\x80", "\xFF"}) {
    size_t p = 0;
    EXPECT(!DecodeUtf8(bad, p, cp));
    EXPECT(p == 0);
  }
  std::string round;
  for (char32_t c : cps) engine::g2p::AppendUtf8(round, c);
  EXPECT(round == text);
  EXPECT(engine::g2p::CountCodePoints(text) == 4);
}

TEST_CASE("g2p: text preparation splits on whitespace, strips controls, enforces limits") {
  using engine::g2p::PrepareText;
  auto t = PrepareText("  hello \t world\r\n");
  EXPECT(t.text == "hello world");
  EXPECT((t.words == std::vector<std::string>{"hello", "world"}));
  // Non-whitespace controls (C0, DEL, C1) are removed; whitespace controls separate words.
  t = PrepareText(std::string("he\x01ll\x7Fo\0 wor\x0Bld", 15) + "\xC2\x85x\xC2\x9Fy");
  EXPECT((t.words == std::vector<std::string>{"hello", "wor", "ld", "xy"}));
  t = PrepareText("a\xC2\xA0" "b\xE3\x80\x80" "c");  // NBSP and ideographic space
  EXPECT((t.words == std::vector<std::string>{"a", "b", "c"}));

  std::string message;
  EXPECT(CodeOf([] { PrepareText(""); }) == ErrorCode::InvalidInput);
  EXPECT(CodeOf([] { PrepareText(" \t\x01\x02 \n"); }) == ErrorCode::InvalidInput);
  EXPECT(CodeOf([] { PrepareText("ok \xC3("); }, &message) == ErrorCode::InvalidInput);
  EXPECT(message.find("UTF-8") != std::string::npos);
  const std::string at_limit(engine::g2p::kMaxTextChars, 'a');
  std::string spaced;
  for (size_t k = 0; k < engine::g2p::kMaxTextChars / 2; ++k) spaced += "a ";
  EXPECT(PrepareText(spaced).words.size() == engine::g2p::kMaxTextChars / 2);
  EXPECT(CodeOf([&] { PrepareText(spaced + "a"); }, &message) == ErrorCode::InvalidInput);
  EXPECT(message.find("10000") != std::string::npos);
  EXPECT(CodeOf([] { PrepareText(std::string(100 * 1024, 'x')); }) == ErrorCode::InvalidInput);
  EXPECT(CodeOf([] { PrepareText(std::string(engine::g2p::kMaxWordChars, 'x')); }) == std::nullopt);
  EXPECT(CodeOf([] { PrepareText(std::string(engine::g2p::kMaxWordChars + 1, 'x')); }, &message) == ErrorCode::InvalidInput);
  EXPECT(message.find("128") != std::string::npos);
}

TEST_CASE("g2p: espeak IPA output parses into words of whole phones without stress or markers") {
  using engine::g2p::ParseEspeakIpa;
  const std::string s = Sep();
  auto words = ParseEspeakIpa("h" + s + "ə" + s + "l" + s + "ˈoʊ w" + s + "ˈɜː" + s + "l" + s + "d");
  EXPECT(words.size() == 2);
  EXPECT(Join(words[0]) == "h ə l oʊ");
  EXPECT(Join(words[1]) == "w ɜː l d");
  // Stress as its own token, empty tokens, trailing separators, a lone space.
  words = ParseEspeakIpa("ð" + s + "ɪ" + s + " ˈɛ" + s + "n" + s + "d" + s + "  " + s);
  EXPECT(words.size() == 2);
  EXPECT(Join(words[1]) == "ɛ n d");
  // Language switches and espeak's elision marker.
  words = ParseEspeakIpa("(en)" + s + "h" + s + "ˌɛ" + s + "l" + s + "(fr) l" + s + "ə-");
  EXPECT(words.size() == 2);
  EXPECT(Join(words[0]) == "h ɛ l");
  EXPECT(Join(words[1]) == "l ə");
  // Multi-character phones, length marks, diacritics and tone digits stay whole.
  words = ParseEspeakIpa("tʃ" + s + "ˈɑːɹ" + s + "n̩ ɔ̃" + s + "ˈaː2");
  EXPECT(Join(words[0]) == "tʃ ɑːɹ n̩");
  EXPECT(Join(words[1]) == "ɔ̃ aː2");
  EXPECT(ParseEspeakIpa("").empty());
  EXPECT(ParseEspeakIpa(s + s + " " + s).empty());
  EXPECT(engine::g2p::CleanPhone("ˈˌ_-") == "");
}

TEST_CASE("g2p: context words are assigned to input words through merges, splits and silence") {
  using engine::g2p::AssignContextPhones;
  const auto W = [](std::initializer_list<const char*> phones) { return PhoneWord(phones.begin(), phones.end()); };
  // One to one, with context changes (a: eɪ alone, ɐ in context).
  auto out = AssignContextPhones({{W({"eɪ"})}, {W({"k", "æ", "t"})}}, {W({"ɐ"}), W({"k", "æ", "t"})});
  EXPECT(out.size() == 2 && Join(out[0].phones) == "ɐ" && Join(out[1].phones) == "k æ t" && out[0].in_context);
  // "of the" merged into one context word is split by phone alignment.
  out = AssignContextPhones({{W({"ʌ", "v"})}, {W({"ð", "ə"})}, {W({"æ", "p", "əl", "z"})}},
                            {W({"ʌ", "v", "ð", "ɪ"}), W({"æ", "p", "əl", "z"})});
  EXPECT(Join(out[0].phones) == "ʌ v" && Join(out[1].phones) == "ð ɪ" && Join(out[2].phones) == "æ p əl z");
  // A number read as several words belongs to one input word.
  out = AssignContextPhones({{W({"aɪ"})}, {W({"t", "w", "ɛ", "n", "t", "i"}), W({"w", "ʌ", "n"})}, {W({"k", "æ", "t", "s"})}},
                            {W({"aɪ"}), W({"t", "w", "ɛ", "n", "t", "i"}), W({"w", "ʌ", "n"}), W({"k", "æ", "t", "s"})});
  EXPECT(Join(out[1].phones) == "t w ɛ n t i w ʌ n" && Join(out[2].phones) == "k æ t s");
  // A word alone read as its name ("!") but silent in context gets no phones.
  out = AssignContextPhones({{W({"h", "aɪ"})}, {W({"ɛ", "k", "s", "k", "l", "ə", "m", "eɪ", "ʃ", "ə", "n"})}, {W({"j", "uː"})}},
                            {W({"h", "aɪ"}), W({"j", "uː"})});
  EXPECT(Join(out[0].phones) == "h aɪ" && out[1].phones.empty() && Join(out[2].phones) == "j uː");
  // A context word with no counterpart joins the word before it (the first at the start).
  out = AssignContextPhones({{W({"a"})}, {W({"b"})}}, {W({"x", "y", "z"}), W({"a"}), W({"b"}), W({"q", "r", "s"})});
  EXPECT(Join(out[0].phones) == "x y z a" && Join(out[1].phones) == "b q r s");
  // Nothing at all.
  out = AssignContextPhones({{}, {}}, {});
  EXPECT(out.size() == 2 && out[0].phones.empty() && out[1].phones.empty());
  // Too large to align: every word takes its words-alone phones.
  std::vector<std::vector<PhoneWord>> many(3000, {W({"t"})});
  out = AssignContextPhones(many, {});
  EXPECT(out.size() == 3000 && Join(out[2999].phones) == "t" && !out[0].in_context);
}

TEST_CASE("g2p: IPC frames round-trip and malformed ones are refused") {
  using namespace engine::g2p::ipc;
  FrameBuilder frame;
  frame.Add("translate").Add("").AddU32(7).Add(std::string("a\0b", 3));
  FrameReader reader(frame.Payload());
  EXPECT(reader.Next() == "translate");
  EXPECT(reader.Next().empty());
  EXPECT(reader.NextU32() == 7);
  EXPECT(reader.Next() == std::string("a\0b", 3));
  EXPECT(reader.AtEnd());
  EXPECT_THROWS(reader.Next());
  EXPECT_THROWS(FrameReader(std::string("\x05\0\0\0ab", 6)).Next());
  int fds[2];
  EXPECT(::pipe(fds) == 0);
  WriteFrame(fds[1], frame.Payload(), Clock::now() + std::chrono::seconds(5));
  const std::optional<std::string> got = ReadFrame(fds[0], Clock::now() + std::chrono::seconds(5));
  EXPECT(got && *got == frame.Payload());
  // Nothing to read: the deadline passes. A closed writer: clean end of file.
  EXPECT_THROWS(ReadFrame(fds[0], Clock::now() + std::chrono::milliseconds(20)));
  ::close(fds[1]);
  EXPECT(!ReadFrame(fds[0], std::nullopt));
  ::close(fds[0]);
  // An absurd length is refused before allocating.
  EXPECT(::pipe(fds) == 0);
  EXPECT(::write(fds[1], "\xff\xff\xff\xff", 4) == 4);
  EXPECT_THROWS(ReadFrame(fds[0], Clock::now() + std::chrono::seconds(5)));
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_CASE("g2p: espeak-ng lists its languages and resolves codes case-insensitively") {
  auto& g2p = engine::g2p::EspeakG2p::Instance();
  EXPECT(!g2p.Version().empty());
  const auto& languages = g2p.Languages();
  EXPECT(languages.size() > 50);
  for (const char* code : {"en-us", "en-gb", "de", "fr-fr", "es", "ja", "ru", "cmn"}) {
    EXPECT(std::any_of(languages.begin(), languages.end(), [&](const auto& l) { return l.code == code; }));
  }
  EXPECT(std::is_sorted(languages.begin(), languages.end(), [](const auto& a, const auto& b) { return a.code < b.code; }));
  EXPECT(std::none_of(languages.begin(), languages.end(), [](const auto& l) { return l.voice.rfind("mb/", 0) == 0; }));
  EXPECT(g2p.Resolve("EN_us").code == "en-us");
  EXPECT(g2p.Resolve("en").voice == "gmw/en");  // espeak prefers en-gb for "en"
  std::string message;
  EXPECT(CodeOf([&] { g2p.Resolve("xx-yy"); }, &message) == ErrorCode::UnsupportedLanguage);
  EXPECT(message.find("g2pLanguages") != std::string::npos);
  EXPECT(CodeOf([&] { g2p.Resolve("de-DE"); }, &message) == ErrorCode::UnsupportedLanguage);
  EXPECT(message.find("\"de\"") != std::string::npos);
  EXPECT(CodeOf([&] { g2p.Resolve(""); }) == ErrorCode::UnsupportedLanguage);
}

TEST_CASE("g2p: espeak-ng converts text to IPA words in several languages") {
  auto& g2p = engine::g2p::EspeakG2p::Instance();
  EXPECT(Words(g2p.TextToIpa("Hello, world!", "en-us")) == "h ə l oʊ | w ɜː l d");
  EXPECT(Words(g2p.TextToIpa("hello world", "en-gb")) == "h ə l əʊ | w ɜː l d");
  const auto merged = g2p.TextToIpa("a lot of the apples", "en-us");
  EXPECT(merged.words.size() == 5);
  EXPECT(Words(merged) == "ɐ | l ɑː t | ʌ v | ð ɪ | æ p əl z");
  const auto numbers = g2p.TextToIpa("I have 21 cats", "en-us");
  EXPECT(numbers.words.size() == 4 && numbers.words[2].text == "21" && numbers.words[2].index == 2);
  EXPECT(Join(numbers.words[2].phones) == "t w ɛ n t i w ʌ n");
  const auto silent = g2p.TextToIpa("yes - no !", "en-us");
  EXPECT(silent.words.size() == 2 && silent.words[1].index == 2);
  EXPECT(Words(g2p.TextToIpa("Guten Tag", "de")) == "ɡ uː t ə n | t ɑː k");
  EXPECT(Words(g2p.TextToIpa("Hola mundo", "es")) == "o l a | m u n d o");
  EXPECT(Words(g2p.TextToIpa("bonjour", "fr-fr")) == "b ɔ̃ ʒ u ʁ");
  const auto ja = g2p.TextToIpa("こんにちは", "ja");
  EXPECT(ja.words.size() == 1 && ja.words[0].phones.size() > 5);
}

TEST_CASE("g2p: bad input is a typed error and espeak-ng keeps working") {
  auto& g2p = engine::g2p::EspeakG2p::Instance();
  EXPECT(CodeOf([&] { g2p.TextToIpa("", "en-us"); }) == ErrorCode::InvalidInput);
  EXPECT(CodeOf([&] { g2p.TextToIpa("hello", "klingon-x"); }) == ErrorCode::UnsupportedLanguage);
  EXPECT(CodeOf([&] { g2p.TextToIpa(std::string(100 * 1024, 'a'), "en-us"); }) == ErrorCode::InvalidInput);
  EXPECT(CodeOf([&] { g2p.TextToIpa("\x01\x02\x03", "en-us"); }) == ErrorCode::InvalidInput);
  EXPECT(Words(g2p.TextToIpa("hel\x01lo\x7F", "en-us")) == "h ə l oʊ");
  EXPECT(Words(g2p.TextToIpa("hello", "en-us")) == "h ə l oʊ");

  // Random bytes and random code points: a result or a typed error, never a crash.
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    std::string text;
    const int length = 1 + static_cast<int>(rng() % 40);
    for (int k = 0; k < length; ++k) {
      if (trial % 2 == 0) {
        text.push_back(static_cast<char>(rng() % 256));
      } else {
        const char32_t ranges[][2] = {{0x20, 0x7E}, {0xA0, 0x24F}, {0x250, 0x2FF}, {0x300, 0x36F}, {0x370, 0x52F},
                                      {0x590, 0x6FF}, {0x900, 0x97F}, {0x3040, 0x30FF}, {0x4E00, 0x4FFF}, {0xE000, 0xE0FF},
                                      {0x1F300, 0x1F5FF}, {0x0, 0x1F}};
        const auto& r = ranges[rng() % std::size(ranges)];
        engine::g2p::AppendUtf8(text, r[0] + static_cast<char32_t>(rng() % (r[1] - r[0] + 1)));
      }
    }
    const char* languages[] = {"en-us", "de", "ja", "cmn", "ar"};
    try {
      g2p.TextToIpa(text, languages[trial % 5]);
    } catch (const engine::Error& e) {
      EXPECT(e.code() == ErrorCode::InvalidInput);
    }
  }
  EXPECT(Words(g2p.TextToIpa("hello", "en-us")) == "h ə l oʊ");
}

TEST_CASE("g2p: espeak-ng's crashes and sticky language switches stay inside the helper") {
  auto& g2p = engine::g2p::EspeakG2p::Instance();
  // espeak-ng 1.51 aborts (stack smashing) on this character with the Punjabi voice.
  std::string message;
  EXPECT(CodeOf([&] { g2p.TextToIpa("ਸਤ \u24DC", "pa"); }, &message) == ErrorCode::InvalidInput);
  EXPECT(message.find("word 2") != std::string::npos);
  EXPECT(Words(g2p.TextToIpa("hello", "en-us")) == "h ə l oʊ");
  // A Cherokee letter switches espeak's language for good (espeak-ng issue 950): not here.
  const std::string clean = Words(g2p.TextToIpa("This is a test", "en-us"));
  EXPECT(clean == "ð ɪ s | ɪ z | ɐ | t ɛ s t");
  g2p.TextToIpa("\u13AF is a letter", "en-us");
  EXPECT(Words(g2p.TextToIpa("This is a test", "en-us")) == clean);
  // Characters that make espeak-ng read freed memory: a result or a typed error, never a crash.
  for (const char* text : {"\u0380", "a \u09E6 b", "\u0970", "\u1180x"}) {
    for (const char* language : {"de", "en-us", "ja"}) {
      const auto code = CodeOf([&] { g2p.TextToIpa(text, language); });
      EXPECT(!code || *code == ErrorCode::InvalidInput);
    }
  }
  // A helper killed between calls is replaced.
  const pid_t pid = g2p.HelperPidForTesting();
  EXPECT(pid > 0);
  ::kill(pid, SIGKILL);
  EXPECT(Words(g2p.TextToIpa("hello", "en-us")) == "h ə l oʊ");
  EXPECT(g2p.HelperPidForTesting() != pid);
}

TEST_CASE("g2p: concurrent conversions across languages equal sequential ones") {
  auto& g2p = engine::g2p::EspeakG2p::Instance();
  const std::vector<std::pair<std::string, std::string>> jobs = {
      {"The quick brown fox jumps over the lazy dog.", "en-us"}, {"hello world", "en-gb"},
      {"Guten Morgen, wie geht es Ihnen?", "de"},                {"Je ne sais pas, mon ami.", "fr-fr"},
      {"¿Dónde está la biblioteca?", "es"},                       {"I read 3 books of the 21 on the shelf", "en-us"},
      {"Привет, как дела?", "ru"},                                {"こんにちは せかい", "ja"},
  };
  std::vector<std::string> expected;
  for (const auto& [text, language] : jobs) expected.push_back(Words(g2p.TextToIpa(text, language)));
  constexpr int kThreads = 6, kRounds = 20;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        const size_t j = static_cast<size_t>(t * 7 + r * 3) % jobs.size();
        got[static_cast<size_t>(t)].push_back(std::to_string(j) + ":" + Words(g2p.TextToIpa(jobs[j].first, jobs[j].second)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    for (const std::string& entry : got[static_cast<size_t>(t)]) {
      const size_t colon = entry.find(':');
      EXPECT(entry.substr(colon + 1) == expected[std::stoul(entry.substr(0, colon))]);
    }
  }
}

}  // namespace
