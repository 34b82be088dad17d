#pragma once
// Targets in the face model's own units, resolved from what prompt understanding produced
// (engine/text/parse_result.h) against the current face: measurement percentiles become values
// through the population statistics, deltas are added to the current values, colours become
// appearance parameter values, expression weights are clamped to [0, 1].
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include "engine/text/parse_result.h"

namespace likeness::face {
class Population;
}

namespace likeness::appearance {
class AppearanceSchema;
}

namespace likeness::guidance {

struct ResolvedMeasurement {
  std::string id;
  double target = 0;       ///< in the measurement's unit (cm, ratio, degrees)
  double sd = 1;           ///< population standard deviation (loss normalisation)
  double percentile = 50;  ///< the target's population percentile
  double weight = 1;
  std::string phrase;      ///< where it came from
  bool prior = false;      ///< implied by a sex, age or ancestry word (weighted kPriorWeight)
};

/// Weight factor of targets implied by sex, age or ancestry words rather than stated: stated
/// targets win where the two disagree ("an old woman with a very wide jaw").
inline constexpr double kPriorWeight = 0.25;

struct ResolvedAppearance {
  std::string id;             ///< parameter id ("skin.melanin", "iris.color")
  std::vector<double> value;  ///< 1 value (scalar) or 3 (colour, sRGB in [0, 1])
  double weight = 1;
  std::string phrase;
  bool prior = false;  ///< implied by a sex, age or ancestry word
};

struct ResolvedExpression {
  std::string name;  ///< ICT expression shape
  double value = 0;  ///< weight in [0, 1]
  double weight = 1;
  std::string phrase;
};

struct ResolvedTargets {
  std::vector<ResolvedMeasurement> measurements;
  std::vector<ResolvedAppearance> appearance;
  std::vector<ResolvedExpression> expressions;
  text::AttentionMap attention;  ///< union over the instructions, region -> weight
  bool edit = false;
  /// Scopes the targets touch (an edit of only colours needs no geometry).
  bool touches_geometry() const { return !measurements.empty() || !expressions.empty(); }
  bool touches_appearance() const { return !appearance.empty(); }
};

/// What the current face is, for resolving deltas.
struct CurrentFace {
  std::map<std::string, double> measurements;               ///< id -> value
  std::map<std::string, std::vector<double>> appearance;    ///< id -> value(s) (colours sRGB)
  std::map<std::string, double> expressions;                ///< name -> weight
};

/// Resolves parsed targets. Deltas need `current`; absolute targets ignore it. Appearance ids and
/// ranges are checked by the caller (the appearance schema); unknown measurement ids raise
/// InputError naming the phrase.
ResolvedTargets resolve_targets(const text::ParseResult& parsed, const face::Population& population,
                                const CurrentFace& current);

/// The appearance targets laid out as a parameter vector in schema order.
struct AppearanceTargetVector {
  at::Tensor values;                 ///< [P]: target values, `start` where untargeted (clamped to range)
  at::Tensor weights;                ///< [P]: target weight per entry, 0 where untargeted
  std::vector<std::string> regions;  ///< face regions the targeted parameters act on
};
/// InputError naming the phrase if a target has the wrong number of values for its parameter.
AppearanceTargetVector appearance_target_vector(const appearance::AppearanceSchema& schema, const ResolvedTargets& targets,
                                                const at::Tensor& start);

/// Colour helpers for colour deltas ("darker", "lighter"): change HSL lightness of an sRGB colour.
std::vector<double> adjust_lightness(const std::vector<double>& srgb, double delta);

}  // namespace likeness::guidance
