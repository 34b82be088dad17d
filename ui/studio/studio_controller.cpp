#include <ATen/ATen.h>  // torch before any Qt header

#include "ui/studio/studio_controller.h"

#include <QCoreApplication>
#include <QMetaObject>

#include <condition_variable>
#include <thread>

#include "app/cli/render_adapter.h"
#include "engine/appearance/appearance_model.h"
#include "engine/appearance/parameters.h"
#include "engine/appearance/texture_set.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/optim/step_record.h"
#include "ui/viewport/viewport_scene.h"

namespace likeness::studio {

struct StudioController::JobResult {
  doc::StepKind kind = doc::StepKind::Generate;
  state::FaceState state;
  Json cause;
  std::string thumbnail;
  LastOperation operation;
  QString summary;
};

namespace {

QString stage_name(guidance::Stage stage) { return QString::fromLatin1(guidance::to_string(stage)); }

// One line about an outcome for the status bar.
QString summary_of(const optim::Outcome& o, const QString& verb) {
  return QCoreApplication::translate("StudioController", "%1 in %2 s (%3 steps, loss %4)")
      .arg(verb)
      .arg(o.session.seconds, 0, 'f', 1)
      .arg(o.session.steps_run)
      .arg(o.session.loss, 0, 'g', 3);
}

}  // namespace

StudioController::StudioController(std::shared_ptr<const face::FaceModel> model, QObject* parent)
    : QObject(parent), model_(std::move(model)) {
  qRegisterMetaType<likeness::studio::ProgressInfo>();
  display_ = std::make_unique<Display>(this);
  document_ = std::make_unique<doc::Document>(
      doc::Document::create(state::FaceState::neutral(model_->identity_count(), model_->expression_count(), model_->vertex_count()),
                            {{"label", "new head"}}));
}

StudioController::~StudioController() {
  worker_.cancel();
  display_.reset();
  std::shared_future<std::shared_ptr<const optim::Pipeline>> loading;
  {
    std::lock_guard<std::mutex> lock(pipeline_mutex_);
    loading = pipeline_;
  }
  if (loading.valid()) loading.wait();  // its thread posts to this object
}

void StudioController::set_options(const ControllerOptions& options) {
  const bool reload = options.texture_resolution != options_.texture_resolution || options.snapshot_every != options_.snapshot_every;
  options_ = options;
  if (reload) {
    std::lock_guard<std::mutex> lock(pipeline_mutex_);
    if (pipeline_.valid() && !busy_) pipeline_ = {};  // rebuilt with the new options on next use
  }
}

void StudioController::set_live_sink(LiveSink sink) {
  std::lock_guard<std::mutex> lock(sink_mutex_);
  sink_ = std::move(sink);
}

void StudioController::preload() {
  std::lock_guard<std::mutex> lock(pipeline_mutex_);
  if (pipeline_.valid()) return;
  optim::PipelineOptions po;
  po.texture_resolution = options_.texture_resolution;
  po.snapshot_every = options_.snapshot_every;
  pipeline_ = std::async(std::launch::async, [this, po] {
                auto p = std::make_shared<const optim::Pipeline>(po);
                QMetaObject::invokeMethod(this, [this] { Q_EMIT pipelineReady(); }, Qt::QueuedConnection);
                return p;
              }).share();
}

bool StudioController::pipeline_ready() const {
  std::lock_guard<std::mutex> lock(pipeline_mutex_);
  return pipeline_.valid() && pipeline_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

const optim::Pipeline& StudioController::pipeline() {
  preload();
  std::shared_future<std::shared_ptr<const optim::Pipeline>> f;
  {
    std::lock_guard<std::mutex> lock(pipeline_mutex_);
    f = pipeline_;
  }
  return *f.get();
}

// --- Document -------------------------------------------------------------------------------

void StudioController::new_document() {
  cancel_running();
  state::FaceState s = state::FaceState::neutral(model_->identity_count(), model_->expression_count(), model_->vertex_count());
  s.texture_resolution = options_.texture_resolution;
  document_ = std::make_unique<doc::Document>(doc::Document::create(s, {{"label", "new head"}}));
  last_ = {};
  Q_EMIT understandingChanged();
  Q_EMIT documentChanged();
  show_current();
}

void StudioController::open(const QString& path) {
  doc::Document opened = doc::Document::open(path.toStdString());  // throws before anything changes
  cancel_running();
  document_ = std::make_unique<doc::Document>(std::move(opened));
  last_ = {};
  Q_EMIT understandingChanged();
  Q_EMIT documentChanged();
  show_current();
}

void StudioController::adopt(doc::Document document) {
  cancel_running();
  document_ = std::make_unique<doc::Document>(std::move(document));
  last_ = {};
  Q_EMIT understandingChanged();
  Q_EMIT documentChanged();
  show_current();
}

void StudioController::save() {
  document_->save();
  Q_EMIT documentChanged();
}

void StudioController::save_as(const QString& path) {
  document_->save_as(path.toStdString());
  Q_EMIT documentChanged();
}

QString StudioController::path() const { return QString::fromStdString(document_->path().string()); }

bool StudioController::modified() const { return document_->modified(); }

state::FaceState StudioController::current_state() const { return document_->current_state(); }

// --- Viewport -------------------------------------------------------------------------------

render::Overlays StudioController::overlays_for(const state::FaceState& state) const {
  render::Overlays o;
  if (state.painted_mask.defined()) o.painted = render_adapter::per_render_vertex(model_->topology(), state.painted_mask);
  o.region = region_overlay_;
  if (heat_overlay_ && last_.vertex_weights.defined())
    o.heat = render_adapter::per_render_vertex(model_->topology(), (1 - last_.vertex_weights).clamp(0, 1));
  return o;
}

std::uint64_t StudioController::send(render::SceneUpdate update) {
  LiveSink sink;
  {
    std::lock_guard<std::mutex> lock(sink_mutex_);
    sink = sink_;
  }
  return sink ? sink(std::move(update)) : 0;
}

// Converts states to viewport updates on its own thread (texture generation takes tens of ms, and
// seconds the first time a seed is seen); only the newest request is kept.
class StudioController::Display {
public:
  explicit Display(StudioController* owner) : owner_(owner), thread_([this] { run(); }) {}
  ~Display() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void request(state::FaceState state, render::Overlays overlays, int resolution) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_ = Request{std::move(state), std::move(overlays), resolution};
      idle_ = false;
    }
    cv_.notify_all();
  }
  bool idle() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return idle_;
  }
  std::uint64_t version() const { return version_.load(); }

