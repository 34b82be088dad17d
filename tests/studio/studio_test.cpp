// Likeness Studio driven like a user would, in a real window under Xvfb with lavapipe: type a
// prompt and generate, watch the viewport change, edit, undo and redo back to the same pixels,
// paint a mask on the head and in the UV view and find it in the edit's weights, move sliders,
// save, close, reopen the same history, export, recover an autosave, stop and restart runs, and
// switch the language.
#include <ATen/ATen.h>  // torch before any Qt header
#include <gtest/gtest.h>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QTranslator>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QMimeData>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QUrl>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTreeWidget>
#include <QVulkanInstance>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/doc/autosave.h"
#include "engine/doc/document.h"
#include "engine/face/face_model.h"
#include "engine/face/population.h"
#include "engine/face/regions.h"
#include "engine/face/topology.h"
#include "ui/mask/mask_painter.h"
#include "ui/mask/uv_view.h"
#include "ui/panels/attributes_panel.h"
#include "ui/panels/edit_panel.h"
#include "ui/panels/expressions_panel.h"
#include "ui/panels/history_panel.h"
#include "ui/panels/mask_panel.h"
#include "ui/panels/prompt_panel.h"
#include "ui/studio/export_dialog.h"
#include "ui/studio/main_window.h"
#include "ui/studio/studio_controller.h"
#include "ui/studio/translations.h"
#include "render/view_options.h"
#include "ui/viewport/stats_overlay.h"
#include "ui/viewport/viewport_window.h"
#include "tests/render/validation_log.h"
#include "tests/render/wait_for.h"

namespace likeness::studio {
namespace {

namespace fs = std::filesystem;

QVulkanInstance* g_instance = nullptr;
QTemporaryDir* g_home = nullptr;


bool wait_for(const std::function<bool()>& done, int timeout_ms = 60000) { return test::wait_for(done, timeout_ms); }

// The viewport's frame as RGBA bytes.
struct Shot {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;
  const std::uint8_t* px(int x, int y) const { return rgba.data() + (static_cast<std::size_t>(y) * width + x) * 4; }
};

Shot shot_of(const QImage& image) {
  Shot s;
  s.width = image.width();
  s.height = image.height();
  s.rgba.resize(static_cast<std::size_t>(s.width) * s.height * 4);
  for (int y = 0; y < s.height; ++y)
    std::memcpy(s.rgba.data() + static_cast<std::size_t>(y) * s.width * 4, image.constScanLine(y), static_cast<std::size_t>(s.width) * 4);
  return s;
}

// Mean absolute difference over all channels, 0..255.
double mean_difference(const Shot& a, const Shot& b) {
  if (a.width != b.width || a.height != b.height) return 255.0;
  double sum = 0;
  for (std::size_t i = 0; i < a.rgba.size(); ++i)
    if (i % 4 != 3) sum += std::abs(static_cast<int>(a.rgba[i]) - static_cast<int>(b.rgba[i]));
  return sum / (static_cast<double>(a.rgba.size()) * 0.75);
}

// Fraction of pixels that differ from the backdrop at the row's left edge (the head's coverage).
double head_fraction(const Shot& s) {
  long n = 0;
  for (int y = 0; y < s.height; ++y) {
    const std::uint8_t* edge = s.px(1, y);
    for (int x = 0; x < s.width; ++x) {
      const std::uint8_t* p = s.px(x, y);
      if (std::abs(p[0] - edge[0]) + std::abs(p[1] - edge[1]) + std::abs(p[2] - edge[2]) > 24) ++n;
    }
  }
  return static_cast<double>(n) / (static_cast<double>(s.width) * s.height);
}

class Studio : public ::testing::Test {
protected:
  void SetUp() override {
    test::ValidationLog::clear();
    static std::shared_ptr<const face::FaceModel> model = face::FaceModel::load_default();
    model_ = model;
    // Fast settings for tests: short step budgets, small preview textures, no autosave unless asked.
    QSettings qs;
    qs.clear();
    StudioSettings s;
    s.generation_steps = 36;
    s.edit_steps = 24;
    s.preview_resolution = 256;
    s.texture_resolution = 512;
    s.autosave_seconds = 0;
    s.save(qs);
    window_ = std::make_unique<MainWindow>(g_instance, model_);
    window_->set_asker([this](const QString& title, const QString& text, QMessageBox::StandardButtons) {
      questions_.push_back(title + ": " + text);
      return answer_;
    });
    window_->resize(1280, 800);
    window_->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
    window_->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window_.get()));
    ASSERT_TRUE(wait_for([&] { return window_->controller()->pipeline_ready(); }, 120000)) << "the pipeline did not load";
    ASSERT_TRUE(wait_for([&] { return window_->viewport()->frames_drawn() > 0; }));
    stats_off();
    settle();
  }

