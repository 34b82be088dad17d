#pragma once
// The text cleanup CLIP applies before byte-pair encoding: ftfy.fix_text, html.unescape twice,
// white-space collapse and lower-casing (clip/simple_tokenizer.py: basic_clean, whitespace_clean).
//
// ftfy is a Python library with large tables; this reproduces the parts of it that change
// ordinary prompts (curly quotes to straight ones, Latin ligatures, full-width ASCII) and not its
// mojibake repair or NFC normalization: text that is already clean NFC UTF-8 (what a text field
// gives) tokenizes exactly as CLIP does.
#include <string>
#include <string_view>

namespace likeness::text {

/// Python's html.unescape: numeric references (&#233; &#xE9;, with the HTML5 replacements for
/// 0x80-0x9F and invalid code points) and the named entities prompts meet (&amp; &lt; &gt;
/// &quot; &apos; &nbsp; accented letters, dashes, quotes, symbols); unknown names stay as typed.
std::string html_unescape(std::string_view text);

/// The subset of ftfy.fix_text described above.
std::string ftfy_lite(std::string_view text);

/// Runs of white space (Unicode \s) become one space; leading and trailing space is removed.
std::string collapse_whitespace(std::string_view text);

/// The whole CLIP cleanup: ftfy_lite, html_unescape twice, trim, collapse_whitespace, lower_utf8.
std::string clip_clean_text(std::string_view text);

}  // namespace likeness::text