private:
  struct Request {
    state::FaceState state;
    render::Overlays overlays;
    int resolution = 512;
  };
  void run() {
    for (;;) {
      Request r;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || pending_.has_value(); });
        if (stop_) return;
        r = std::move(*pending_);
        pending_.reset();
      }
      try {
        render::SceneUpdate u = ui::update_from_state(owner_->model_, r.state, true, r.resolution);
        u.overlays = std::move(r.overlays);
        const std::uint64_t v = owner_->send(std::move(u));
        if (v > 0) version_.store(v);
      } catch (const std::exception& e) {
        const QString message = QString::fromStdString(e.what());
        QMetaObject::invokeMethod(owner_, [o = owner_, message] { Q_EMIT o->failed(message); }, Qt::QueuedConnection);
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!pending_) idle_ = true;
      }
      QMetaObject::invokeMethod(owner_, [o = owner_] { Q_EMIT o->displayed(); }, Qt::QueuedConnection);
    }
  }

  StudioController* owner_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<Request> pending_;
  bool stop_ = false;
  bool idle_ = true;
  std::atomic<std::uint64_t> version_{0};
  std::thread thread_;
};

void StudioController::show_current() {
  state::FaceState s = *document_->current_state_view();
  render::Overlays o = overlays_for(s);
  display_->request(std::move(s), std::move(o), options_.preview_resolution);
}

bool StudioController::display_idle() const { return display_->idle(); }

