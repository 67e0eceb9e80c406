// Parsing espeak-ng's IPA phoneme strings (espeak_TextToPhonemes with espeakPHONEMES_IPA and a
// phoneme separator) into words of phones.
//
// espeak writes one clause per call: words separated by spaces, phonemes separated by the
// separator character, stress marks ˈ ˌ glued to the front of the stressed vowel, "(en)"-style
// markers where it switches language for a word, and mnemonic characters of phonemes that have
// no IPA name (e.g. French "ə-", Mandarin "ts."). The separator is a private-use code point
// (U+E000), which no phoneme name contains, so multi-character phones (tʃ, oʊ, ɑːɹ, n̩) stay whole.
//
// Each phone is cleaned: stress marks ˈ ˌ removed (stress is a property of the syllable, not a
// phone; no model inventory has stressed phones), "-" removed (espeak's marker of an elidable
// phoneme, not IPA), "_" removed (pauses). Everything else is kept as espeak writes it: length
// marks (ː ˑ) stay part of the phone because they distinguish phonemes (iː/i, ɑː/ɑ in English,
// long vowels in German, Finnish, Japanese, ...) and models with length distinctions have
// them in their inventory; a model without them folds them when the target is parsed
// (lib/phonetics/ipa.ts). Tone digits of tonal languages (Vietnamese, Cantonese) stay on the vowel they
// follow. Empty phones and words without phones are dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace engine::g2p {

// The phoneme separator requested from espeak (U+E000, private use) and its UTF-8 form.
inline constexpr char32_t kSeparator = 0xE000;
inline constexpr std::string_view kSeparatorUtf8 = "\xEE\x80\x80";

using PhoneWord = std::vector<std::string>;

// One clause of espeak output -> its words, each a list of phones.
std::vector<PhoneWord> ParseEspeakIpa(std::string_view clause);

// One phone name cleaned as described above (may return "").
std::string CleanPhone(std::string_view phone);

}  // namespace engine::g2p
