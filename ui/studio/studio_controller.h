#pragma once
// The studio's model: one document (its history and project file), the generation and editing
// pipeline, and the worker thread that runs optimizations. The main window's panels call it; it
// answers with signals on the GUI thread and sends live viewport updates through a sink that may
// be called from the worker thread (ui::ViewportWindow::submit is thread-safe).
//
// Every operation that changes the face (generate, edit, re-run with adjusted targets, expression
// slider, mask paint) ends in one new document step; a failed or stopped operation leaves the
// document as it was. Starting an operation while one runs stops the running one first (within one
// optimization step).
#include <ATen/core/Tensor.h>  // torch before Qt

#include <QObject>
#include <QString>
#include <QVariantMap>

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "engine/doc/document.h"
#include "engine/optim/pipeline.h"
#include "engine/optim/worker.h"
#include "render/scene.h"

namespace likeness::face {
class FaceModel;
}

namespace likeness::studio {

enum class OperationKind { None, Generate, Edit };

/// The last generation or edit, kept so that the understood-attribute sliders can re-run it with
/// adjusted targets.
struct LastOperation {
  OperationKind kind = OperationKind::None;
  optim::Understanding understanding;
  state::FaceState start;            ///< edits: the state that was edited
  optim::GenerateOptions generate;
  optim::EditOptions edit;
  at::Tensor vertex_weights;         ///< edits: consistency weights per vertex (1 = kept)
};

/// One progress event of the running optimization.
struct ProgressInfo {
  int step = 0;
  int total = 0;
  QString stage;
  double loss = 0;
  QVariantMap terms;  ///< term name -> value
  double seconds = 0;
};

/// What the controller needs from the preferences.
struct ControllerOptions {
  int texture_resolution = 1024;  ///< stored in new faces
  int preview_resolution = 512;   ///< textures sent to the viewport
  int generation_steps = 0;       ///< 0: default schedule
  int edit_steps = 0;
  int snapshot_every = 5;
};

class StudioController : public QObject {
  Q_OBJECT
public:
  /// Receives viewport updates and returns the update's version (ui::ViewportWindow::submit).
  using LiveSink = std::function<std::uint64_t(render::SceneUpdate)>;

  explicit StudioController(std::shared_ptr<const face::FaceModel> model, QObject* parent = nullptr);
  ~StudioController() override;

  void set_options(const ControllerOptions& options);
  const ControllerOptions& options() const { return options_; }
  /// Where viewport updates go (called on the GUI thread and on the worker thread).
  void set_live_sink(LiveSink sink);

  /// Starts loading the pipeline (head model statistics, regions, appearance model) in the
  /// background; operations wait for it. pipelineReady() is emitted when done.
  void preload();
  bool pipeline_ready() const;

  // --- Document -----------------------------------------------------------------------------
  const doc::Document& document() const { return *document_; }
  /// A new untitled document holding the neutral head.
  void new_document();
  /// Opens a project (throws likeness::Error: ProjectError for damaged files).
  void open(const QString& path);
  /// Takes over a document (a recovered or restored one).
  void adopt(doc::Document document);
  void save();
  void save_as(const QString& path);
  QString path() const;
  bool modified() const;
  /// The current step's state (a copy).
  state::FaceState current_state() const;

  // --- Operations ---------------------------------------------------------------------------
  void generate(const QString& prompt, std::uint64_t seed);
  void edit(const QString& instruction, const optim::EditOptions& options);
  /// Re-runs the last generation or edit with adjusted targets (a Slider step).
  void rerun(const optim::Understanding& adjusted);
  /// Shows an expression weight live without committing it.
  void preview_expression(int index, float value);
  /// Commits expression weights as a Slider step (`label` names the change).
  void commit_expressions(const at::Tensor& expression, const QString& label);
  /// Shows a painted mask live (per vertex) without committing it.
  void preview_mask(const std::vector<float>& mask);
  /// Commits a painted mask as a MaskPaint step (empty: clears the mask).
  void commit_mask(const std::vector<float>& mask, const QString& label);
  void stop();
  void pause();
  void resume();
  bool busy() const;
  bool paused() const;

  void undo();
  void redo();
  void checkout(int step);

  const LastOperation& last_operation() const { return last_; }
  /// What a text would be understood as (against the current face for an edit). Throws InputError.
  optim::Understanding understand(const QString& text, bool as_edit);
  std::shared_ptr<const face::FaceModel> model() const { return model_; }
  /// The pipeline (waits for preload). Throws what loading threw.
  const optim::Pipeline& pipeline();

  /// Re-sends the current state to the viewport (geometry, textures, overlays), converted on a
  /// background thread so that texture generation never blocks the GUI.
  void show_current();
  /// True when no state is waiting to be converted for the viewport.
  bool display_idle() const;
  /// The viewport version of the last update sent for a shown state (see LiveSink).
  std::uint64_t displayed_version() const;
  /// Overlay of the last edit's weights in the viewport (1 - W as heat) on or off.
  void set_heat_overlay(bool on);
  /// The semantic region (or group) shown by the region overlay; empty: none. InputError for an
  /// unknown name.
  void set_region_overlay(const QString& region);

Q_SIGNALS:
  void busyChanged(bool busy);
  void progressed(const likeness::studio::ProgressInfo& info);
  /// An operation ended with a new step; `summary` is one line for the status bar.
  void finished(const QString& summary);
  /// An operation failed (the document is unchanged); `message` names the cause.
  void failed(const QString& message);
  /// An operation was stopped before it ended.
  void stopped();
  /// The history or the current step changed, or another document was loaded.
  void documentChanged();
  /// The last operation (and so the understood attributes) changed.
  void understandingChanged();
  void pipelineReady();
  /// A state requested with show_current() reached the viewport.
  void displayed();

private:
  struct JobResult;
  using JobBody = std::function<std::shared_ptr<JobResult>(optim::JobControl&, const optim::Pipeline&,
                                                           const optim::ProgressCallback&)>;
  void start_job(JobBody body);
  void job_done(std::uint64_t id, std::shared_ptr<JobResult> result);
  optim::ProgressCallback progress_callback(std::uint64_t id);
  class Display;
  std::uint64_t send(render::SceneUpdate update);
  render::Overlays overlays_for(const state::FaceState& state) const;
  void cancel_running();

  std::shared_ptr<const face::FaceModel> model_;
  ControllerOptions options_;
  std::unique_ptr<doc::Document> document_;
  LastOperation last_;
  bool heat_overlay_ = false;
  std::vector<float> region_overlay_;  ///< per render vertex

  mutable std::mutex sink_mutex_;
  LiveSink sink_;

  mutable std::mutex pipeline_mutex_;
  std::shared_future<std::shared_ptr<const optim::Pipeline>> pipeline_;

  std::unique_ptr<Display> display_;
  optim::Worker worker_;
  std::atomic<std::uint64_t> job_id_{0};
  bool busy_ = false;
};

}  // namespace likeness::studio

Q_DECLARE_METATYPE(likeness::studio::ProgressInfo)