std::uint64_t StudioController::displayed_version() const { return display_->version(); }

void StudioController::set_heat_overlay(bool on) {
  heat_overlay_ = on;
  render::SceneUpdate u;
  u.overlays = overlays_for(*document_->current_state_view());
  send(std::move(u));
}

void StudioController::set_region_overlay(const QString& region) {
  region_overlay_ = region.isEmpty() ? std::vector<float>() : render_adapter::make_overlays(model_, region.toStdString()).region;
  render::SceneUpdate u;
  u.overlays = overlays_for(*document_->current_state_view());
  send(std::move(u));
}

void StudioController::preview_expression(int index, float value) {
  if (index < 0 || index >= model_->expression_count()) return;
  state::FaceState s = *document_->current_state_view();
  s.expression = s.expression.clone();
  s.expression[index] = value;
  send(ui::update_from_state(model_, s, false, options_.preview_resolution));
}

void StudioController::preview_mask(const std::vector<float>& mask) {
  if (static_cast<int>(mask.size()) != model_->vertex_count()) return;
  state::FaceState s = *document_->current_state_view();
  s.painted_mask = at::from_blob(const_cast<float*>(mask.data()), {static_cast<long>(mask.size())}, at::kFloat).clone();
  render::SceneUpdate u;
  u.overlays = overlays_for(s);
  send(std::move(u));
}

// --- Operations -----------------------------------------------------------------------------

bool StudioController::busy() const { return busy_; }

bool StudioController::paused() const { return worker_.state() == optim::WorkerState::Paused; }

void StudioController::cancel_running() {
  if (!worker_.busy()) return;
  ++job_id_;  // results and progress of the running job are dropped
  worker_.cancel();
  if (busy_) {
    busy_ = false;
    Q_EMIT busyChanged(false);
  }
}

void StudioController::stop() {
  if (!worker_.busy()) return;
  worker_.cancel();  // the job's end (cancelled) arrives through the done callback
}

void StudioController::pause() { worker_.pause(); }

void StudioController::resume() { worker_.resume(); }

optim::ProgressCallback StudioController::progress_callback(std::uint64_t id) {
  return [this, id](const optim::Progress& p) {
    if (id != job_id_.load()) return;
    ProgressInfo info;
    info.step = p.step;
    info.total = p.total_steps;
    info.stage = stage_name(p.stage);
    info.loss = p.loss;
    for (const guidance::Term& t : p.terms) info.terms[QString::fromStdString(t.name)] = info.terms.value(QString::fromStdString(t.name)).toDouble() + t.value;
    info.seconds = p.elapsed_seconds;
    QMetaObject::invokeMethod(
        this, [this, id, info] {
          if (id == job_id_.load()) Q_EMIT progressed(info);
        },
        Qt::QueuedConnection);
    if (!p.snapshot) return;
    // Geometry every snapshot; textures from the session's working-resolution appearance model
    // (cheap) once the appearance is being optimized, and for the first preview.
    ui::TextureTensors textures;
    if (p.step == 0 || p.snapshot->stage != guidance::Stage::Geometry) {
      const optim::Pipeline& pl = pipeline();
      const guidance::Resources& res = pl.resources();
      at::NoGradGuard guard;
      auto params = appearance::AppearanceParams::from_tensor(res.schema, optim::appearance_from_state(*res.schema, p.snapshot->state));
      appearance::TextureSet set = res.appearance->generate(params, {p.snapshot->state.albedo_residual, p.snapshot->state.normal_residual});
      textures.albedo = set.albedo;
      textures.normal = set.normal;
      textures.roughness = set.roughness;
      textures.seed = p.snapshot->state.seed;
    }
    render::SceneUpdate u = ui::update_from_tensors(*model_, p.snapshot->vertices, textures);
    if (id == job_id_.load()) send(std::move(u));
  };
}