  void TearDown() override {
    if (window_) {
      answer_ = QMessageBox::Discard;
      window_->close();
      window_->release_viewport();
      window_.reset();
    }
    EXPECT_EQ(test::ValidationLog::summary(), "");
  }

  void stats_off() {
    auto* a = window_->findChild<QAction*>("actionStatsOverlay");
    ASSERT_NE(a, nullptr);
    a->setChecked(false);
  }

  // Waits until what the controller last sent is on screen.
  void settle() {
    StudioController* c = window_->controller();
    ASSERT_TRUE(wait_for([&] { return !c->busy() && c->display_idle(); }, 180000));
    const std::uint64_t version = c->displayed_version();
    ASSERT_TRUE(wait_for([&] { return window_->viewport()->applied_version() >= version; }));
    const std::uint64_t f = window_->viewport()->frames_drawn();
    window_->viewport()->requestUpdate();
    ASSERT_TRUE(wait_for([&] { return window_->viewport()->frames_drawn() > f; }));
  }

  Shot screenshot() { return shot_of(window_->viewport()->screenshot()); }

  void generate(const QString& prompt) {
    auto* edit = window_->findChild<QPlainTextEdit*>("promptEdit");
    ASSERT_NE(edit, nullptr);
    edit->clear();
    QTest::keyClicks(edit, prompt);
    QSignalSpy done(window_->controller(), &StudioController::finished);
    QTest::mouseClick(window_->findChild<QPushButton*>("generateButton"), Qt::LeftButton);
    ASSERT_TRUE(wait_for([&] { return done.count() > 0; }, 180000)) << "generation did not finish: " << window_->status_text().toStdString();
    settle();
  }

  void edit(const QString& instruction, int mask_index = 0) {
    auto* line = window_->findChild<QLineEdit*>("instructionEdit");
    ASSERT_NE(line, nullptr);
    line->clear();
    QTest::keyClicks(line, instruction);
    window_->findChild<QComboBox*>("maskCombo")->setCurrentIndex(mask_index);
    QSignalSpy done(window_->controller(), &StudioController::finished);
    QSignalSpy failed(window_->controller(), &StudioController::failed);
    QTest::mouseClick(window_->findChild<QPushButton*>("applyEditButton"), Qt::LeftButton);
    ASSERT_TRUE(wait_for([&] { return done.count() > 0 || failed.count() > 0; }, 180000));
    ASSERT_EQ(failed.count(), 0) << failed.front().front().toString().toStdString();
    settle();
  }

  int history_items() const {
    int n = 0;
    std::function<void(QTreeWidgetItem*)> count = [&](QTreeWidgetItem* item) {
      ++n;
      for (int i = 0; i < item->childCount(); ++i) count(item->child(i));
    };
    QTreeWidget* tree = window_->history_panel()->tree();
    for (int i = 0; i < tree->topLevelItemCount(); ++i) count(tree->topLevelItem(i));
    return n;
  }

  std::shared_ptr<const face::FaceModel> model_;
  std::unique_ptr<MainWindow> window_;
  QMessageBox::StandardButton answer_ = QMessageBox::No;
  std::vector<QString> questions_;
};

