// The prompt word tokenizer and the colour helpers.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/text/color.h"
#include "engine/text/prompt_tokens.h"

namespace likeness::text {
namespace {

std::vector<std::string> texts(const std::vector<PromptToken>& tokens) {
  std::vector<std::string> out;
  for (const auto& t : tokens) out.push_back(t.text);
  return out;
}

TEST(PromptTokens, WordsNumbersPunctuationWithSpans) {
  const std::string s = "A 35-year-old Man, 1.5x; don't!";
  const auto tokens = tokenize_prompt(s);
  EXPECT_EQ(texts(tokens), (std::vector<std::string>{"a", "35", "year", "old", "man", ",", "1.5x", ";", "don't", "!"}));
  for (const auto& t : tokens) EXPECT_EQ(s.substr(t.offset, t.length).size(), t.length);
  EXPECT_EQ(s.substr(tokens[4].offset, tokens[4].length), "Man");
  EXPECT_TRUE(tokens[2].after_hyphen);
  EXPECT_TRUE(tokens[3].after_hyphen);
  EXPECT_FALSE(tokens[4].after_hyphen);
  EXPECT_EQ(tokens[1].type, PromptToken::Type::Number);
  EXPECT_TRUE(tokens[7].sentence_end);
  EXPECT_FALSE(tokens[5].sentence_end);
}

TEST(PromptTokens, CurlyApostrophesAndQuotes) {
  const auto tokens = tokenize_prompt("she\u2019s \u201cbig\u201d");
  EXPECT_EQ(texts(tokens), (std::vector<std::string>{"she's", "\u201c", "big", "\u201d"}));
  EXPECT_EQ(tokens[0].length, 7u);  // the curly apostrophe is three bytes in the input
}

TEST(PromptTokens, UnicodeWordsEmojiAndLineBreaks) {
  const std::string s = "Caf\u00e9 \u6771\u4eac\U0001F600\U0001F44D\U0001F3FD x\nline \u2639\ufe0f";
  const auto tokens = tokenize_prompt(s);
  EXPECT_EQ(texts(tokens), (std::vector<std::string>{"caf\u00e9", "\u6771\u4eac", "\U0001F600", "\U0001F44D\U0001F3FD", "x",
                                                     "\n", "line", "\u2639"}));
  EXPECT_EQ(tokens[3].type, PromptToken::Type::Symbol);  // with its skin-tone modifier
  EXPECT_TRUE(tokens[5].sentence_end);
  EXPECT_EQ(s.substr(tokens[7].offset, tokens[7].length), "\u2639\ufe0f");  // span keeps the selector
}

TEST(PromptTokens, StrayHyphensAndControlCharacters) {
  EXPECT_EQ(texts(tokenize_prompt("- big - nose -")), (std::vector<std::string>{"-", "big", "-", "nose", "-"}));
  EXPECT_EQ(texts(tokenize_prompt("a\x01\tb\x7f")), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(tokenize_prompt("").empty());
  EXPECT_TRUE(tokenize_prompt("   \t ").empty());
}

TEST(Color, HexRoundTripAndAdjustments) {
  const auto c = parse_hex_color("#5b87B8");
  ASSERT_TRUE(c);
  EXPECT_EQ(to_hex(*c), "#5b87b8");
  EXPECT_FALSE(parse_hex_color("#5b87b"));
  EXPECT_FALSE(parse_hex_color("#zz0000"));
  const Rgb red{0.8, 0.1, 0.1};
  EXPECT_LT(lightness(adjust_color(red, 0.6, 1, 0)), lightness(red));
  EXPECT_GT(lightness(adjust_color(red, 1, 1, 0.5)), lightness(red));
  const Rgb grey = adjust_color(red, 1, 0, 0);
  EXPECT_NEAR(grey.r, grey.g, 1e-9);
  EXPECT_NEAR(color_distance(Rgb{0, 0, 0}, Rgb{1, 1, 1}), std::sqrt(3.0), 1e-12);
}

}  // namespace
}  // namespace likeness::text