void StudioController::start_job(JobBody body) {
  cancel_running();
  const std::uint64_t id = ++job_id_;
  preload();
  std::shared_future<std::shared_ptr<const optim::Pipeline>> loading;
  {
    std::lock_guard<std::mutex> lock(pipeline_mutex_);
    loading = pipeline_;
  }
  optim::ProgressCallback progress = progress_callback(id);
  busy_ = true;
  Q_EMIT busyChanged(true);
  worker_.start(
      [this, id, body, loading, progress](optim::JobControl& control) {
        std::shared_ptr<const optim::Pipeline> p = loading.get();
        control.checkpoint();
        std::shared_ptr<JobResult> result = body(control, *p, progress);
        control.checkpoint();
        result->thumbnail = optim::thumbnail_png(*p, result->state);
        QMetaObject::invokeMethod(this, [this, id, result] { job_done(id, result); }, Qt::QueuedConnection);
      },
      [this, id](optim::WorkerState end, const std::string& error) {
        const QString message = QString::fromStdString(error);
        QMetaObject::invokeMethod(
            this,
            [this, id, end, message] {
              if (id != job_id_.load() || end == optim::WorkerState::Finished) return;
              busy_ = false;
              Q_EMIT busyChanged(false);
              if (end == optim::WorkerState::Failed) Q_EMIT failed(message);
              else Q_EMIT stopped();
              show_current();  // back to the document's state
            },
            Qt::QueuedConnection);
      });
}

void StudioController::job_done(std::uint64_t id, std::shared_ptr<JobResult> result) {
  if (id != job_id_.load()) return;
  try {
    document_->commit_step(result->kind, result->state, result->cause, result->thumbnail);
  } catch (const std::exception& e) {
    busy_ = false;
    Q_EMIT busyChanged(false);
    Q_EMIT failed(QString::fromStdString(e.what()));
    return;
  }
  if (result->operation.kind != OperationKind::None) {
    last_ = std::move(result->operation);
    Q_EMIT understandingChanged();
  }
  busy_ = false;
  Q_EMIT busyChanged(false);
  Q_EMIT documentChanged();
  show_current();
  Q_EMIT finished(result->summary);
}

void StudioController::generate(const QString& prompt, std::uint64_t seed) {
  const std::string text = prompt.toStdString();
  optim::GenerateOptions options;
  options.seed = seed;
  options.steps = options_.generation_steps;
  start_job([text, options](optim::JobControl& control, const optim::Pipeline& p, const optim::ProgressCallback& progress) {
    optim::Outcome o = p.generate(text, options, &control, progress);
    auto r = std::make_shared<JobResult>();
    r->kind = doc::StepKind::Generate;
    r->cause = optim::generation_cause(o, options);
    r->summary = summary_of(o, QCoreApplication::translate("StudioController", "Generated"));
    r->operation.kind = OperationKind::Generate;
    r->operation.understanding = o.understanding;
    r->operation.generate = options;
    r->state = std::move(o.state);
    return r;
  });
}

void StudioController::edit(const QString& instruction, const optim::EditOptions& edit_options) {
  const std::string text = instruction.toStdString();
  optim::EditOptions options = edit_options;
  if (options.steps == 0) options.steps = options_.edit_steps;
  const state::FaceState current = document_->current_state();
  start_job([text, options, current](optim::JobControl& control, const optim::Pipeline& p, const optim::ProgressCallback& progress) {
    optim::Outcome o = p.edit(current, text, options, &control, progress);
    auto r = std::make_shared<JobResult>();
    r->kind = doc::StepKind::Edit;
    r->cause = optim::edit_cause(o, options);
    r->summary = summary_of(o, QCoreApplication::translate("StudioController", "Edited"));
    r->operation.kind = OperationKind::Edit;
    r->operation.understanding = o.understanding;
    r->operation.start = current;
    r->operation.edit = options;
    r->operation.vertex_weights = o.vertex_weights;
    r->state = std::move(o.state);
    return r;
  });
}

