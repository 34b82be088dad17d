// UTF-8 decoding and the Unicode classes and lower-casing that CLIP's tokenizer and the parser use.
#include <gtest/gtest.h>

#include <string>

#include "engine/text/unicode.h"

namespace likeness::text {
namespace {

TEST(Unicode, DecodesAndAdvances) {
  const std::string s = "a\u00e9\u6771\U0001F600";
  std::size_t pos = 0;
  EXPECT_EQ(decode_utf8(s, pos), U'a');
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(decode_utf8(s, pos), U'\u00e9');
  EXPECT_EQ(pos, 3u);
  EXPECT_EQ(decode_utf8(s, pos), U'\u6771');
  EXPECT_EQ(decode_utf8(s, pos), U'\U0001F600');
  EXPECT_EQ(pos, s.size());
  EXPECT_EQ(count_code_points(s), 4u);
}

TEST(Unicode, MalformedBytesAdvanceByOne) {
  for (const std::string& bad : {std::string("\xC3"), std::string("\xE6\x9D"), std::string("\xC0\xAF"),
                                std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80"), std::string("\xFF"),
                                std::string("\x80")}) {
    std::size_t pos = 0;
    EXPECT_EQ(decode_utf8(bad, pos), kReplacementChar);
    EXPECT_EQ(pos, 1u);
    EXPECT_EQ(first_invalid_utf8(bad), 0u);
  }
  EXPECT_EQ(first_invalid_utf8("ok \xEF\xBF\xBD fine"), std::string::npos);  // a real U+FFFD is valid
  EXPECT_EQ(first_invalid_utf8("ok \xC3("), 3u);
  EXPECT_EQ(count_code_points("\xC3\xC3"), 2u);
}

TEST(Unicode, AppendEncodes) {
  std::string s;
  for (char32_t cp : {U'A', U'\u00e9', U'\u20ac', U'\U0001F600'}) append_utf8(s, cp);
  EXPECT_EQ(s, "A\u00e9\u20ac\U0001F600");
  std::string bad;
  append_utf8(bad, 0xD800);
  EXPECT_EQ(bad, "\uFFFD");
}

TEST(Unicode, Classes) {
  EXPECT_TRUE(is_letter(U'a'));
  EXPECT_TRUE(is_letter(U'\u00e9'));
  EXPECT_TRUE(is_letter(U'\u6771'));   // CJK ideograph (Lo)
  EXPECT_TRUE(is_letter(U'\uac00'));   // Hangul syllable
  EXPECT_TRUE(is_letter(U'\u02b0'));   // modifier letter (Lm)
  EXPECT_FALSE(is_letter(U'\u0301'));  // combining accent (Mn) is not \p{L}
  EXPECT_FALSE(is_letter(U'1'));
  EXPECT_FALSE(is_letter(U'\U0001F600'));
  EXPECT_TRUE(is_number(U'7'));
  EXPECT_TRUE(is_number(U'\u00bd'));   // No
  EXPECT_TRUE(is_number(U'\u2163'));   // Nl, Roman numeral four
  EXPECT_TRUE(is_number(U'\u0663'));   // Arabic-Indic three
  EXPECT_FALSE(is_number(U'x'));
  EXPECT_TRUE(is_space(U' '));
  EXPECT_TRUE(is_space(U'\t'));
  EXPECT_TRUE(is_space(U'\u00a0'));
  EXPECT_TRUE(is_space(U'\u3000'));
  EXPECT_TRUE(is_space(U'\u2028'));
  EXPECT_FALSE(is_space(U'\u200b'));  // zero-width space is not White_Space
  EXPECT_FALSE(is_space(U'x'));
}

TEST(Unicode, LowerCaseAsPython) {
  EXPECT_EQ(to_lower(U'A'), U'a');
  EXPECT_EQ(to_lower(U'\u00c9'), U'\u00e9');
  EXPECT_EQ(to_lower(U'\u0100'), U'\u0101');  // stride-2 runs
  EXPECT_EQ(to_lower(U'\u0101'), U'\u0101');
  EXPECT_EQ(to_lower(U'\u0416'), U'\u0436');  // Cyrillic
  EXPECT_EQ(to_lower(U'\u212a'), U'k');       // Kelvin sign
  EXPECT_EQ(to_lower(U'\U00010400'), U'\U00010428');  // Deseret
  EXPECT_EQ(to_lower(U'\u6771'), U'\u6771');
  EXPECT_EQ(lower_utf8("HeLLo \u00c0\u00c9 \u0130"), "hello \u00e0\u00e9 i\u0307");
  EXPECT_EQ(lower_utf8("\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3"), "\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2");
  EXPECT_EQ(lower_utf8("\u03a3"), "\u03c3");
  EXPECT_EQ(lower_utf8("bad\xFFz"), "bad\uFFFDz");
}

}  // namespace
}  // namespace likeness::text
