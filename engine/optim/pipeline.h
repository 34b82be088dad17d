#pragma once
// The generation and editing pipeline the CLI and the studio drive: text -> understanding
// (parsed targets, resolved against the population and the current face) -> warm start ->
// optimization session with the guidances -> a new FaceState. Generation starts from a warm start
// built from the targets; an edit starts from the current state and keeps everything outside the
// edit's consistency weights (attention of the instruction over face regions, a painted mask, or
// both). See docs/guidance.md.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/guidance/targets.h"
#include "engine/optim/consistency.h"
#include "engine/optim/session.h"
#include "engine/state/face_state.h"
#include "engine/text/parse_result.h"

namespace likeness::face {
class FaceModel;
}

namespace likeness::optim {

class JobControl;

struct PipelineOptions {
  int working_resolution = 256;    ///< texture resolution the optimizer renders with
  int texture_resolution = 1024;   ///< stored in new states: the resolution exports write
  int residual_resolution = 128;   ///< side of the optimized residual textures
  int snapshot_every = 5;          ///< steps between progress snapshots
};

/// What a text was understood as: the parse and its targets in model units.
struct Understanding {
  text::ParseResult parsed;
  guidance::ResolvedTargets targets;
};

struct GenerateOptions {
  std::uint64_t seed = 0;  ///< appearance noise and the warm start's free identity components
  int steps = 0;           ///< total steps; 0: the default schedule (140)
};

struct EditOptions {
  EditScope scope = EditScope::Both;
  MaskSource mask = MaskSource::Attention;
  /// How strongly the edit may change the face against the consistency terms: the consistency
  /// weights are divided by it (0.1 .. 10; 1 is the default).
  double strength = 1.0;
  int steps = 0;  ///< 0: the default edit schedule (60)
};

struct Outcome {
  state::FaceState state;    ///< the result (the input state is never modified)
  Understanding understanding;
  SessionResult session;
  at::Tensor vertex_weights;  ///< edits: consistency weights per vertex [V] (1 = kept)
  at::Tensor uv_weights;      ///< edits: consistency weights per texel [8, R, R]
};

/// A per-vertex map [V] baked into every used UV tile: [8, R, R] (seams dilated by 4 texels).
at::Tensor bake_vertex_map(const face::FaceModel& model, const at::Tensor& per_vertex, int resolution);

class Pipeline {
public:
  /// Loads the head model, statistics, regions and the appearance model (throws AssetError when
  /// an asset is missing).
  explicit Pipeline(PipelineOptions options = {});

  const guidance::Resources& resources() const { return *resources_; }
  const PipelineOptions& options() const { return options_; }

  /// Parses `text` and resolves its targets. With `current` the text is read as an edit of it
  /// (deltas are relative to its values); without, as a description of a new face.
  Understanding understand(const std::string& text, const state::FaceState* current = nullptr) const;

  /// The current face's values (measurements, appearance, expressions) by id.
  guidance::CurrentFace describe(const state::FaceState& state) const;

  /// A neutral starting state (mean shape, default appearance) for `seed`.
  state::FaceState neutral_state(std::uint64_t seed) const;

  /// The warm start of a generation: identity moved along the population's regression directions
  /// to the measurement targets, appearance and expression targets set directly.
  state::FaceState warm_start(const guidance::ResolvedTargets& targets, std::uint64_t seed) const;

  /// Generates a face for `prompt`. `control` (may be null) pauses/cancels (CancelledError).
  Outcome generate(const std::string& prompt, const GenerateOptions& options, JobControl* control = nullptr,
                   const ProgressCallback& progress = {}) const;
  /// Generates from targets the caller adjusted (the studio's "understood attributes" sliders).
  Outcome generate(const Understanding& understanding, const GenerateOptions& options, JobControl* control = nullptr,
                   const ProgressCallback& progress = {}) const;

  /// Applies an edit instruction to `current`.
  Outcome edit(const state::FaceState& current, const std::string& instruction, const EditOptions& options,
               JobControl* control = nullptr, const ProgressCallback& progress = {}) const;
  /// Applies adjusted edit targets to `current`.
  Outcome edit(const state::FaceState& current, const Understanding& understanding, const EditOptions& options,
               JobControl* control = nullptr, const ProgressCallback& progress = {}) const;

  /// The consistency weights an edit would use: [V] per vertex and [8, R, R] per texel (1 = kept).
  std::pair<at::Tensor, at::Tensor> edit_weights(const state::FaceState& current, const text::AttentionMap& attention,
                                                 MaskSource source) const;

  /// Vertices [V, 3] of a state (identity, expression, displacement; no pose).
  at::Tensor vertices(const state::FaceState& state) const;

  /// Shaded renders of a state through the differentiable rasterizer, one per yaw (degrees; the
  /// default: front, three-quarter, profile): [N, size, size, 3] linear RGB, top row first,
  /// background 0. `coverage`, when given, receives [N, size, size, 1] in [0, 1].
  at::Tensor preview(const state::FaceState& state, int size, const std::vector<double>& yaws = {0.0, 35.0, 90.0},
                     at::Tensor* coverage = nullptr) const;

private:
  /// Fills the edit's warm start: expression targets, and the local identity delta from one exact
  /// Gauss-Newton step on the linearized measurement targets (needs setup.geometry_form).
  void edit_warm_start(const state::FaceState& current, const guidance::ResolvedTargets& targets, EditSetup& setup) const;

  std::shared_ptr<const guidance::Resources> resources_;
  PipelineOptions options_;
};

}  // namespace likeness::optim
