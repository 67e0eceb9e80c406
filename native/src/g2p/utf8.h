// Strict UTF-8 decoding and encoding (no overlongs, no surrogates, nothing above U+10FFFF).
#pragma once

#include <string>
#include <string_view>

namespace engine::g2p {

// Decodes the code point starting at text[pos] and advances pos past it; returns false
// (pos unchanged) at an invalid or truncated sequence.
bool DecodeUtf8(std::string_view text, size_t& pos, char32_t& cp);

void AppendUtf8(std::string& out, char32_t cp);

// Number of code points of valid UTF-8 text.
size_t CountCodePoints(std::string_view text);

}  // namespace engine::g2p
