#pragma once
// Internal to the prompt parser: turns lexicon bundles and dimension rules into targets with
// their spans and attention, then merges them (later statements win, priors give way to explicit
// words, edits stay per instruction) and reports contradictions.
#include <optional>
#include <string>
#include <vector>

#include "engine/text/lexicon.h"
#include "engine/text/parse_result.h"
#include "engine/text/prompt_tokens.h"

namespace likeness::text::detail {

/// How sure a target is: priors come from sex/age/ancestry bundles, implied ones ride along with
/// an explicit word (lipstick opacity with "red lips"), explicit ones are what a phrase says.
enum class Priority { Prior = 0, Implied = 1, Explicit = 2 };

struct RawTarget {
  TargetSpec::Kind kind = TargetSpec::Kind::Measurement;
  std::string id;
  bool delta = false;
  double value = 0;  ///< z (measurement), value, weight, or their delta; colour delta: lightness
  std::optional<Rgb> rgb;
  std::string color_name;
  double weight = 1;
  Priority priority = Priority::Explicit;
  int instruction = 0;
  Span span;
  int group = 0;  ///< one phrase's targets share a group
};

/// The context a bundle is realised in.
struct Realization {
  double degree = 1;        ///< degree words multiply levels ("very": 1.5)
  bool delta = false;       ///< relative to the current face (comparatives, "make ... smaller")
  bool negated = false;     ///< "not too wide"
  double weight = 1;        ///< multiplies the specs' confidence
  Priority priority = Priority::Explicit;
  int instruction = 0;
  Span span;
  int group = 0;
};

class TargetBuilder {
public:
  TargetBuilder(const Lexicon& lexicon, std::string_view text, const std::vector<PromptToken>& tokens);

  int new_group() { return ++groups_; }

  /// Adds one bundle's targets. Returns the number of targets added.
  int realize_bundle(const Bundle& bundle, const Realization& r);

  /// A gradable level or a categorical value on a dimension rule. False if the rule cannot
  /// express it (so the caller may try another sense); unsupported rules add a warning and
  /// return true.
  bool realize_dimension(const DimensionRule& rule, std::optional<double> level, const std::string& value,
                         const Realization& r, const Span& word);

  /// A colour (after modifiers) on the colour slots of a rule, with the rule's "also" bundle.
  bool realize_color(const DimensionRule& rule, const Color& color, const std::vector<const ColorModifier*>& modifiers,
                     const std::string& name, const Realization& r);

  /// Age: skin.age and the interpolated age bundle (absolute years or a change in years).
  void realize_age(double years, bool delta, const DimensionRule* rule, const Realization& r, const Span& word,
                   bool full_bundle);

  /// Multiplies the deltas and the expression weights of a group (a trailing "slightly").
  void rescale_group(int group, double factor);
  /// True if the group already targets this id.
  bool group_targets(int group, const std::string& id) const;
  int group_size(int group) const;

  /// Raises token attention over [first_token, last_token] to at least `regions`.
  void attend(std::size_t first_token, std::size_t last_token, const RegionWeights& regions);

  void warn(Warning::Kind kind, const Span& span, const std::string& message,
            std::optional<Span> other = std::nullopt);

  void add(RawTarget target) { targets_.push_back(std::move(target)); }

  /// Merges the targets into `result` (with warnings for contradictions). `edit_instruction[i]`
  /// tells which instructions are edits.
  void finish(ParseResult& result, const std::vector<bool>& edit_instruction);

  const std::vector<RegionWeights>& token_attention() const { return attention_; }
  std::vector<Warning>& warnings() { return warnings_; }
  std::string text_at(const Span& s) const { return std::string(text_.substr(s.offset, s.length)); }

private:
  /// How far a target is from neutral (|z|, |value - default|, |weight|).
  double deviation(const RawTarget& t) const;

  const Lexicon& lex_;
  std::string_view text_;
  std::vector<RawTarget> targets_;
  std::vector<RegionWeights> attention_;  // per token
  std::vector<Warning> warnings_;
  int groups_ = 0;
};

/// 100 * Phi(z).
double percentile_of_z(double z);

}  // namespace likeness::text::detail
