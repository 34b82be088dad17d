#pragma once
// The little Unicode the text module needs, without ICU: UTF-8 decoding with byte offsets, the
// letter / number / white-space classes of CLIP's pre-split regex (\p{L}, \p{N}, \s), and
// Python's str.lower(). The tables are generated from the Python `regex` module by
// engine/text/tools/gen_unicode_tables.py.
#include <cstddef>
#include <string>
#include <string_view>

namespace likeness::text {

/// U+FFFD, returned for every byte of a malformed UTF-8 sequence.
inline constexpr char32_t kReplacementChar = 0xFFFD;

/// Decodes the code point starting at byte `pos` and advances `pos` past it. A malformed or
/// truncated sequence (overlong, surrogate, above U+10FFFF) yields kReplacementChar and advances
/// by one byte, so decoding always makes progress.
char32_t decode_utf8(std::string_view text, std::size_t& pos);

/// Appends the UTF-8 encoding of `cp` (U+FFFD for an invalid code point).
void append_utf8(std::string& out, char32_t cp);

/// Number of code points (a malformed byte counts as one).
std::size_t count_code_points(std::string_view text);

/// Byte offset of the first malformed sequence, or std::string_view::npos if `text` is valid.
std::size_t first_invalid_utf8(std::string_view text);

/// \p{L}: any letter (Lu, Ll, Lt, Lm, Lo), CJK ideographs included.
bool is_letter(char32_t cp);
/// \p{N}: any number (Nd, Nl, No).
bool is_number(char32_t cp);
/// \s as the `regex` module defines it (the Unicode White_Space code points).
bool is_space(char32_t cp);

/// Simple lower-case mapping of one code point, as Python's str.lower() (without context).
char32_t to_lower(char32_t cp);

/// Python's str.lower() of a UTF-8 string: per code point lower-casing, U+0130 to "i̇", and a
/// final capital sigma to 'ς'. Malformed bytes become U+FFFD.
std::string lower_utf8(std::string_view text);

}  // namespace likeness::text
