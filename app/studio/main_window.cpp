#include <ATen/ATen.h>  // torch before any Qt header

#include "app/studio/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QWidget>

#include "app/cli/render_adapter.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "render/lighting.h"
#include "ui/viewport/viewport_window.h"

namespace likeness::studio {

MainWindow::MainWindow(QVulkanInstance* instance, std::shared_ptr<const face::FaceModel> model) : model_(std::move(model)) {
  setWindowTitle("Likeness");
  viewport_ = new ui::ViewportWindow(instance);
  QWidget* container = QWidget::createWindowContainer(viewport_, this);
  container->setFocusPolicy(Qt::StrongFocus);
  container->setMinimumSize(320, 240);
  setCentralWidget(container);
  build_menus();
  statusBar()->showMessage("Left drag: orbit   Middle or Shift+drag: pan   Wheel: zoom   1/3/7: front/three-quarter/profile");
  resize(1280, 800);
}

void MainWindow::release_viewport() {
  if (viewport_) viewport_->destroy();
}

bool MainWindow::open_state(const std::filesystem::path& path) {
  try {
    const render_adapter::HeadState state =
        path.empty() ? render_adapter::neutral_state(*model_) : render_adapter::load_state(*model_, path);
    viewport_->set_scene(render_adapter::make_scene(model_, state, 1024));
    setWindowTitle(path.empty() ? QString("Likeness") : QString("Likeness - %1").arg(QString::fromStdString(path.filename().string())));
    return true;
  } catch (const Error& e) {
    QMessageBox::warning(this, "Likeness", QString::fromStdString(e.what()));
    return false;
  }
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu("&File");
  QAction* open = file->addAction("&Open state...");
  open->setShortcut(QKeySequence::Open);
  connect(open, &QAction::triggered, this, [this] {
    const QString name = QFileDialog::getOpenFileName(this, "Open a face state", QString(), "Face states (*.json *.safetensors)");
    if (!name.isEmpty()) open_state(name.toStdString());
  });
  QAction* neutral = file->addAction("&Neutral head");
  connect(neutral, &QAction::triggered, this, [this] { open_state({}); });
  file->addSeparator();
  QAction* quit = file->addAction("&Quit");
  quit->setShortcut(QKeySequence::Quit);
  connect(quit, &QAction::triggered, qApp, &QApplication::quit);

  QMenu* view = menuBar()->addMenu("&View");
  QMenu* lighting = view->addMenu("&Lighting");
  auto* group = new QActionGroup(this);
  const auto presets = render::lighting_preset_names();
  for (std::size_t i = 0; i < presets.size(); ++i) {
    QAction* a = lighting->addAction(QString::fromStdString(presets[i]));
    a->setCheckable(true);
    a->setChecked(i == 0);
    group->addAction(a);
    connect(a, &QAction::triggered, this, [this, i] { set_lighting(static_cast<int>(i)); });
  }
  QMenu* overlays = view->addMenu("&Overlays");
  const std::pair<const char*, unsigned> items[] = {{"&Wireframe", render::kOverlayWireframe},
                                                    {"&UV checker", render::kOverlayUvChecker},
                                                    {"&Landmarks", render::kOverlayLandmarks}};
  for (const auto& [label, bit] : items) {
    QAction* a = overlays->addAction(label);
    a->setCheckable(true);
    const unsigned b = bit;
    connect(a, &QAction::toggled, this, [this, b](bool on) { toggle_overlay(b, on); });
  }
  view->addSeparator();
  const std::pair<const char*, render::ViewPreset> framing[] = {{"&Front\t1", render::ViewPreset::Front},
                                                                {"&Three-quarter\t3", render::ViewPreset::ThreeQuarter},
                                                                {"&Profile\t7", render::ViewPreset::Profile}};
  for (const auto& [label, preset] : framing) {
    QAction* a = view->addAction(label);
    const render::ViewPreset p = preset;
    connect(a, &QAction::triggered, this, [this, p] { viewport_->frame(p); });
  }
}

void MainWindow::set_lighting(int preset) {
  render::ViewOptions v = viewport_->view_options();
  v.lighting = render::make_lighting(static_cast<render::LightingPreset>(preset));
  viewport_->set_view_options(v);
}

void MainWindow::toggle_overlay(unsigned bit, bool on) {
  render::ViewOptions v = viewport_->view_options();
  v.overlays = on ? (v.overlays | bit) : (v.overlays & ~bit);
  viewport_->set_view_options(v);
}

}  // namespace likeness::studio
