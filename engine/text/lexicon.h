#pragma once
// The lexicon: everything the prompt parser knows about words, read from JSON under
// resources/lexicon/ (so a synonym is a data edit, not a recompile). docs/prompt-understanding.md
// documents the file formats; this header is the in-memory form.
//
//   attributes.json      the names targets may use (measurements, appearance parameters with
//                        ranges, regions, the 53 ICT expressions): every other file is checked
//                        against it when loading
//   features.json        face parts and attributes ("nose", "beard", "freckles", the person)
//                        with their attention regions and how each dimension (size, width,
//                        colour...) becomes targets
//   adjectives.json      gradable and categorical words with their senses and comparatives
//   colors.json          the colour vocabulary (sRGB), per-domain shades and colour modifiers
//   people.json          person nouns, pronouns, ancestry, sex and age bundles
//   expressions.json     expression words as ICT expression weights
//   verbs.json           edit verbs (make, give, add, remove, widen...)
//   function_words.json  degree words, negation, copulas, conjunctions, dimension nouns,
//                        ignored words, words known to be unsupported
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/text/color.h"

namespace likeness::text {

/// Region id (or group) -> attention weight in [0, 1].
using RegionWeights = std::map<std::string, double>;

/// One target in a bundle, before degree scaling. Measurements are stated as population z-scores
/// ("z") or z deltas; appearance scalars as values; colours by name or hex; expressions as weights.
struct TargetSpec {
  enum class Kind { Measurement, Scalar, Color, Expression };
  Kind kind = Kind::Measurement;
  std::string id;        ///< measurement id, appearance parameter id or ICT expression name
  bool delta = false;    ///< a change rather than an absolute value
  double value = 0;      ///< z / value / weight (or their delta)
  std::string color;     ///< Kind::Color: a vocabulary colour name or "#rrggbb"
  double weight = 1;     ///< confidence in [0, 1]
  bool baseline = false; ///< from "*" (every expression): a reset that stated values override
};
using Bundle = std::vector<TargetSpec>;

/// How one dimension of a feature becomes targets.
struct DimensionRule {
  struct Gain {
    std::string id;
    double gain = 1;
  };
  struct Scalar {
    std::string id;
    double center = 0;  ///< value at level 0 (defaults to the parameter's default)
    double scale = 0.3; ///< value change per unit of level
  };
  struct ColorSlot {
    std::string id;      ///< an rgb appearance parameter
    std::string domain;  ///< which shades of the vocabulary apply ("hair", "iris", ...)
  };
  std::vector<Gain> measurements;  ///< z = level * degree * gain
  std::vector<Scalar> scalars;
  std::vector<Gain> expressions;   ///< weight = level * degree * gain
  std::vector<ColorSlot> colors;
  std::vector<Gain> lightness;     ///< colour params whose lightness a comparative changes
  std::vector<std::string> age_params;  ///< appearance params set to an age in years (skin.age)
  bool person_age = false;         ///< the full age bundle (people.json "age_anchors")
  std::map<std::string, Bundle> values;  ///< categorical values ("square", "hooked")
  Bundle also;                     ///< realised with any absolute value (e.g. lipstick opacity)
  std::optional<RegionWeights> regions;  ///< attention when it differs from the feature's
  std::string unsupported;         ///< non-empty: this dimension is not modelled (the message)
};

/// A feature-specific meaning of a word ("wide" eyes, "red" lips, a "black" man).
struct Override {
  Bundle targets;
  std::optional<RegionWeights> regions;
  std::string ambiguous;  ///< non-empty: reported as an ambiguity warning with this note
};

/// A face part or attribute that words describe.
struct Feature {
  std::string id;
  RegionWeights regions;
  std::string default_dim;  ///< what "bigger" or "increase" changes
  std::map<std::string, DimensionRule> dims;
  std::map<std::string, Override> overrides;  ///< keyed by adjective or colour id
  Bundle presence;  ///< asserted ("has a beard"); empty for parts that always exist
  Bundle absence;   ///< denied ("no beard", "remove the beard"); may exist alone ("no eyebrows")
  bool person = false;  ///< the whole person ("old woman", "she is smiling")
};

/// One meaning of an adjective.
struct Sense {
  std::string dim;                 ///< dimension it describes; empty for an implied feature
  std::optional<double> level;     ///< gradable: signed level in population z units
  std::string value;               ///< categorical value name
  std::optional<double> years;     ///< age words
  std::vector<std::string> implies;  ///< features whose presence it asserts ("bearded")
  std::vector<std::string> denies;   ///< features whose absence it asserts ("clean-shaven")
  std::string ancestry;            ///< ancestry it states ("Asian" as an adjective)
  double weight = 1;
};

struct Adjective {
  std::string id;
  std::vector<Sense> senses;
};

struct Color {
  std::string id;
  Rgb rgb;
  std::map<std::string, Rgb> domains;  ///< e.g. "hair" -> the shade hair of that name has
  Rgb in(const std::string& domain) const;
};

struct ColorModifier {
  std::string id;
  double lightness_scale = 1, saturation_scale = 1, toward_white = 0;
};

struct PersonNoun {
  std::string id;
  std::string sex;              ///< "male", "female" or empty
  std::optional<double> years;  ///< age the noun implies (boy, grandmother)
  std::string ancestry;
  Bundle bundle;  ///< what the noun itself states ("redhead": hair colour)
};

struct Ancestry {
  std::string id;
  Bundle bundle;
};

struct Expression {
  std::string id;
  Bundle weights;  ///< Kind::Expression targets
  RegionWeights regions;
};

struct Verb {
  enum class Kind { Make, Give, Add, Remove, Change, Age, Keep };
  std::string id;
  Kind kind = Kind::Make;
  int sign = 0;          ///< Change/Age: +1 or -1
  std::string dim;       ///< Change: the dimension it changes (empty: the feature's default)
  double years = 10;     ///< Age without a number
};

/// An age anchor: targets (z / values) typical at `years`, interpolated between anchors.
struct AgeAnchor {
  double years = 0;
  Bundle targets;
};

/// What a phrase (one or more words) can be. A phrase may have several roles ("black": colour
/// and ancestry word), which the parser picks between from context.
struct Role {
  enum class Kind {
    Feature, Adjective, Comparative, Color, ColorModifier, Degree, Negation, Without, More, Less,
    Person, Pronoun, Ancestry, Expression, ExpressionComparative, Verb, DimensionNoun, Copula,
    Conjunction, With, Of, Than, Stop, Unsupported, NumberWord, YearsUnit, AgeWord, Hedge, Locative
  };
  Role(Kind k, int i = -1, double v = 0, std::string t = {}) : kind(k), index(i), value(v), text(std::move(t)) {}
  Kind kind;
  int index = -1;     ///< into the matching table (features, adjectives, ...)
  double value = 0;   ///< Degree factor, NumberWord value, Hedge weight, Comparative sign
  std::string text;   ///< DimensionNoun dim, Unsupported message, Pronoun sex, AgeWord kind
};

/// Parameter ranges from attributes.json.
struct AppearanceParam {
  std::string id;
  bool rgb = false;
  double min = 0, max = 1, default_value = 0;
  Rgb default_color;
};

class Lexicon {
public:
  /// resources/lexicon (require_resource), loaded once.
  static std::shared_ptr<const Lexicon> load_default();
  /// Loads every file from `dir`. InputError naming the file and the entry at fault (an unknown
  /// measurement, region, parameter or expression name, a malformed value).
  static std::shared_ptr<const Lexicon> load(const std::filesystem::path& dir);

