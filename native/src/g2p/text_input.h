// Text accepted for G2P: validated, cleaned of control characters and split into words.
//
// Rules (deterministic; each violation is engine::Error InvalidInput with a message that says
// what is accepted):
// - UTF-8 only; an invalid byte sequence is refused.
// - At most kMaxTextChars code points (counted before cleaning). The limit is far above what
//   one assessment can use (60 s of speech is about 150 words, 1,000 characters), and it bounds
//   how long one call holds espeak-ng's process-wide lock. Longer text: split it and call per
//   part.
// - TAB, LF, VT, FF, CR, NEL (U+0085), U+2028 and U+2029 are whitespace; every other C0 control,
//   DEL and C1 control (U+0000-U+001F, U+007F-U+009F) is removed (so "he\u0001llo" is "hello").
// - Words are the runs between whitespace (also NBSP, U+1680, U+2000-U+200A, U+202F, U+205F,
//   U+3000). A word of more than kMaxWordChars code points is refused. Scripts written without
//   spaces (Chinese, Japanese, Thai) therefore give one word per space-delimited run.
// - Nothing left after cleaning: refused as empty.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace engine::g2p {

inline constexpr size_t kMaxTextChars = 10000;
inline constexpr size_t kMaxWordChars = 128;

struct PreparedText {
  // The words joined by single spaces: what espeak-ng reads.
  std::string text;
  // The whitespace-delimited words, punctuation included, as in the input.
  std::vector<std::string> words;
};

PreparedText PrepareText(std::string_view utf8);

}  // namespace engine::g2p
