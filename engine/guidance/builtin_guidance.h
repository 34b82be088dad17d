#pragma once
// The built-in guidance: works offline with no neural weights. It pulls the face toward the
// targets prompt understanding produced (measurements in population terms, appearance parameter
// values, expression weights), keeps it plausible (identity prior, residual prior, weak priors
// on what was not asked for), and compares rendered region colours with those of the requested
// appearance through the differentiable rasterizer. Terms are listed in docs/guidance.md.
#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/guidance/guidance.h"
#include "engine/guidance/targets.h"

namespace likeness::guidance {

struct BuiltinWeights {
  double measurements = 1.0;
  double expression = 4.0;
  double appearance = 4.0;
  double identity_prior = 0.02;
  double expression_prior = 0.05;   ///< pulls untargeted expression weights to their start
  double appearance_prior = 0.05;   ///< pulls untargeted appearance parameters to their start
  double residual_prior = 1.0;
  double region_colour = 20.0;
  int render_size = 64;             ///< side of the region-colour renders
};

class BuiltinGuidance : public Guidance {
public:
  /// `start_expression` [E] and `start_appearance` [P]: the values untargeted entries are kept
  /// near (neutral/defaults for a generation, the current face for an edit).
  BuiltinGuidance(ResolvedTargets targets, at::Tensor start_expression, at::Tensor start_appearance,
                  BuiltinWeights weights = {});

  std::string name() const override { return "builtin"; }
  bool active_in(Stage stage) const override;
  GuidanceResult evaluate(GuidanceContext& context) override;

  const ResolvedTargets& targets() const { return targets_; }

  /// Regions whose rendered colour the image term compares (from the targeted parameters).
  const std::vector<std::string>& colour_regions() const { return colour_regions_; }

private:
  at::Tensor appearance_target_vector(const GuidanceContext& context);
  at::Tensor region_colours(GuidanceContext& context, bool target);

  ResolvedTargets targets_;
  at::Tensor start_expression_;
  at::Tensor start_appearance_;
  BuiltinWeights weights_;
  std::vector<std::string> colour_regions_;
  // Built lazily from the schema on first use.
  at::Tensor appearance_target_;  // [P] target values (start where untargeted)
  at::Tensor appearance_mask_;    // [P] target weight per entry (0 where untargeted)
  at::Tensor target_colours_;     // [R, 3] region colours of the requested appearance
  at::Tensor target_colours_geometry_;  // the vertices they were rendered with
};

}  // namespace likeness::guidance
