#pragma once
// Internal to the prompt parser: a sentence's tokens grouped into lexicon phrases ("items") with
// their roles, numbers parsed and age expressions ("in her 40s", "35-year-old", "20 years
// older") recognised.
#include <cstddef>
#include <string>
#include <vector>

#include "engine/text/lexicon.h"
#include "engine/text/parse_result.h"
#include "engine/text/prompt_tokens.h"

namespace likeness::text::detail {

struct Item {
  enum class Special { None, Number, AgeAbsolute, AgeDelta, Unknown, Punct };
  std::size_t first_token = 0, last_token = 0;  ///< inclusive token range
  Span span;
  std::string phrase;  ///< normalized text
  std::vector<Role> roles;
  Special special = Special::None;
  double number = 0;         ///< Number value; AgeAbsolute years; AgeDelta signed years
  bool decade = false;       ///< "40s", "forties"
  bool superlative = false;  ///< "biggest": the adjective with a strong degree
  double hedge = 1;          ///< "-ish" forms
  std::string fallback;      ///< how an unlisted word was understood ("plural of lip")
  bool joined = false;       ///< joined to the previous item by a hyphen ("hazel-green")
  std::string pronoun_sex;   ///< an age phrase that swallowed a pronoun ("in his fifties")

  bool has(Role::Kind kind) const;
  const Role* role(Role::Kind kind) const;
};

/// Items of tokens [first, last] (one sentence), with age expressions merged into single items.
std::vector<Item> tag_sentence(const Lexicon& lexicon, const std::vector<PromptToken>& tokens, std::size_t first,
                               std::size_t last);

}  // namespace likeness::text::detail
