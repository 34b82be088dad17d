#pragma once
// Prompt understanding: free text (a description such as "This middle-aged man is a westerner.
// He has big and black eyes with the double eyelid." or an edit such as "make the nose slightly
// smaller") into targets on the face model, attention over its semantic regions, and warnings.
//
// The parser is rule-based and lexicon-driven (lexicon.h): words are tagged with their roles,
// age expressions are recognised, then each sentence is read left to right attaching modifiers
// (degree, negation, comparatives, colours, coordinated adjectives) to the part they describe.
// docs/prompt-understanding.md explains the rules and their limits.
#include <cstddef>
#include <memory>
#include <string_view>

#include "engine/text/lexicon.h"
#include "engine/text/parse_result.h"

namespace likeness::text {

struct ParseOptions {
  /// Auto: a sentence is an edit when it has an edit verb, a comparative or "N years older".
  /// Edit: every sentence is relative to a current face (pronouns add no sex prior).
  enum class Context { Auto, Edit };
  Context context = Context::Auto;
};

class PromptParser {
public:
  /// The longest input accepted, in code points.
  static constexpr std::size_t kMaxCodePoints = 2000;

  explicit PromptParser(std::shared_ptr<const Lexicon> lexicon);
  /// A parser over Lexicon::load_default().
  static const PromptParser& default_parser();

  /// Parses `text`. InputError for empty (or white-space only) text, text over kMaxCodePoints
  /// code points, or malformed UTF-8 (naming the byte offset). Any valid UTF-8 is accepted;
  /// words the lexicon does not know come back as warnings with their spans.
  ParseResult parse(std::string_view text, const ParseOptions& options = {}) const;

  const Lexicon& lexicon() const { return *lexicon_; }

private:
  std::shared_ptr<const Lexicon> lexicon_;
};

}  // namespace likeness::text