TEST_F(Studio, GenerateEditUndoRedoShowTheSamePixels) {
  const Shot neutral = screenshot();
  EXPECT_GT(head_fraction(neutral), 0.05) << "the neutral head is shown";
  generate("an old man with a very big nose, a dark skin and a dense black beard");
  const Shot generated = screenshot();
  EXPECT_GT(mean_difference(neutral, generated), 1.0) << "the viewport shows the generated face";
  EXPECT_EQ(history_items(), 2);
  EXPECT_GT(window_->attributes_panel()->row_count(), 2) << "the understood attributes are listed";
  // The main window after a generation, for docs/ (written when asked; run under a larger screen).
  if (const char* out = std::getenv("LIKENESS_STUDIO_SCREENSHOT")) {
    window_->resize(1500, 940);
    window_->findChild<QAction*>("actionStatsOverlay")->setChecked(true);
    QTest::qWait(500);
    settle();
    const QRect g = window_->frameGeometry();
    window_->screen()->grabWindow(0, g.x(), g.y(), g.width(), g.height()).toImage().save(QString::fromLocal8Bit(out));
    window_->findChild<QAction*>("actionStatsOverlay")->setChecked(false);
    window_->resize(1280, 800);
    QTest::qWait(300);
    settle();
  }

  edit("make the nose much smaller");
  const Shot edited = screenshot();
  const double edit_change = mean_difference(generated, edited);
  EXPECT_GT(edit_change, 0.05) << "the edit shows";
  EXPECT_EQ(history_items(), 3);

  // Ctrl+Z and Ctrl+Shift+Z from the main window.
  QTest::keyClick(window_.get(), Qt::Key_Z, Qt::ControlModifier);
  settle();
  EXPECT_LT(mean_difference(screenshot(), generated), 0.01) << "undo returns to the generated face's pixels";
  EXPECT_EQ(window_->controller()->document().current_step(), 1);
  QTest::keyClick(window_.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
  settle();
  EXPECT_LT(mean_difference(screenshot(), edited), 0.01) << "redo returns to the edited face's pixels";

  // Clicking a step in the history returns to it.
  QTreeWidget* tree = window_->history_panel()->tree();
  QTreeWidgetItem* first = tree->topLevelItem(0);
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(tree->isVisible());
  tree->scrollToItem(first);
  QTest::qWait(50);
  QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualItemRect(first).center());
  settle();
  EXPECT_EQ(window_->controller()->document().current_step(), 0);
  EXPECT_LT(mean_difference(screenshot(), neutral), 0.01);

}

TEST_F(Studio, FitsASmallScreen) {
  // 1280 x 800 with every panel docked: the window must not need more.
  const QSize min = window_->minimumSizeHint().expandedTo(window_->minimumSize());
  EXPECT_LE(min.width(), 1280);
  EXPECT_LE(min.height(), 760);
  EXPECT_LE(window_->frameGeometry().height(), 800);
  // The history and the prompt are always in view; the tabbed panels have their tab bars.
  for (const char* name : {"promptDock", "historyDock", "editDock", "attributesDock"}) {
    auto* d = window_->findChild<QDockWidget*>(name);
    ASSERT_NE(d, nullptr) << name;
    EXPECT_TRUE(d->isVisible()) << name;
    EXPECT_GE(d->geometry().top(), 0) << name;
    EXPECT_LE(d->geometry().bottom(), window_->height()) << name;
  }
  EXPECT_FALSE(window_->tabifiedDockWidgets(window_->findChild<QDockWidget*>("attributesDock")).isEmpty());
}

