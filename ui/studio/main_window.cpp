#include <ATen/ATen.h>  // torch before any Qt header

#include "ui/studio/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QUrl>

#include <filesystem>

#include "app/cli/render_adapter.h"
#include "engine/core/error.h"
#include "engine/doc/autosave.h"
#include "engine/doc/document.h"
#include "engine/face/face_model.h"
#include "engine/io/runtime.h"
#include "render/lighting.h"
#include "render/view_options.h"
#include "ui/mask/mask_painter.h"
#include "ui/panels/attributes_panel.h"
#include "ui/panels/edit_panel.h"
#include "ui/panels/expressions_panel.h"
#include "ui/panels/history_panel.h"
#include "ui/panels/mask_panel.h"
#include "ui/panels/prompt_panel.h"
#include "ui/panels/view_panel.h"
#include "ui/studio/preferences_dialog.h"
#include "ui/studio/studio_controller.h"
#include "ui/viewport/stats_overlay.h"
#include "ui/viewport/viewport_window.h"

namespace likeness::studio {

namespace {

ControllerOptions controller_options(const StudioSettings& s) {
  ControllerOptions o;
  o.texture_resolution = s.texture_resolution;
  o.preview_resolution = s.preview_resolution;
  o.generation_steps = s.generation_steps;
  o.edit_steps = s.edit_steps;
  o.snapshot_every = s.snapshot_every;
  return o;
}

QDockWidget* dock(QMainWindow* window, const QString& title, const char* name, QWidget* content, Qt::DockWidgetArea area) {
  auto* d = new QDockWidget(title, window);
  d->setObjectName(QString::fromLatin1(name));
  d->setWidget(content);
  d->setAllowedAreas(Qt::AllDockWidgetAreas);
  window->addDockWidget(area, d);
  return d;
}

}  // namespace

MainWindow::MainWindow(QVulkanInstance* instance, std::shared_ptr<const face::FaceModel> model, QWidget* parent)
    : QMainWindow(parent), model_(std::move(model)) {
  setObjectName("mainWindow");
  setAcceptDrops(true);
  QSettings qs;
  settings_ = StudioSettings::load(qs);
  ask_ = [this](const QString& title, const QString& text, QMessageBox::StandardButtons buttons) {
    return QMessageBox::question(this, title, text, buttons);
  };

  controller_ = new StudioController(model_, this);
  controller_->set_options(controller_options(settings_));

  ui::ViewportOptions vo;
  vo.samples = settings_.msaa_samples;
  viewport_ = new ui::ViewportWindow(instance, vo);
  QWidget* container = QWidget::createWindowContainer(viewport_, this);
  container->setObjectName("viewportContainer");
  container->setFocusPolicy(Qt::StrongFocus);
  container->setMinimumSize(320, 240);
  setCentralWidget(container);
  stats_ = new ui::StatsOverlay();
  viewport_->set_overlay(stats_);
  controller_->set_live_sink([vp = viewport_](render::SceneUpdate u) { return vp->submit(std::move(u)); });
  painter_ = new MaskPainter(controller_, this);
  painter_->attach(viewport_);

  build_panels();
  build_actions();
  build_menus();
  connect_controller();

  status_label_ = new QLabel(this);
  status_label_->setObjectName("statusLabel");
  stage_label_ = new QLabel(this);
  progress_ = new QProgressBar(this);
  progress_->setObjectName("progressBar");
  progress_->setMaximumWidth(220);
  progress_->setTextVisible(true);
  progress_->setVisible(false);
  statusBar()->addWidget(status_label_, 1);
  statusBar()->addPermanentWidget(stage_label_);
  statusBar()->addPermanentWidget(progress_);

  first_scene();
  apply_settings(settings_);
  const QRect screen_area = screen() ? screen()->availableGeometry() : QRect(0, 0, 1440, 900);
  resize(std::min(1440, screen_area.width()), std::min(900, screen_area.height()));
  restoreGeometry(qs.value("window/geometry").toByteArray());
  restoreState(qs.value("window/state").toByteArray());
  update_title();
  update_actions();
  status_label_->setText(tr("Loading the head model's statistics and appearance model..."));
  controller_->preload();
}

MainWindow::~MainWindow() {
  autosaver_.reset();
  if (viewport_) viewport_->set_overlay(nullptr);
  delete stats_;
}

void MainWindow::release_viewport() {
  if (viewport_) {
    viewport_->set_overlay(nullptr);
    viewport_->destroy();
  }
}

QString MainWindow::status_text() const { return status_label_ ? status_label_->text() : QString(); }

void MainWindow::first_scene() {
  // The mesh at once with plain textures; the state's textures follow from the display thread.
  const state::FaceState s = controller_->current_state();
  const render_adapter::HeadState head = render_adapter::from_face_state(*model_, s, "new head");
  const at::Tensor v = render_adapter::state_vertices(*model_, head);
  render::Scene scene;
  scene.mesh = render_adapter::make_mesh(*model_, v, model_->vertex_normals(v));
  viewport_->set_scene(std::move(scene));
  controller_->show_current();
}

void MainWindow::build_panels() {
  setDockNestingEnabled(true);
  prompt_ = new PromptPanel(this);
  edit_ = new EditPanel(this);
  history_ = new HistoryPanel(this);
  attributes_ = new AttributesPanel(controller_, this);
  expressions_ = new ExpressionsPanel(controller_, this);
  view_ = new ViewPanel(controller_, viewport_, this);
  mask_ = new MaskPanel(painter_, viewport_, *model_, this);

  // Left: the prompt above the edit and mask tabs. Right: the understood attributes, expressions
  // and view tabs above the history. (Docks added to one area stack vertically.)
  QDockWidget* prompt = dock(this, tr("Prompt"), "promptDock", prompt_, Qt::LeftDockWidgetArea);
  QDockWidget* edit = dock(this, tr("Edit"), "editDock", edit_, Qt::LeftDockWidgetArea);
  QDockWidget* mask = dock(this, tr("Mask"), "maskDock", mask_, Qt::LeftDockWidgetArea);
  QDockWidget* attributes = dock(this, tr("Understood attributes"), "attributesDock", attributes_, Qt::RightDockWidgetArea);
  QDockWidget* history = dock(this, tr("History"), "historyDock", history_, Qt::RightDockWidgetArea);
  QDockWidget* expressions = dock(this, tr("Expressions"), "expressionsDock", expressions_, Qt::RightDockWidgetArea);
  QDockWidget* view = dock(this, tr("View"), "viewDock", view_, Qt::RightDockWidgetArea);
  tabifyDockWidget(edit, mask);
  tabifyDockWidget(attributes, expressions);
  tabifyDockWidget(attributes, view);
  edit->raise();
  attributes->raise();
  resizeDocks({prompt, edit}, {240, 420}, Qt::Vertical);
  resizeDocks({attributes, history}, {420, 260}, Qt::Vertical);
  resizeDocks({prompt, attributes}, {340, 340}, Qt::Horizontal);

  connect(prompt_, &PromptPanel::generateRequested, this, [this](const QString& text, quint64 seed) {
    if (text.isEmpty()) {
      show_error(tr("Generate"), tr("Type a description of a face first."));
      return;
    }
    stats_->reset();
    controller_->generate(text, seed);
  });
  connect(edit_, &EditPanel::editRequested, this, [this](const EditRequest& r) {
    if (r.instruction.isEmpty()) {
      show_error(tr("Edit"), tr("Type an instruction first, e.g. \"make the nose narrower\"."));
      return;
    }
    optim::EditOptions o;
    o.scope = r.scope;
    o.mask = r.mask;
    o.strength = r.strength;
    stats_->reset();
    controller_->edit(r.instruction, o);
  });
  connect(history_, &HistoryPanel::stepActivated, this, [this](int step) {
    try {
      controller_->checkout(step);
    } catch (const std::exception& e) {
      show_error(tr("History"), QString::fromStdString(e.what()));
    }
  });
  // Painting shows the painted mask.
  connect(mask_, &MaskPanel::paintingChanged, this, [this](bool on) {
    if (on) view_->set_overlay(render::kOverlayPainted, true);
  });
  connect(history_, &HistoryPanel::undoRequested, controller_, &StudioController::undo);
  connect(history_, &HistoryPanel::redoRequested, controller_, &StudioController::redo);
}

void MainWindow::build_actions() {
  auto action = [this](const QString& text, const QKeySequence& key, const char* name) {
    auto* a = new QAction(text, this);
    a->setObjectName(QString::fromLatin1(name));
    if (!key.isEmpty()) a->setShortcut(key);
    addAction(a);
    return a;
  };
  new_ = action(tr("&New"), QKeySequence::New, "actionNew");
  open_ = action(tr("&Open..."), QKeySequence::Open, "actionOpen");
  save_ = action(tr("&Save"), QKeySequence::Save, "actionSave");
  save_as_ = action(tr("Save &As..."), QKeySequence("Ctrl+Shift+S"), "actionSaveAs");
  export_ = action(tr("&Export..."), QKeySequence("Ctrl+E"), "actionExport");
  quit_ = action(tr("&Quit"), QKeySequence::Quit, "actionQuit");
  undo_ = action(tr("&Undo"), QKeySequence("Ctrl+Z"), "actionUndo");
  redo_ = action(tr("&Redo"), QKeySequence("Ctrl+Shift+Z"), "actionRedo");
  redo_->setShortcuts({QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")});
  preferences_ = action(tr("&Preferences..."), QKeySequence::Preferences, "actionPreferences");
  generate_ = action(tr("&Generate"), QKeySequence("Ctrl+Return"), "actionGenerate");
  stop_ = action(tr("&Stop"), QKeySequence("Ctrl+."), "actionStop");
  pause_ = action(tr("&Pause"), QKeySequence("Ctrl+P"), "actionPause");
  pause_->setCheckable(true);
  about_ = action(tr("&About Likeness"), QKeySequence(), "actionAbout");
  // Undo and redo also work while the viewport (a separate native window) has the focus; text
  // fields still handle their own Ctrl+Z first.
  for (QAction* a : {undo_, redo_, generate_, stop_}) a->setShortcutContext(Qt::ApplicationShortcut);

  connect(new_, &QAction::triggered, this, [this] { new_document(); });
  connect(open_, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a project"), QFileInfo(controller_->path()).absolutePath(),
                                                      tr("Likeness projects (*.likeness)"));
    if (!path.isEmpty()) open_project(path);
  });
  connect(save_, &QAction::triggered, this, [this] { save(); });
  connect(save_as_, &QAction::triggered, this, [this] { save_as(); });
  connect(export_, &QAction::triggered, this, [this] { show_export_dialog(); });
  connect(quit_, &QAction::triggered, this, &QWidget::close);
  connect(undo_, &QAction::triggered, controller_, &StudioController::undo);
  connect(redo_, &QAction::triggered, controller_, &StudioController::redo);
  connect(generate_, &QAction::triggered, this, [this] { Q_EMIT prompt_->generateRequested(prompt_->prompt(), prompt_->seed()); });
  connect(stop_, &QAction::triggered, controller_, &StudioController::stop);
  connect(pause_, &QAction::toggled, this, [this](bool on) {
    if (on) controller_->pause();
    else controller_->resume();
    stage_label_->setText(on ? tr("paused") : QString());
  });
  connect(preferences_, &QAction::triggered, this, [this] {
    PreferencesDialog dialog(settings_, this);
    if (dialog.exec() == QDialog::Accepted) apply_settings(dialog.settings());
  });
  connect(about_, &QAction::triggered, this, [this] {
    QMessageBox::about(this, tr("About Likeness"),
                       tr("<b>Likeness %1</b><p>Describe a face and refine it with text edits.</p>"
                          "<p>Head model: ICT-FaceKit (MIT). Built with Qt, Vulkan, LibTorch and Dear ImGui.</p>")
                           .arg(QApplication::applicationVersion()));
  });
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(new_);
  file->addAction(open_);
  recent_menu_ = file->addMenu(tr("Open &Recent"));
  recent_menu_->setObjectName("recentMenu");
  file->addSeparator();
  file->addAction(save_);
  file->addAction(save_as_);
  file->addSeparator();
  file->addAction(export_);
  file->addSeparator();
  file->addAction(quit_);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  edit->addAction(undo_);
  edit->addAction(redo_);
  edit->addSeparator();
  edit->addAction(preferences_);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  run->addAction(generate_);
  run->addAction(pause_);
  run->addAction(stop_);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  panels_menu_ = view->addMenu(tr("&Panels"));
  for (QDockWidget* d : findChildren<QDockWidget*>()) panels_menu_->addAction(d->toggleViewAction());
  QAction* stats = view->addAction(tr("&Stats overlay"));
  stats->setObjectName("actionStatsOverlay");
  stats->setCheckable(true);
  stats->setChecked(true);
  connect(stats, &QAction::toggled, this, [this](bool on) {
    stats_->set_visible(on);
    viewport_->requestUpdate();
  });
  view->addSeparator();
  const std::pair<QString, render::ViewPreset> framing[] = {{tr("&Front\t1"), render::ViewPreset::Front},
                                                            {tr("&Three-quarter\t3"), render::ViewPreset::ThreeQuarter},
                                                            {tr("&Profile\t7"), render::ViewPreset::Profile}};
  for (const auto& [label, preset] : framing) {
    QAction* a = view->addAction(label);
    const render::ViewPreset p = preset;
    connect(a, &QAction::triggered, this, [this, p] { viewport_->frame(p); });
  }

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(about_);

  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName("mainToolBar");
  bar->addAction(new_);
  bar->addAction(open_);
  bar->addAction(save_);
  bar->addSeparator();
  bar->addAction(undo_);
  bar->addAction(redo_);
  bar->addSeparator();
  bar->addAction(generate_);
  bar->addAction(pause_);
  bar->addAction(stop_);
  bar->addSeparator();
  bar->addAction(export_);
  update_recent_menu();
}

void MainWindow::connect_controller() {
  connect(controller_, &StudioController::pipelineReady, this, [this] {
    prompt_->set_ready(true);
    edit_->set_ready(true);
    attributes_->refresh();
    if (status_label_->text().startsWith(tr("Loading"))) status_label_->setText(tr("Ready"));
  });
  prompt_->set_ready(controller_->pipeline_ready());
  edit_->set_ready(controller_->pipeline_ready());
  connect(controller_, &StudioController::busyChanged, this, [this](bool busy) {
    progress_->setVisible(busy);
    if (busy) {
      progress_->setValue(0);
      status_label_->setText(tr("Optimizing..."));
    } else {
      pause_->setChecked(false);
      stage_label_->clear();
    }
    update_actions();
  });
  connect(controller_, &StudioController::progressed, this, [this](const ProgressInfo& p) {
    progress_->setMaximum(std::max(1, p.total));
    progress_->setValue(p.step);
    stage_label_->setText(tr("%1 · step %2/%3 · loss %4").arg(p.stage).arg(p.step).arg(p.total).arg(p.loss, 0, 'g', 3));
    std::map<std::string, double> terms;
    for (auto it = p.terms.begin(); it != p.terms.end(); ++it) terms[it.key().toStdString()] = it.value().toDouble();
    if (p.step > 0) stats_->add_step(p.step, p.total, p.stage.toStdString(), p.loss, terms);
  });
  connect(controller_, &StudioController::finished, this, [this](const QString& summary) { status_label_->setText(summary); });
  connect(controller_, &StudioController::stopped, this, [this] { status_label_->setText(tr("Stopped; the face is as it was")); });
  connect(controller_, &StudioController::failed, this, [this](const QString& message) {
    status_label_->setText(tr("Failed: %1").arg(message));
    show_error(tr("Likeness"), message);
  });
  connect(controller_, &StudioController::documentChanged, this, [this] {
    history_->refresh(controller_->document());
    expressions_->refresh();
    painter_->reload();
    update_title();
    update_actions();
    restart_autosaver();
  });
  connect(controller_, &StudioController::understandingChanged, this, [this] { attributes_->refresh(); });
  history_->refresh(controller_->document());
}

void MainWindow::update_title() {
  const QString path = controller_->path();
  const QString name = path.isEmpty() ? tr("Untitled") : QFileInfo(path).fileName();
  setWindowTitle(QStringLiteral("%1[*] - Likeness").arg(name));
  setWindowModified(controller_->modified());
}

void MainWindow::update_actions() {
  const doc::Document& d = controller_->document();
  undo_->setEnabled(d.can_undo());
  redo_->setEnabled(d.can_redo());
  stop_->setEnabled(controller_->busy());
  pause_->setEnabled(controller_->busy());
}

void MainWindow::update_recent_menu() {
  recent_menu_->clear();
  for (const QString& path : settings_.recent_files) {
    QAction* a = recent_menu_->addAction(QFileInfo(path).fileName());
    a->setToolTip(path);
    a->setData(path);
    connect(a, &QAction::triggered, this, [this, path] { open_project(path); });
  }
  recent_menu_->setEnabled(!settings_.recent_files.isEmpty());
}

void MainWindow::show_error(const QString& title, const QString& message) {
  ask_(title, message, QMessageBox::Ok);
}

bool MainWindow::maybe_save() {
  if (!controller_->modified()) return true;
  if (controller_->document().step_count() <= 1 && controller_->path().isEmpty()) return true;  // nothing made yet
  const QMessageBox::StandardButton b =
      ask_(tr("Unsaved changes"), tr("The face has changes that are not saved. Save them first?"),
           QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
  if (b == QMessageBox::Cancel) return false;
  if (b == QMessageBox::Save) return save();
  return true;
}

bool MainWindow::new_document() {
  if (!maybe_save()) return false;
  if (autosaver_) autosaver_->discard();
  controller_->new_document();
  status_label_->setText(tr("New head"));
  return true;
}

bool MainWindow::open_project(const QString& path) {
  if (!maybe_save()) return false;
  const std::filesystem::path p = path.toStdString();
  try {
    if (auto autosave = doc::find_autosave(p)) {
      const auto b = ask_(tr("Recover unsaved work"),
                          tr("%1 has an autosave from %2 that is newer than the file (the studio did not close normally). "
                             "Restore it?")
                              .arg(QFileInfo(path).fileName(), QString::fromStdString(autosave->saved_at)),
                          QMessageBox::Yes | QMessageBox::No);
      if (b == QMessageBox::Yes) {
        if (autosaver_) autosaver_->discard();
        controller_->adopt(doc::restore_autosave(*autosave));
        settings_.add_recent(path);
        QSettings qs;
        settings_.save(qs);
        update_recent_menu();
        status_label_->setText(tr("Restored the autosave of %1; save to keep it").arg(QFileInfo(path).fileName()));
        return true;
      }
    }
    if (autosaver_) autosaver_->discard();
    controller_->open(path);
  } catch (const doc::ProjectError& e) {
    if (!e.recoverable()) {
      show_error(tr("Open"), QString::fromStdString(e.what()));
      return false;
    }
    const auto b = ask_(tr("Damaged project"),
                        tr("%1\n\nRecover the steps that are intact? The result opens as an unsaved copy.").arg(QString::fromStdString(e.what())),
                        QMessageBox::Yes | QMessageBox::No);
    if (b != QMessageBox::Yes) return false;
    try {
      doc::Recovery r = doc::recover_project(p);
      if (!r.document) {
        show_error(tr("Open"), tr("Nothing in %1 could be recovered.").arg(path));
        return false;
      }
      controller_->adopt(std::move(*r.document));
      status_label_->setText(tr("Recovered %1 of %2 steps; save them under a new name").arg(r.steps_recovered).arg(r.steps_found));
      return true;
    } catch (const std::exception& e2) {
      show_error(tr("Open"), QString::fromStdString(e2.what()));
      return false;
    }
  } catch (const std::exception& e) {
    show_error(tr("Open"), QString::fromStdString(e.what()));
    return false;
  }
  settings_.add_recent(path);
  QSettings qs;
  settings_.save(qs);
  update_recent_menu();
  status_label_->setText(tr("Opened %1").arg(QFileInfo(path).fileName()));
  return true;
}

bool MainWindow::save() {
  if (controller_->path().isEmpty()) return save_as();
  try {
    controller_->save();
  } catch (const std::exception& e) {
    show_error(tr("Save"), QString::fromStdString(e.what()));
    return false;
  }
  if (autosaver_) autosaver_->discard();
  status_label_->setText(tr("Saved %1").arg(QFileInfo(controller_->path()).fileName()));
  update_title();
  return true;
}

bool MainWindow::save_as(const QString& given) {
  QString path = given;
  if (path.isEmpty()) {
    path = QFileDialog::getSaveFileName(this, tr("Save the project"), controller_->path().isEmpty() ? QStringLiteral("head.likeness") : controller_->path(),
                                        tr("Likeness projects (*.likeness)"));
    if (path.isEmpty()) return false;
  }
  if (!path.endsWith(QStringLiteral(".likeness"))) path += QStringLiteral(".likeness");
  try {
    if (autosaver_) autosaver_->discard();
    controller_->save_as(path);
  } catch (const std::exception& e) {
    show_error(tr("Save"), QString::fromStdString(e.what()));
    return false;
  }
  settings_.add_recent(path);
  QSettings qs;
  settings_.save(qs);
  update_recent_menu();
  restart_autosaver();
  status_label_->setText(tr("Saved %1").arg(QFileInfo(path).fileName()));
  update_title();
  return true;
}

ExportDialog* MainWindow::show_export_dialog() {
  if (export_settings_.folder.isEmpty()) {
    const QString path = controller_->path();
    export_settings_.folder = path.isEmpty() ? QDir::homePath() + QStringLiteral("/likeness-export")
                                             : QFileInfo(path).absolutePath() + QStringLiteral("/") + QFileInfo(path).completeBaseName() +
                                                   QStringLiteral("-export");
    export_settings_.texture_size = settings_.texture_resolution;
  }
  if (export_dialog_) export_dialog_->deleteLater();
  export_dialog_ = new ExportDialog(model_, controller_->current_state(), export_settings_, this);
  connect(export_dialog_, &ExportDialog::exportFinished, this, [this](bool ok) {
    export_settings_ = export_dialog_->settings();
    if (ok) status_label_->setText(tr("Exported %1").arg(QString::fromStdString(export_dialog_->files().front().string())));
  });
  export_dialog_->open();
  return export_dialog_;
}

void MainWindow::offer_untitled_recovery() {
  const std::vector<doc::AutosaveInfo> found = doc::list_autosaves(doc::untitled_autosave_folder());
  for (const doc::AutosaveInfo& a : found) {
    if (!a.autosave_of.empty()) continue;
    const auto b = ask_(tr("Recover unsaved work"),
                        tr("An untitled face from %1 (%n step(s)) was not saved when the studio last closed. Restore it?", nullptr, a.steps)
                            .arg(QString::fromStdString(a.saved_at)),
                        QMessageBox::Yes | QMessageBox::No);
    if (b == QMessageBox::Yes) {
      try {
        controller_->adopt(doc::restore_autosave(a));
        std::error_code ec;
        std::filesystem::remove(a.path, ec);  // the restored document autosaves afresh
        status_label_->setText(tr("Restored unsaved work; save it to keep it"));
      } catch (const std::exception& e) {
        show_error(tr("Recover"), QString::fromStdString(e.what()));
      }
    } else {
      std::error_code ec;
      std::filesystem::remove(a.path, ec);
    }
    return;  // only the newest is offered
  }
}

void MainWindow::restart_autosaver() {
  const doc::Document& d = controller_->document();
  const std::string path = d.path().string();
  if (autosaver_ && autosaved_document_ == &d && autosaved_path_ == path) return;
  autosaver_.reset();
  autosaved_document_ = &d;
  autosaved_path_ = path;
  if (settings_.autosave_seconds <= 0) return;
  const std::filesystem::path target = path.empty() ? doc::untitled_autosave_path() : doc::autosave_path_for(path);
  autosaver_ = std::make_unique<doc::Autosaver>(const_cast<doc::Document&>(d), target, std::chrono::seconds(settings_.autosave_seconds));
  autosaver_->start();
}

void MainWindow::apply_settings(const StudioSettings& s) {
  const bool autosave_changed = s.autosave_seconds != settings_.autosave_seconds;
  const int threads_before = settings_.threads;
  settings_ = s;
  QSettings qs;
  settings_.save(qs);
  controller_->set_options(controller_options(settings_));
  if (settings_.threads != threads_before) init_runtime(settings_.threads);
  view_->set_lighting(settings_.lighting);
  view_->set_exposure(settings_.exposure);
  view_->set_shadows(settings_.shadows);
  if (autosave_changed) {
    autosaver_.reset();
    autosaved_document_ = nullptr;
  }
  restart_autosaver();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (controller_->busy()) controller_->stop();
  if (!maybe_save()) {
    event->ignore();
    return;
  }
  if (autosaver_) {
    autosaver_->stop();
    autosaver_->discard();
  }
  QSettings qs;
  qs.setValue("window/geometry", saveGeometry());
  qs.setValue("window/state", saveState());
  settings_.save(qs);
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile() && url.toLocalFile().endsWith(QStringLiteral(".likeness"))) {
      event->acceptProposedAction();
      return;
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile() && url.toLocalFile().endsWith(QStringLiteral(".likeness"))) {
      event->acceptProposedAction();
      open_project(url.toLocalFile());
      return;
    }
}

void MainWindow::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) update_title();
  QMainWindow::changeEvent(event);
}

}  // namespace likeness::studio
