#include "g2p/text_input.h"

#include "common/error.h"
#include "g2p/utf8.h"

namespace engine::g2p {
namespace {

bool IsWhitespace(char32_t cp) {
  switch (cp) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

bool IsRemovedControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

}  // namespace

PreparedText PrepareText(std::string_view utf8) {
  PreparedText out;
  size_t chars = 0;
  std::string word;
  size_t word_chars = 0;
  const auto finish_word = [&] {
    if (word.empty()) return;
    if (word_chars > kMaxWordChars) {
      throw Error(ErrorCode::InvalidInput,
                  "word " + std::to_string(out.words.size() + 1) + " of the text is " + std::to_string(word_chars) +
                      " characters long; words may have at most " + std::to_string(kMaxWordChars) + " characters");
    }
    if (!out.text.empty()) out.text.push_back(' ');
    out.text += word;
    out.words.push_back(std::move(word));
    word.clear();
    word_chars = 0;
  };
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t cp;
    if (!DecodeUtf8(utf8, pos, cp)) {
      throw Error(ErrorCode::InvalidInput,
                  "text is not valid UTF-8 (invalid byte sequence at byte " + std::to_string(pos) + ")");
    }
    if (++chars > kMaxTextChars) {
      throw Error(ErrorCode::InvalidInput,
                  "text has more than " + std::to_string(kMaxTextChars) + " characters (" +
                      std::to_string(CountCodePoints(utf8)) +
                      "); split it into parts of at most that length and convert each part");
    }
    if (IsWhitespace(cp)) {
      finish_word();
    } else if (!IsRemovedControl(cp)) {
      AppendUtf8(word, cp);
      ++word_chars;
    }
  }
  finish_word();
  if (out.words.empty()) {
    throw Error(ErrorCode::InvalidInput, "text is empty (nothing but whitespace and control characters); give words to convert");
  }
  return out;
}

}  // namespace engine::g2p
