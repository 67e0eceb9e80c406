#include "g2p/espeak_ipa.h"

namespace engine::g2p {
namespace {

constexpr std::string_view kPrimaryStress = "\xCB\x88";    // U+02C8
constexpr std::string_view kSecondaryStress = "\xCB\x8C";  // U+02CC

bool IsMarkerChar(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'; }

// Removes espeak's language-switch markers "(en)", "(zh-yue)", ...
std::string RemoveLanguageMarkers(std::string_view word) {
  std::string out;
  size_t i = 0;
  while (i < word.size()) {
    if (word[i] == '(') {
      size_t j = i + 1;
      while (j < word.size() && IsMarkerChar(word[j])) ++j;
      if (j < word.size() && word[j] == ')' && j > i + 1) {
        i = j + 1;
        continue;
      }
    }
    out.push_back(word[i]);
    ++i;
  }
  return out;
}

}  // namespace

std::string CleanPhone(std::string_view phone) {
  std::string out;
  size_t i = 0;
  while (i < phone.size()) {
    if (phone.compare(i, kPrimaryStress.size(), kPrimaryStress) == 0 ||
        phone.compare(i, kSecondaryStress.size(), kSecondaryStress) == 0) {
      i += kPrimaryStress.size();
      continue;
    }
    const char c = phone[i];
    if (c != '-' && c != '_' && c != ' ') out.push_back(c);
    ++i;
  }
  return out;
}

std::vector<PhoneWord> ParseEspeakIpa(std::string_view clause) {
  std::vector<PhoneWord> words;
  size_t start = 0;
  while (start <= clause.size()) {
    size_t end = clause.find(' ', start);
    if (end == std::string_view::npos) end = clause.size();
    const std::string word = RemoveLanguageMarkers(clause.substr(start, end - start));
    PhoneWord phones;
    size_t p = 0;
    while (p <= word.size()) {
      size_t q = word.find(kSeparatorUtf8, p);
      if (q == std::string::npos) q = word.size();
      std::string phone = CleanPhone(std::string_view(word).substr(p, q - p));
      if (!phone.empty()) phones.push_back(std::move(phone));
      p = q + kSeparatorUtf8.size();
    }
    if (!phones.empty()) words.push_back(std::move(phones));
    start = end + 1;
  }
  return words;
}

}  // namespace engine::g2p