void StudioController::rerun(const optim::Understanding& adjusted) {
  if (last_.kind == OperationKind::None) throw InputError("there is no generation or edit to adjust yet");
  const LastOperation op = last_;
  start_job([op, adjusted](optim::JobControl& control, const optim::Pipeline& p, const optim::ProgressCallback& progress) {
    optim::Outcome o = op.kind == OperationKind::Generate ? p.generate(adjusted, op.generate, &control, progress)
                                                          : p.edit(op.start, adjusted, op.edit, &control, progress);
    auto r = std::make_shared<JobResult>();
    r->kind = doc::StepKind::Slider;
    r->cause = op.kind == OperationKind::Generate ? optim::generation_cause(o, op.generate) : optim::edit_cause(o, op.edit);
    r->cause["label"] = "adjusted: " + adjusted.parsed.text;
    r->cause["adjusted_targets"] = true;
    r->summary = summary_of(o, QCoreApplication::translate("StudioController", "Re-optimized"));
    r->operation = op;
    r->operation.understanding = adjusted;
    if (op.kind == OperationKind::Edit) r->operation.vertex_weights = o.vertex_weights;
    r->state = std::move(o.state);
    return r;
  });
}

void StudioController::commit_expressions(const at::Tensor& expression, const QString& label) {
  cancel_running();
  state::FaceState s = document_->current_state();
  if (!expression.defined() || expression.numel() != s.expression.numel())
    throw InputError("expression weights: expected " + std::to_string(s.expression.numel()) + " values");
  Json changes = Json::object();
  const at::Tensor before = s.expression.contiguous();
  const at::Tensor after = expression.detach().to(at::kFloat).clamp(0, 1).contiguous();
  for (int i = 0; i < model_->expression_count(); ++i)
    if (before[i].item<float>() != after[i].item<float>()) changes["expression." + model_->expression_names()[static_cast<std::size_t>(i)]] = after[i].item<float>();
  if (changes.empty()) return;
  s.expression = after.clone();
  std::string thumbnail;
  if (pipeline_ready()) thumbnail = optim::thumbnail_png(pipeline(), s);
  document_->commit_step(doc::StepKind::Slider, s, {{"label", label.toStdString()}, {"changes", changes}}, thumbnail);
  Q_EMIT documentChanged();
  show_current();
}

void StudioController::commit_mask(const std::vector<float>& mask, const QString& label) {
  cancel_running();
  state::FaceState s = document_->current_state();
  if (mask.empty()) {
    if (!s.painted_mask.defined()) return;
    s.painted_mask = at::Tensor();
  } else {
    if (static_cast<int>(mask.size()) != model_->vertex_count())
      throw InputError("painted mask: expected " + std::to_string(model_->vertex_count()) + " values, got " + std::to_string(mask.size()));
    s.painted_mask = at::from_blob(const_cast<float*>(mask.data()), {static_cast<long>(mask.size())}, at::kFloat).clamp(0, 1).clone();
  }
  const float covered = s.painted_mask.defined() ? s.painted_mask.gt(0.5f).sum().item<float>() : 0.0f;
  document_->commit_step(doc::StepKind::MaskPaint, s,
                         {{"label", label.toStdString()}, {"painted_vertices", static_cast<int>(covered)}},
                         document_->thumbnail(document_->current_step()));
  Q_EMIT documentChanged();
  show_current();
}

void StudioController::undo() {
  cancel_running();
  if (document_->undo()) {
    Q_EMIT documentChanged();
    show_current();
  }
}

void StudioController::redo() {
  cancel_running();
  if (document_->redo()) {
    Q_EMIT documentChanged();
    show_current();
  }
}

void StudioController::checkout(int step) {
  if (step == document_->current_step()) return;
  cancel_running();
  document_->checkout(step);
  Q_EMIT documentChanged();
  show_current();
}

optim::Understanding StudioController::understand(const QString& text, bool as_edit) {
  const optim::Pipeline& p = pipeline();
  if (!as_edit) return p.understand(text.toStdString(), nullptr);
  const state::FaceState current = document_->current_state();
  return p.understand(text.toStdString(), &current);
}

}  // namespace likeness::studio