TEST_F(Studio, StatsOverlayDrawsIntoTheViewport) {
  const Shot off = screenshot();
  auto* a = window_->findChild<QAction*>("actionStatsOverlay");
  a->setChecked(true);
  ui::StatsOverlay* stats = window_->stats_overlay();
  stats->add_step(3, 10, "geometry", 1.5, {{"measurements", 1.0}, {"identity_prior", 0.5}});
  const std::uint64_t frames = stats->frames();
  window_->viewport()->requestUpdate();
  ASSERT_TRUE(wait_for([&] { return stats->frames() > frames; }));
  const Shot on = screenshot();
  // The overlay sits in the top-left corner; the rest of the frame is unchanged.
  double corner = 0, rest = 0;
  long nc = 0, nr = 0;
  for (int y = 0; y < on.height; ++y)
    for (int x = 0; x < on.width; ++x) {
      const int d = std::abs(on.px(x, y)[0] - off.px(x, y)[0]) + std::abs(on.px(x, y)[1] - off.px(x, y)[1]);
      if (x < 200 && y < 100) {
        corner += d;
        ++nc;
      } else if (x > on.width / 2 && y > on.height / 2) {
        rest += d;
        ++nr;
      }
    }
  EXPECT_GT(corner / nc, 4.0);
  EXPECT_LT(rest / nr, 0.5);
}

TEST_F(Studio, PaintedMaskReachesTheEdit) {
  auto* paint = window_->findChild<QCheckBox*>("paintCheck");
  ASSERT_NE(paint, nullptr);
  paint->setChecked(true);
  ui::ViewportWindow* vp = window_->viewport();
  EXPECT_EQ(vp->tool(), ui::ViewportTool::Paint);
  EXPECT_TRUE(vp->view_options().overlays & render::kOverlayPainted) << "painting shows the mask";
  // A stroke across the middle of the face (the head is framed in the middle of the view).
  const QPoint a(vp->width() / 2 - 30, vp->height() / 2), b(vp->width() / 2 + 30, vp->height() / 2 + 10);
  QTest::mousePress(vp, Qt::LeftButton, {}, a);
  for (int k = 1; k <= 10; ++k) QTest::mouseMove(vp, a + (b - a) * k / 10);
  QTest::mouseRelease(vp, Qt::LeftButton, {}, b);
  settle();
  const state::FaceState s = window_->controller()->current_state();
  ASSERT_TRUE(s.painted_mask.defined()) << "the stroke became a MaskPaint step";
  const long painted = s.painted_mask.gt(0.5f).sum().item<long>();
  EXPECT_GT(painted, 20);
  EXPECT_LT(painted, model_->vertex_count() / 4);
  EXPECT_EQ(window_->controller()->document().step(window_->controller()->document().current_step()).kind, doc::StepKind::MaskPaint);

  // Painting in the UV view adds to the same mask.
  UvView* uv = window_->mask_panel()->uv_view();
  window_->findChild<QDockWidget*>("maskDock")->raise();
  ASSERT_TRUE(wait_for([&] { return uv->isVisible(); }));
  // Around a UV point of a cheek vertex on the face tile.
  const auto cheeks = face::RegionSet::load_default(model_)->vertex_mask("cheeks");
  const face::Topology& topo = model_->topology();
  float cu = -1, cv = -1;
  for (std::size_t c = 0; c < topo.polygon_uvs.size() && cu < 0; ++c) {
    const auto uvi = topo.polygon_uvs[c];
    const float u = topo.uvs[uvi][0].item<float>(), v = topo.uvs[uvi][1].item<float>();
    if (u >= 0.0f && u < 1.0f && cheeks[topo.polygon_vertices[c]].item<float>() > 0.99f) {
      cu = u;
      cv = v;
    }
  }
  ASSERT_GE(cu, 0.0f);
  const QPoint u0 = uv->position_of(cu - 0.02f, cv).toPoint(), u1 = uv->position_of(cu + 0.02f, cv + 0.01f).toPoint();
  QTest::mousePress(uv, Qt::LeftButton, {}, u0);
  QTest::mouseMove(uv, u1);
  QTest::mouseRelease(uv, Qt::LeftButton, {}, u1);
  settle();
  const long painted_more = window_->controller()->current_state().painted_mask.gt(0.5f).sum().item<long>();
  EXPECT_GT(painted_more, painted);

  // An edit with the painted mask: the weights are 0 where painted, 1 far from it.
  edit("make the nose wider", 1);
  const at::Tensor w = window_->controller()->last_operation().vertex_weights;
  ASSERT_TRUE(w.defined());
  const at::Tensor mask = window_->controller()->current_state().painted_mask;
  EXPECT_LT(w.masked_select(mask > 0.99f).max().item<float>(), 0.01f);
  EXPECT_GT(w.masked_select(mask < 0.01f).min().item<float>(), 0.99f);

  // Erase and clear are steps too.
  window_->findChild<QPushButton*>("clearMaskButton")->click();
  settle();
  EXPECT_FALSE(window_->controller()->current_state().painted_mask.defined());
}

