#pragma once
// The Guidance interface: anything that tells the optimizer how to change the face. The built-in
// guidance (attribute targets measured on the mesh and textures) implements it now; CLIP and
// Stable Diffusion guidance will implement it later without changing the engine. See
// docs/guidance.md.
#include <ATen/core/Tensor.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace likeness::guidance {

class GuidanceContext;

/// The optimization stages (engine/optim/schedule.h).
enum class Stage { Geometry, Appearance, Joint, Edit };
const char* to_string(Stage stage);

/// One named contribution to the objective, for progress displays and reports.
struct Term {
  std::string name;   ///< "measurements", "identity_prior", "region_colour", ...
  double value = 0;   ///< weighted value this step
};

struct GuidanceResult {
  /// A differentiable scalar to minimize (undefined if the guidance gives gradients instead).
  at::Tensor loss;
  /// Gradients given directly (score distillation): backward(tensor, gradient) for each pair.
  std::vector<std::pair<at::Tensor, at::Tensor>> gradients;
  /// The breakdown of `loss` (and of the gradient guidance's own diagnostics).
  std::vector<Term> terms;
  /// Optional attention over the face tile in UV [H, W] in [0, 1]: where this guidance wants
  /// change, for self-guided consistency weights during edits.
  at::Tensor attention_uv;
};

class Guidance {
public:
  virtual ~Guidance() = default;
  virtual std::string name() const = 0;
  /// Whether this guidance contributes in a stage (a geometry-only guidance skips appearance).
  virtual bool active_in(Stage stage) const = 0;
  /// The guidance's contribution at the context's current step.
  virtual GuidanceResult evaluate(GuidanceContext& context) = 0;
};

}  // namespace likeness::guidance
