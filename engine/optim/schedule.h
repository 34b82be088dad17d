#pragma once
// Optimization schedules: the stages of a generation (geometry, then appearance, then joint
// refinement, as the published systems do) and of an edit, each with its own step budget and
// learning rates. Documented in docs/guidance.md.
#include <string>
#include <vector>

#include "engine/guidance/guidance.h"

namespace likeness::optim {

struct StageSpec {
  guidance::Stage stage = guidance::Stage::Geometry;
  int steps = 0;
  double lr_identity = 0;    ///< global identity coefficients (and the local edit delta)
  double lr_expression = 0;
  double lr_appearance = 0;  ///< appearance parameters (normalised to their ranges)
  double lr_residual = 0;    ///< residual textures
};

struct Schedule {
  std::vector<StageSpec> stages;

  int total_steps() const;
  /// Generation: geometry 80, appearance 40, joint 20 steps.
  static Schedule generation();
  /// An edit: one stage of 60 steps over the variables its scope allows.
  static Schedule edit();
  /// The same schedule with the step counts scaled to about `total` steps (each stage keeps at
  /// least one step). InputError if total < number of stages.
  Schedule with_total_steps(int total) const;
};

}  // namespace likeness::optim
