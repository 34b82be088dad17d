#pragma once
// The sampling rules of the parameter prior (the "prior" objects of parameters.json) and the
// deterministic sampler behind AppearanceParams::sample_prior. Private to engine/appearance.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/appearance/parameters.h"

namespace likeness::appearance::detail {

/// "only when parameter `param` (a scalar drawn earlier) lies in [lo, hi]".
struct Condition {
  int param = -1;  ///< index into the schema's parameters
  float lo = 0.0f;
  float hi = 0.0f;
};

struct PaletteEntry {
  std::array<float, 3> srgb{};
  double weight = 1.0;
  std::vector<Condition> when;
};

/// One distribution; which fields matter depends on `type`.
struct Distribution {
  enum class Type { Normal, Uniform, Constant, Palette, Follow };
  Type type = Type::Constant;
  double a = 0.0, b = 0.0;         ///< normal: mean, sd; uniform: lo, hi; constant: a
  double off = 0.0;                ///< probability of taking off_value instead
  float off_value = 0.0f;
  std::vector<Condition> when;     ///< otherwise the parameter keeps its default
  std::vector<PaletteEntry> palette;
  int follow = -1;                 ///< colour parameter index to copy
  double scale = 1.0;              ///< follow: multiply the copied sRGB colour
  double jitter = 0.0;             ///< colours: sd of per-channel sRGB noise
};

struct PriorRule {
  Distribution any;
  std::optional<Distribution> female;
  std::optional<Distribution> male;
  const Distribution& for_sex(Sex sex) const {
    if (sex == Sex::Female && female) return *female;
    if (sex == Sex::Male && male) return *male;
    return any;
  }
};

/// Parses a "prior" object for `spec`; `ids` maps parameter ids to indices. InputError naming
/// `source` and `field` when malformed.
PriorRule parse_prior(const nlohmann::json& prior, const ParameterSpec& spec, const std::map<std::string, int>& ids,
                      const std::string& source, const std::string& field);

/// The prior of a parameter without one: its default.
PriorRule default_prior(const ParameterSpec& spec);

/// Checks that conditions and "follow" references form no cycle and name the right kinds.
void check_prior_order(const std::vector<ParameterSpec>& specs, const std::vector<const PriorRule*>& rules,
                       const std::string& source);

/// Draws a parameter vector of `size` entries (deterministic for seed and sex).
std::vector<float> sample(const std::vector<ParameterSpec>& specs, const std::vector<const PriorRule*>& rules, int size,
                          std::uint64_t seed, Sex sex);

/// The sex drawn for Sex::Any from a seed (even odds).
Sex draw_sex(std::uint64_t seed);

}  // namespace likeness::appearance::detail