TEST_F(Studio, SlidersMakeSteps) {
  // An expression slider: a Slider step with the weight set.
  const int jaw = model_->expression_index("jawOpen");
  ASSERT_GE(jaw, 0);
  QSlider* slider = window_->expressions_panel()->slider(jaw);
  slider->setValue(60);
  ASSERT_TRUE(wait_for([&] { return window_->controller()->document().step_count() == 2; }, 10000));
  settle();
  EXPECT_NEAR(window_->controller()->current_state().expression[jaw].item<float>(), 0.6f, 1e-6f);
  EXPECT_EQ(window_->controller()->document().step(1).kind, doc::StepKind::Slider);

  // An understood attribute: the nose-size target slider re-runs the generation.
  generate("a man with a very big nose");
  auto* nose = window_->findChild<QSlider*>("measurement:nose_size");
  ASSERT_NE(nose, nullptr);
  const int steps_before = window_->controller()->document().step_count();
  QSignalSpy done(window_->controller(), &StudioController::finished);
  nose->setValue(10);
  ASSERT_TRUE(wait_for([&] { return done.count() > 0; }, 180000));
  settle();
  EXPECT_EQ(window_->controller()->document().step_count(), steps_before + 1);
  const optim::Pipeline& p = window_->controller()->pipeline();
  const double percentile = p.resources().population->percentile_of("nose_size", p.describe(window_->controller()->current_state()).measurements.at("nose_size"));
  EXPECT_LT(percentile, 30) << "the adjusted target (10th percentile) was optimized for";
}

TEST_F(Studio, StopAndRestartLeaveTheDocumentWhole) {
  StudioController* c = window_->controller();
  QSettings qs;
  StudioSettings s = window_->settings();
  s.generation_steps = 400;
  window_->apply_settings(s);
  QSignalSpy stopped(c, &StudioController::stopped);
  window_->prompt_panel()->set_prompt("a woman with a long nose");
  QTest::mouseClick(window_->findChild<QPushButton*>("generateButton"), Qt::LeftButton);
  ASSERT_TRUE(wait_for([&] { return c->busy(); }));
  QTest::qWait(300);
  window_->findChild<QAction*>("actionStop")->trigger();
  ASSERT_TRUE(wait_for([&] { return stopped.count() > 0; }, 5000)) << "stopping takes effect within a step";
  EXPECT_EQ(c->document().step_count(), 1) << "a stopped run leaves no step";

  // A new prompt while one runs replaces it: only the second prompt's step appears.
  s.generation_steps = 30;
  window_->apply_settings(s);
  QSignalSpy done(c, &StudioController::finished);
  window_->prompt_panel()->set_prompt("a man with a very wide jaw");
  QTest::mouseClick(window_->findChild<QPushButton*>("generateButton"), Qt::LeftButton);
  ASSERT_TRUE(wait_for([&] { return c->busy(); }));
  window_->prompt_panel()->set_prompt("a girl with a very small nose");
  QTest::mouseClick(window_->findChild<QPushButton*>("generateButton"), Qt::LeftButton);
  ASSERT_TRUE(wait_for([&] { return done.count() > 0 && !c->busy(); }, 180000));
  settle();
  EXPECT_EQ(c->document().step_count(), 2);
  EXPECT_EQ(c->document().step(1).label, "a girl with a very small nose");
  EXPECT_EQ(done.count(), 1);
}

