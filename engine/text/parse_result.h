#pragma once
// What the prompt parser understood: targets on the face model's measurements, appearance
// parameters and expression shapes (each with its source phrase), attention over the semantic
// regions per token and per instruction, the subject (sex, age, ancestry) and warnings.
//
// Units: measurement targets are population percentiles (absolute) or changes in population
// standard deviations (deltas); docs/attributes.md names every id. Spans are byte offsets and
// lengths into the input.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/text/color.h"

namespace likeness::text {

/// A byte range of the input.
struct Span {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::size_t end() const { return offset + length; }
  bool operator==(const Span&) const = default;
};

/// Region id (or group) -> weight in [0, 1].
using AttentionMap = std::map<std::string, double>;

/// Where a target came from.
struct Source {
  Span span;             ///< the phrase, e.g. "very big nose"
  std::string phrase;    ///< its text
  int instruction = 0;   ///< index into ParseResult::instructions
  bool prior = false;    ///< implied by a sex, age or ancestry word rather than stated
};

/// A measurement target: an absolute percentile or a change in standard deviations.
struct MeasurementTarget {
  std::string id;          ///< e.g. "nose_size"
  bool delta = false;
  double percentile = 50;  ///< absolute: 0..100
  double z = 0;            ///< absolute: the same as a population z-score
  double delta_sd = 0;     ///< delta: change in population standard deviations
  double weight = 1;       ///< confidence in [0, 1]
  Source source;
};

/// An appearance target: a scalar value, a colour, or a change of either.
struct AppearanceTarget {
  std::string id;           ///< e.g. "beard.density", "iris.color"
  bool delta = false;
  double value = 0;         ///< scalar value, scalar change, or (colour delta) HSL lightness change
  std::optional<Rgb> color; ///< absolute colour, sRGB
  std::string color_name;   ///< the colour as understood, e.g. "dark brown"
  double weight = 1;
  Source source;
};

/// An expression target: the weight of one ICT expression shape, or a change of it.
struct ExpressionTarget {
  std::string name;  ///< e.g. "mouthSmile_L"
  bool delta = false;
  double value = 0;  ///< weight in [0, 1] (or its change)
  double weight = 1; ///< confidence
  Source source;
};

/// Attention of one input token over the semantic regions.
struct TokenAttention {
  Span span;
  std::string text;     ///< as typed
  int instruction = 0;
  AttentionMap regions; ///< empty for words that name no part (articles, verbs)
};

/// One sentence or command of the input.
struct Instruction {
  Span span;
  bool edit = false;       ///< relative to the current face (a verb, a comparative, "N years older")
  AttentionMap attention;  ///< union (maximum) of its tokens' attention
};

/// Something the parser could not use as typed.
struct Warning {
  enum class Kind {
    UnknownWord,    ///< not in the lexicon (suggestions in the message)
    Unsupported,    ///< known but not modelled ("glasses", "curly hair")
    Ambiguous,      ///< read one way of several; the message says which
    Contradiction,  ///< two phrases ask for incompatible values (both spans given)
    Unattached,     ///< a word that applies to nothing around it ("thick nose")
    Ignored,        ///< understood but without effect (a stray number, a negated colour)
    Clamped,        ///< a value outside what the model covers was limited
  };
  Kind kind = Kind::UnknownWord;
  Span span;
  std::string word;          ///< the text at span
  std::string message;
  std::optional<Span> other; ///< Contradiction: the earlier phrase
  std::string other_word;
};

/// Who the description is of.
struct Subject {
  std::string sex;            ///< "male", "female" or empty
  std::optional<Span> sex_span;
  std::optional<double> age;  ///< years, when stated
  std::optional<Span> age_span;
  std::vector<std::string> ancestry;  ///< ancestry ids from the lexicon
};

struct ParseResult {
  std::string text;
  std::vector<Instruction> instructions;
  std::vector<TokenAttention> tokens;
  std::vector<MeasurementTarget> measurements;
  std::vector<AppearanceTarget> appearance;
  std::vector<ExpressionTarget> expressions;
  Subject subject;
  std::vector<Warning> warnings;

  /// True if any instruction is an edit.
  bool edit() const;
  /// Union of all instructions' attention.
  AttentionMap attention() const;
  /// Lookups for tests and callers (the first target with that id, or null).
  const MeasurementTarget* measurement(const std::string& id) const;
  const AppearanceTarget* appearance_target(const std::string& id) const;
  const ExpressionTarget* expression(const std::string& name) const;
};

/// Name of a warning kind as used in JSON ("unknown_word", "contradiction", ...).
std::string to_string(Warning::Kind kind);

/// The whole result as JSON (what `likeness parse --json` prints).
nlohmann::json to_json(const ParseResult& result);

/// A human-readable report: targets, attention per instruction, warnings, as aligned tables.
std::string to_table(const ParseResult& result);

}  // namespace likeness::text
