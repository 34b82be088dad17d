#pragma once
// Splits a prompt into the tokens the parser reads, each with its byte span in the input: words
// (letters, digits and inner apostrophes; hyphens join words without being tokens), numbers
// ("35", "1.5", "40s"), punctuation and symbols (an emoji with its modifiers is one token).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace likeness::text {

struct PromptToken {
  enum class Type { Word, Number, Punct, Symbol };
  Type type = Type::Word;
  std::string text;          ///< normalized: lower case, curly apostrophes straightened
  std::size_t offset = 0;    ///< byte offset in the input
  std::size_t length = 0;    ///< bytes in the input
  bool after_hyphen = false; ///< joined to the previous word by a hyphen ("middle-aged")
  /// Punct: ends a sentence (. ! ? ; a line break, and their CJK forms).
  bool sentence_end = false;
};

/// Tokens of `text` (which must be valid UTF-8; see first_invalid_utf8).
std::vector<PromptToken> tokenize_prompt(std::string_view text);

}  // namespace likeness::text