TEST_F(Studio, SaveCloseReopenExport) {
  generate("a young woman with green eyes and full lips");
  edit("make the lips thinner");
  const QString path = QDir(g_home->path()).filePath("studio-test.likeness");
  ASSERT_TRUE(window_->save_as(path));
  EXPECT_FALSE(window_->isWindowModified());
  const doc::Document& d = window_->controller()->document();
  std::vector<std::string> labels;
  for (const doc::StepInfo& s : d.steps()) labels.push_back(s.label);
  const int current = d.current_step();
  const state::FaceState state = window_->controller()->current_state();
  const int items = history_items();

  // Close and open again in a new window.
  ASSERT_TRUE(window_->close());
  window_->release_viewport();
  window_.reset();
  window_ = std::make_unique<MainWindow>(g_instance, model_);
  window_->set_asker([this](const QString&, const QString&, QMessageBox::StandardButtons) { return answer_; });
  window_->show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
  ASSERT_TRUE(window_->open_project(path));
  settle();
  const doc::Document& reopened = window_->controller()->document();
  ASSERT_EQ(static_cast<std::size_t>(reopened.step_count()), labels.size());
  for (const doc::StepInfo& s : reopened.steps()) EXPECT_EQ(s.label, labels[static_cast<std::size_t>(s.id)]);
  EXPECT_EQ(reopened.current_step(), current);
  EXPECT_TRUE(state::equal(window_->controller()->current_state(), state));
  EXPECT_EQ(history_items(), items);
  EXPECT_TRUE(window_->settings().recent_files.contains(QFileInfo(path).absoluteFilePath()));

  // Export through the dialog.
  ExportDialog* dialog = window_->show_export_dialog();
  ExportSettings es = dialog->settings();
  es.folder = QDir(g_home->path()).filePath("export");
  es.format = "glb";
  es.texture_size = 256;
  dialog->set_settings(es);
  QSignalSpy finished(dialog, &ExportDialog::exportFinished);
  QTest::mouseClick(dialog->findChild<QPushButton*>("exportRunButton"), Qt::LeftButton);
  ASSERT_TRUE(wait_for([&] { return finished.count() > 0; }, 180000));
  ASSERT_TRUE(finished.front().front().toBool()) << dialog->error().toStdString();
  ASSERT_FALSE(dialog->files().empty());
  EXPECT_TRUE(fs::exists(dialog->files().front()));
  EXPECT_EQ(dialog->files().front().extension(), ".glb");
  EXPECT_GT(fs::file_size(dialog->files().front()), 100000u);
  dialog->close();
}

