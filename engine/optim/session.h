#pragma once
// An optimization session: runs a schedule of stages over a FaceState, asking its guidances for
// losses or gradients each step, stepping Adam on the stage's variables, keeping them in range,
// keeping the best-scoring state of the final stage, and reporting progress with snapshots.
// Generation starts from a (warm-started) state; an edit starts from the current state and adds
// the UV-domain consistency terms. See docs/guidance.md.
#include <ATen/core/Tensor.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/guidance/context.h"
#include "engine/guidance/guidance.h"
#include "engine/optim/consistency.h"
#include "engine/optim/schedule.h"
#include "engine/state/face_state.h"

namespace likeness::appearance {
class AppearanceSchema;
}

namespace likeness::optim {

class JobControl;

enum class EditScope { Geometry, Texture, Both };
const char* to_string(EditScope scope);
/// "geometry", "texture" or "both"; InputError naming the word otherwise.
EditScope edit_scope_from_string(const std::string& word);

/// What makes a session an edit: the consistency weights (1 = keep) and the scope.
struct EditSetup {
  EditScope scope = EditScope::Both;
  at::Tensor vertex_weights;  ///< [V] W per vertex; the local geometry delta acts through 1 - W
  at::Tensor uv_weights;      ///< [8, R, R] W per texel at the working resolution
  double texture_consistency = 2000.0;  ///< weight of mean(W (T - T0)^2) on the albedo
  double geometry_consistency = 200.0;  ///< weight of mean(W (P - P0)^2) on the UV position map (cm)
  /// The geometry consistency as a quadratic form (geometry_consistency_form) over the local
  /// identity delta, and also over the free expressions if it has rows for them; computed (for the
  /// identity delta) by the session when undefined.
  at::Tensor geometry_form;
  /// Warm start (undefined: the start state's values): the local identity delta [K], expression
  /// [E] and appearance vector [P] the optimization starts from. The consistency references stay
  /// those of the start state.
  at::Tensor warm_local_identity, warm_expression, warm_appearance;
  /// [P] 1 for the appearance entries the edit may change, 0 for the frozen ones (undefined: all).
  at::Tensor appearance_mask;
  /// The expression weights the edit may change (those its instruction names); the others stay
  /// frozen so that nothing outside the edited region moves.
  std::vector<std::int64_t> free_expressions;
};

struct SessionOptions {
  Schedule schedule = Schedule::generation();
  int snapshot_every = 5;  ///< steps between snapshots (and at every stage end)
  int residual_resolution = 128;  ///< side of the free residual textures the session optimizes
  /// Convergence: a stage ends early once its loss improved by less than `tolerance` (relative,
  /// plus 1e-6 absolute) over the last `patience` steps. patience 0: always run every step.
  int patience = 6;
  double tolerance = 2e-3;
  /// Generation: the expression weights the optimizer may change (those the prompt names; the
  /// others stay at the start's, so that a measurement target is never met by pulling a face).
  /// Edits use EditSetup::free_expressions instead.
  std::vector<std::int64_t> free_expressions;
};

/// A complete state at some step, for the viewport.
struct Snapshot {
  int step = 0;
  guidance::Stage stage = guidance::Stage::Geometry;
  at::Tensor vertices;  ///< [V, 3] detached
  state::FaceState state;
};

struct Progress {
  int step = 0;         ///< 1-based, over the whole schedule; 0: the start state (first preview)
  int total_steps = 0;
  guidance::Stage stage = guidance::Stage::Geometry;
  double loss = 0;
  std::vector<guidance::Term> terms;
  std::shared_ptr<const Snapshot> snapshot;  ///< set on snapshot steps
  double elapsed_seconds = 0;
};

using ProgressCallback = std::function<void(const Progress&)>;

struct SessionResult {
  state::FaceState state;  ///< the best state of the final stage
  double loss = 0;         ///< its objective
  int best_step = 0;
  int steps_run = 0;         ///< fewer than the schedule's when stages converged early
  double seconds = 0;
  std::vector<guidance::Term> terms;  ///< of the best step
  /// Where the time went, in seconds: "setup" (edit references), "guidance" (losses of the
  /// guidances), "consistency" (edit terms), "backward", "update" (Adam and projection),
  /// "snapshots" (progress states for the viewport).
  std::map<std::string, double> phase_seconds;
};

class Session {
public:
  Session(std::shared_ptr<const guidance::Resources> resources, SessionOptions options);

  /// Replaces the guidances; a running session picks the new ones up at its next step (a prompt
  /// changed mid-run), keeping its variables and stage.
  void set_guidances(std::vector<std::shared_ptr<guidance::Guidance>> guidances);

  /// Runs the schedule from `start`. With `edit` the session is an edit (consistency terms, local
  /// geometry delta). `control` (may be null) provides pause/cancel checkpoints: a cancellation
  /// throws CancelledError and leaves `start` untouched.
  SessionResult run(const state::FaceState& start, const EditSetup* edit, JobControl* control,
                    const ProgressCallback& progress);

private:
  std::vector<std::shared_ptr<guidance::Guidance>> current_guidances();
  bool converged(const std::vector<double>& losses) const;
  state::FaceState make_state(const state::FaceState& start, const guidance::FaceVariables& vars, bool is_edit) const;

  std::shared_ptr<const guidance::Resources> resources_;
  SessionOptions options_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<guidance::Guidance>> guidances_;
};

/// UV position map of vertices on the skin tiles (0 and 1) at `resolution`: [2, R, R, 3].
/// Differentiable w.r.t. `vertices`.
at::Tensor uv_position_map(const guidance::Resources& resources, const at::Tensor& vertices, int resolution);

/// The geometry consistency mean(W (P - P0)^2) of an edit as an exact quadratic form x^T Q x.
/// During an edit the vertices move only through the local identity delta (through `local_mask`,
/// [V]) and the changes of the free `expressions`, so P - P0 = J x with x = [delta_a; delta_e]
/// and Q = J^T diag(W) J / N, where P is the UV position map of the skin tiles at half the
/// resolution of `uv_weights` ([8, R, R]) and N its element count. Returns Q: [K + n, K + n].
at::Tensor geometry_consistency_form(const guidance::Resources& resources, const at::Tensor& local_mask,
                                     const at::Tensor& uv_weights, const std::vector<std::int64_t>& expressions);

/// The state's appearance as a vector in `schema` order: entries matched by name, missing ones
/// at their defaults, all clamped to range.
at::Tensor appearance_from_state(const appearance::AppearanceSchema& schema, const state::FaceState& state);
/// Stores a vector in `schema` order into the state (values and entry names).
void store_appearance(const appearance::AppearanceSchema& schema, const at::Tensor& values, state::FaceState& state);

}  // namespace likeness::optim