  /// Roles of a normalized phrase (lower case, words separated by one space); empty if unknown.
  const std::vector<Role>& roles(const std::string& phrase) const;
  /// The longest phrase length in words.
  int max_phrase_words() const { return max_phrase_words_; }
  /// Every known phrase (for "did you mean" suggestions).
  const std::vector<std::string>& phrases() const { return phrase_list_; }

  const std::vector<Feature>& features() const { return features_; }
  const std::vector<Adjective>& adjectives() const { return adjectives_; }
  const std::vector<Color>& colors() const { return colors_; }
  const std::vector<ColorModifier>& color_modifiers() const { return color_modifiers_; }
  const std::vector<PersonNoun>& persons() const { return persons_; }
  const std::vector<Ancestry>& ancestries() const { return ancestries_; }
  const std::vector<Expression>& expressions() const { return expressions_; }
  const std::vector<Verb>& verbs() const { return verbs_; }
  const std::vector<AgeAnchor>& age_anchors() const { return age_anchors_; }
  /// Sex bundles: "male", "female".
  const Bundle& sex_bundle(const std::string& sex) const;
  int feature_index(const std::string& id) const;  ///< -1 if absent
  int person_feature() const { return person_feature_; }
  const Color* color(const std::string& id) const;

  // Attribute schema.
  const std::vector<std::string>& measurement_ids() const { return measurements_; }
  const std::map<std::string, AppearanceParam>& appearance() const { return appearance_; }
  const std::vector<std::string>& region_ids() const { return regions_; }
  const std::vector<std::string>& expression_names() const { return expression_names_; }
  const AppearanceParam& param(const std::string& id) const;

  // Tuning constants (function_words.json "settings").
  double comparative_factor() const { return comparative_factor_; }  ///< delta per unit of level
  double negated_level() const { return negated_level_; }            ///< |level| a negation leaves
  double negated_weight() const { return negated_weight_; }
  double comparative_years() const { return comparative_years_; }    ///< "older" without a number
  double than_norm_degree() const { return than_norm_degree_; }      ///< "bigger than average": "big" at this degree
  double reference_age() const { return reference_age_; }            ///< age deltas start here
  double prior_weight_sex() const { return prior_weight_sex_; }
  double prior_weight_pronoun() const { return prior_weight_pronoun_; }
  double prior_weight_age() const { return prior_weight_age_; }

private:
  friend class LexiconLoader;
  Lexicon() = default;
  std::unordered_map<std::string, std::vector<Role>> roles_;
  std::vector<std::string> phrase_list_;
  int max_phrase_words_ = 1;
  std::vector<Feature> features_;
  std::vector<Adjective> adjectives_;
  std::vector<Color> colors_;
  std::vector<ColorModifier> color_modifiers_;
  std::vector<PersonNoun> persons_;
  std::vector<Ancestry> ancestries_;
  std::vector<Expression> expressions_;
  std::vector<Verb> verbs_;
  std::vector<AgeAnchor> age_anchors_;
  std::map<std::string, Bundle> sex_bundles_;
  int person_feature_ = -1;
  std::vector<std::string> measurements_;
  std::map<std::string, AppearanceParam> appearance_;
  std::vector<std::string> regions_;
  std::vector<std::string> expression_names_;
  double comparative_factor_ = 0.7, negated_level_ = 0.3, negated_weight_ = 0.6, comparative_years_ = 15, than_norm_degree_ = 0.7,
         reference_age_ = 35, prior_weight_sex_ = 0.4, prior_weight_pronoun_ = 0.25, prior_weight_age_ = 0.5;
};

/// Lexicon phrase normalization: lower case, curly apostrophes straightened, hyphens and runs of
/// spaces become one space ("Middle-Aged" -> "middle aged").
std::string normalize_phrase(const std::string& phrase);

}  // namespace likeness::text