TEST_F(Studio, DroppedProjectFilesOpen) {
  generate("a man with a narrow face");
  const QString path = QDir(g_home->path()).filePath("dropped.likeness");
  ASSERT_TRUE(window_->save_as(path));
  window_->controller()->new_document();
  ASSERT_EQ(window_->controller()->document().step_count(), 1);
  QMimeData data;
  data.setUrls({QUrl::fromLocalFile(path)});
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(window_.get(), &enter);
  EXPECT_TRUE(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(window_.get(), &drop);
  settle();
  EXPECT_EQ(window_->controller()->document().step_count(), 2);
  EXPECT_EQ(window_->controller()->path(), path);
  // Other files are not taken.
  QMimeData other;
  other.setUrls({QUrl::fromLocalFile(QDir(g_home->path()).filePath("notes.txt"))});
  QDragEnterEvent refuse(QPoint(10, 10), Qt::CopyAction, &other, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(window_.get(), &refuse);
  EXPECT_FALSE(refuse.isAccepted());
}

TEST_F(Studio, DamagedProjectIsOfferedForRecovery) {
  generate("a man with a round face");
  const QString path = QDir(g_home->path()).filePath("damaged.likeness");
  ASSERT_TRUE(window_->save_as(path));
  fs::resize_file(path.toStdString(), fs::file_size(path.toStdString()) - 50);  // cut the manifest off
  answer_ = QMessageBox::Yes;
  questions_.clear();
  ASSERT_TRUE(window_->open_project(path));
  ASSERT_FALSE(questions_.empty());
  EXPECT_TRUE(questions_.back().startsWith("Damaged project")) << questions_.back().toStdString();
  EXPECT_GE(window_->controller()->document().step_count(), 1);
  EXPECT_TRUE(window_->controller()->path().isEmpty()) << "the recovered copy is unsaved";
}

TEST_F(Studio, AutosaveRecoversUnsavedWorkAfterACrash) {
  StudioSettings s = window_->settings();
  s.autosave_seconds = 1;
  window_->apply_settings(s);
  generate("a woman with a heart-shaped face");
  const fs::path folder = doc::untitled_autosave_folder();
  // Wait for an autosave that holds the generation (one written while it ran holds step 0 only).
  ASSERT_TRUE(wait_for(
      [&] {
        const auto found = doc::list_autosaves(folder);
        return !found.empty() && found.front().steps >= 2;
      },
      20000))
      << "no autosave with the generated step in " << folder;
  // A crash: the window goes away without closing (no save, the autosave stays).
  window_->release_viewport();
  window_.reset();
  ASSERT_FALSE(doc::list_autosaves(folder).empty());
  window_ = std::make_unique<MainWindow>(g_instance, model_);
  questions_.clear();
  answer_ = QMessageBox::Yes;
  window_->set_asker([this](const QString& title, const QString&, QMessageBox::StandardButtons) {
    questions_.push_back(title);
    return answer_;
  });
  window_->show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
  window_->offer_untitled_recovery();
  ASSERT_EQ(questions_.size(), 1u);
  EXPECT_EQ(window_->controller()->document().step_count(), 2);
  EXPECT_EQ(window_->controller()->document().step(1).label, "a woman with a heart-shaped face");
  answer_ = QMessageBox::Discard;
}

TEST_F(Studio, UnsavedChangesAreAskedAboutOnClose) {
  generate("a man with thick eyebrows");
  answer_ = QMessageBox::Cancel;
  questions_.clear();
  EXPECT_FALSE(window_->close()) << "cancel keeps the window open";
  ASSERT_EQ(questions_.size(), 1u);
  EXPECT_TRUE(questions_.front().startsWith("Unsaved changes"));
  answer_ = QMessageBox::Discard;
}

TEST(StudioTranslations, GermanAndChineseAreCompiledIn) {
  for (const QString& language : available_languages()) {
    QTranslator t;
    EXPECT_TRUE(t.load(QLocale(language), "likeness", "_", ":/i18n")) << language.toStdString();
    const QString translated = t.translate("likeness::studio::PromptPanel", "&Generate");
    EXPECT_FALSE(translated.isEmpty()) << language.toStdString();
    EXPECT_NE(translated, "&Generate") << language.toStdString();
  }
}

}  // namespace
}  // namespace likeness::studio

int main(int argc, char** argv) {
  // Private settings and user data for the tests.
  QTemporaryDir home;
  qputenv("XDG_DATA_HOME", (home.path() + "/data").toLocal8Bit());
  qputenv("XDG_CONFIG_HOME", (home.path() + "/config").toLocal8Bit());
  QApplication app(argc, argv);
  QApplication::setOrganizationName("LikenessTest");
  QApplication::setApplicationName("LikenessStudioTest");
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, home.path() + "/config");
  likeness::studio::g_home = &home;
  QVulkanInstance instance;
  instance.setLayers({"VK_LAYER_KHRONOS_validation"});  // used when installed (vulkan-validationlayers)
  instance.installDebugOutputFilter(likeness::test::validation_filter);
  if (!instance.create()) {
    std::fprintf(stderr, "no Vulkan instance (error %d): skipping\n", instance.errorCode());
    return 77;
  }
  likeness::studio::g_instance = &instance;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
