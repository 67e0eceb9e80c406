// Which input word each phone of espeak's in-context translation belongs to.
//
// espeak-ng translates a whole clause at a time, and its words are not always the input's
// words: it merges some pairs into one word ("of the" -> ʌvðə), expands numbers and
// abbreviations into several ("123" -> four words), and reads across hyphens. Translating each
// input word alone gives the correspondence but loses context ("a" alone is the letter name
// eɪ, in a sentence ɐ; "the" before a vowel is ði). So both are made, and the in-context words
// are aligned to the words-alone translations by dynamic programming over words:
//
//   steps (i isolated espeak words, j context words) in {(1,1), (2,1), (3,1), (1,2), (1,3), (1,0), (0,1)}
//   cost  = phone edit distance between the concatenations + 0.5 per word beyond one-to-one;
//           (1,0) and (0,1) cost the word's length + 1.
//
// inside a band of |a - b| <= |p - m| + 16 around the diagonal (more than 2^22 cells: every
// input word takes its words-alone phones). A merged context word whose
// isolated words belong to different input words is split between them by a phone-level edit
// alignment. An unmatched context word joins the input word before it (the first one at the
// start). An input word that gets no context phones is silent in context and gets none: a
// lone "!" or "-" is read as its name when translated alone, but not inside a sentence.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "g2p/espeak_ipa.h"

namespace engine::g2p {

struct AssignedWord {
  PhoneWord phones;
  // False when the alignment was not made (too large) and every word took its words-alone phones.
  bool in_context = true;
};

// isolated[k]: the espeak words of input word k translated alone (possibly none);
// context: the espeak words of the whole text in order. Returns one entry per input word
// (empty phones for a word silent in context).
std::vector<AssignedWord> AssignContextPhones(const std::vector<std::vector<PhoneWord>>& isolated,
                                              const std::vector<PhoneWord>& context);

}  // namespace engine::g2p
