// The Qt Vulkan viewport under Xvfb with lavapipe: it shows the head, follows the mouse, takes
// live updates from a worker thread, and the validation layer stays silent.
#include <ATen/ATen.h>  // torch before any Qt header
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImage>
#include <QMouseEvent>
#include <QTest>
#include <QThread>
#include <QVulkanInstance>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include "app/cli/render_adapter.h"
#include "engine/face/face_model.h"
#include "render/renderer.h"
#include "tests/render/image_stats.h"
#include "tests/render/wait_for.h"
#include "engine/core/error.h"
#include "engine/state/face_state.h"
#include "tests/render/validation_log.h"
#include "ui/viewport/viewport_scene.h"
#include "ui/viewport/viewport_window.h"

namespace likeness::test {
namespace {


QVulkanInstance* g_instance = nullptr;

render::Image grab(ui::ViewportWindow& w) {
  const QImage image = w.screenshot();  // RGBA8888, red and blue in place
  render::Image out;
  out.width = image.width();
  out.height = image.height();
  out.rgba.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) * 4);
  for (int y = 0; y < out.height; ++y)
    std::memcpy(out.rgba.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width) * 4, image.constScanLine(y),
                static_cast<std::size_t>(out.width) * 4);
  return out;
}

// Pixels that differ from the backdrop's gradient: the head.
std::vector<std::uint8_t> head_mask(const render::Image& img) {
  std::vector<std::uint8_t> m(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height));
  for (int y = 0; y < img.height; ++y) {
    const std::uint8_t* edge = img.pixel(1, y);  // the backdrop at the row's left edge
    for (int x = 0; x < img.width; ++x) {
      const std::uint8_t* p = img.pixel(x, y);
      int d = 0;
      for (int c = 0; c < 3; ++c) d += std::abs(static_cast<int>(p[c]) - static_cast<int>(edge[c]));
      m[static_cast<std::size_t>(y * img.width + x)] = d > 24 ? 1 : 0;
    }
  }
  return m;
}

double centroid_x(const std::vector<std::uint8_t>& m, int width) {
  double sx = 0, n = 0;
  for (std::size_t i = 0; i < m.size(); ++i)
    if (m[i]) {
      sx += static_cast<double>(i % static_cast<std::size_t>(width));
      n += 1;
    }
  return n > 0 ? sx / n : -1;
}

class Viewport : public ::testing::Test {
protected:
  void SetUp() override {
    ValidationLog::clear();
    model_ = face::FaceModel::load_default();
    ui::ViewportOptions options;
    options.unorm_swapchain = true;
    window_ = std::make_unique<ui::ViewportWindow>(g_instance, options);
    window_->resize(240, 200);
    render_adapter::HeadState state = render_adapter::neutral_state(*model_);
    window_->set_scene(render_adapter::make_scene(model_, state, 64));
    window_->show();
    // The view draws on demand: the first frame comes with the expose, a second one when asked.
    ASSERT_TRUE(wait_for([&] { return window_->isExposed() && window_->frames_drawn() >= 1; })) << "the viewport never drew";
    window_->requestUpdate();
    ASSERT_TRUE(wait_for([&] { return window_->frames_drawn() >= 2; })) << "the viewport drew once only";
  }
  void TearDown() override {
    window_->destroy();  // before the instance goes away
    window_.reset();
    EXPECT_EQ(ValidationLog::summary(), "");
  }

  std::shared_ptr<const face::FaceModel> model_;
  std::unique_ptr<ui::ViewportWindow> window_;
};

TEST_F(Viewport, ShowsTheHeadCentred) {
  const render::Image img = grab(*window_);
  ASSERT_GT(img.width, 100);
  const auto mask = head_mask(img);
  double covered = 0;
  for (auto v : mask) covered += v;
  covered /= static_cast<double>(mask.size());
  EXPECT_GT(covered, 0.15);
  EXPECT_LT(covered, 0.75);
  EXPECT_NEAR(centroid_x(mask, img.width), img.width / 2.0, img.width * 0.06);
}

TEST_F(Viewport, MouseDragOrbitsTheCamera) {
  const float yaw = window_->camera_controller().camera().yaw;
  const std::uint64_t frames = window_->frames_drawn();
  QTest::mousePress(window_.get(), Qt::LeftButton, Qt::NoModifier, QPoint(100, 100));
  QTest::mouseMove(window_.get(), QPoint(160, 100));
  QTest::mouseRelease(window_.get(), Qt::LeftButton, Qt::NoModifier, QPoint(160, 100));
  EXPECT_GT(window_->camera_controller().camera().yaw, yaw + 5.0f);
  EXPECT_TRUE(wait_for([&] { return window_->frames_drawn() > frames; }));
  // Profile key, then the head is narrower-or-different than from the front.
  const render::Image turned = grab(*window_);
  QTest::keyClick(window_.get(), Qt::Key_1);
  EXPECT_FLOAT_EQ(window_->camera_controller().camera().yaw, 0.0f);
  const std::uint64_t f2 = window_->frames_drawn();
  EXPECT_TRUE(wait_for([&] { return window_->frames_drawn() > f2; }));
  const render::Image front = grab(*window_);
  EXPECT_GT(differing_pixels(turned, front, 16), 200);
}

TEST_F(Viewport, LiveUpdatesFromAWorkerThreadAppear) {
  const render::Image before = grab(*window_);
  const double x0 = centroid_x(head_mask(before), before.width);
  // A worker moves the head and paints it green; the view shows both at once.
  std::atomic<std::uint64_t> version{0};
  std::thread worker([&] {
    at::Tensor v = model_->vertices(model_->zero_identity());
    v.select(1, 0).add_(5.0);
    render::SceneUpdate u;
    u.geometry = render_adapter::make_geometry(model_->topology(), v, model_->vertex_normals(v));
    render::Textures t;
    t.albedo.width = t.albedo.height = 2;
    t.albedo.layers = 8;
    t.albedo.channels = 3;
    t.albedo.f32.assign(2 * 2 * 8 * 3, 0.0f);
    for (std::size_t i = 1; i < t.albedo.f32.size(); i += 3) t.albedo.f32[i] = 0.7f;
    u.textures = std::move(t);
    version = window_->submit(std::move(u));
  });
  worker.join();
  ASSERT_GT(version.load(), 0u);
  ASSERT_TRUE(wait_for([&] { return window_->applied_version() >= version.load(); }));
  const std::uint64_t f = window_->frames_drawn();
  window_->requestUpdate();
  ASSERT_TRUE(wait_for([&] { return window_->frames_drawn() > f; }));
  const render::Image after = grab(*window_);
  const auto mask = head_mask(after);
  EXPECT_GT(centroid_x(mask, after.width), x0 + 4.0);
  const auto rgb = mean_rgb(after, [&](int x, int y) { return mask[static_cast<std::size_t>(y * after.width + x)] != 0; });
  EXPECT_GT(rgb[1], rgb[0] * 1.5);
}


TEST_F(Viewport, ScreenshotsKeepRedAndBlueInPlace) {
  // A red head: the screenshot must show red, not blue (Qt 6.4's grab swaps them for BGRA).
  ui::TextureTensors t;
  t.albedo = at::zeros({8, 4, 4, 3}, at::kFloat);
  t.albedo.select(3, 0).fill_(0.8f);
  const std::uint64_t version = window_->submit(ui::update_from_tensors(*model_, at::Tensor(), t));
  ASSERT_GT(version, 0u);
  ASSERT_TRUE(wait_for([&] { return window_->applied_version() >= version; }));
  const std::uint64_t f = window_->frames_drawn();
  window_->requestUpdate();
  ASSERT_TRUE(wait_for([&] { return window_->frames_drawn() > f; }));
  const render::Image img = grab(*window_);
  const auto mask = head_mask(img);
  const auto rgb = mean_rgb(img, [&](int x, int y) { return mask[static_cast<std::size_t>(y * img.width + x)] != 0; });
  EXPECT_GT(rgb[0], 1.5 * rgb[2]);
  EXPECT_GT(rgb[0], 1.5 * rgb[1]);
}

TEST_F(Viewport, CurrentSceneMergesSubmittedUpdates) {
  at::Tensor v = model_->vertices(model_->zero_identity());
  v.select(1, 1).add_(2.0);
  const auto before = window_->current_scene();
  ASSERT_TRUE(before.has_value());
  window_->submit(ui::update_from_tensors(*model_, v));
  const auto after = window_->current_scene();
  ASSERT_TRUE(after.has_value());
  ASSERT_EQ(after->mesh.positions.size(), before->mesh.positions.size());
  EXPECT_NEAR(after->mesh.positions[1], before->mesh.positions[1] + 2.0f, 1e-4f);
  EXPECT_EQ(after->mesh.indices, before->mesh.indices);
}

TEST(ViewportScene, SceneFromAFaceStateCarriesGeometryTexturesAndPaintedMask) {
  auto model = face::FaceModel::load_default();
  state::FaceState fs = state::FaceState::neutral(model->identity_count(), model->expression_count(), model->vertex_count());
  fs.identity[0] = 2.0f;
  fs.painted_mask = at::zeros({model->vertex_count()}, at::kFloat);
  fs.painted_mask.narrow(0, 0, 100).fill_(1.0f);
  const render::Scene scene = ui::scene_from_state(model, fs, 64);
  EXPECT_NO_THROW(scene.mesh.validate());
  EXPECT_NO_THROW(scene.textures.validate());
  ASSERT_EQ(scene.overlays.painted.size(), scene.mesh.vertex_count());
  float painted = 0.0f;
  for (float p : scene.overlays.painted) painted += p;
  EXPECT_GT(painted, 99.0f);
  // The identity moved the head away from the mean.
  const render::Scene mean = render_adapter::make_scene(model, render_adapter::neutral_state(*model), 64);
  ASSERT_EQ(mean.mesh.positions.size(), scene.mesh.positions.size());
  double moved = 0;
  for (std::size_t i = 0; i < mean.mesh.positions.size(); ++i) moved = std::max(moved, std::abs(static_cast<double>(mean.mesh.positions[i] - scene.mesh.positions[i])));
  EXPECT_GT(moved, 0.05);
  // update_from_state without textures carries geometry only.
  const render::SceneUpdate u = ui::update_from_state(model, fs, false, 64);
  ASSERT_TRUE(u.geometry.has_value());
  EXPECT_EQ(u.geometry->positions, scene.mesh.positions);
  EXPECT_FALSE(u.textures.has_value());
}

TEST(ViewportScene, UpdatesFromTensorsCheckShapesAndAddLashCoverageAndOcclusion) {
  auto model = face::FaceModel::load_default();
  EXPECT_THROW(ui::update_from_tensors(*model, at::zeros({10, 3})), InputError);
  ui::TextureTensors bad;
  bad.albedo = at::zeros({8, 4, 5, 3});
  EXPECT_THROW(ui::update_from_tensors(*model, at::Tensor(), bad), InputError);
  ui::TextureTensors t;
  t.albedo = at::full({8, 256, 256, 3}, 0.5f);
  t.normal = at::zeros({8, 256, 256, 3});
  t.normal.select(3, 2).fill_(1.0f);
  t.roughness = at::full({8, 256, 256, 1}, 0.4f);
  const render::SceneUpdate u = ui::update_from_tensors(*model, model->vertices(model->zero_identity()), t);
  ASSERT_TRUE(u.geometry.has_value());
  ASSERT_TRUE(u.textures.has_value());
  EXPECT_EQ(u.textures->albedo.channels, 4);
  const auto& a = u.textures->albedo;
  const std::size_t tile = static_cast<std::size_t>(a.width) * static_cast<std::size_t>(a.height) * 4;
  float face_min = 1.0f, face_max = 0.0f, lash_min = 1.0f, lash_max = 0.0f;
  double face_sum = 0.0;
  for (std::size_t i = 3; i < tile; i += 4) {
    face_min = std::min(face_min, a.f32[i]);
    face_max = std::max(face_max, a.f32[i]);
    face_sum += a.f32[i];
  }
  for (std::size_t i = 6 * tile + 3; i < 7 * tile; i += 4) {
    lash_min = std::min(lash_min, a.f32[i]);
    lash_max = std::max(lash_max, a.f32[i]);
  }
  // The skin tile's alpha is ambient occlusion: mostly open, enclosed in the sockets, in [0, 1].
  EXPECT_GE(face_min, 0.0f);
  EXPECT_LT(face_min, 0.3f);
  EXPECT_GT(face_max, 0.99f);
  EXPECT_GT(face_sum / (tile / 4), 0.8);
  EXPECT_LT(lash_min, 0.1f);    // gaps between strands ...
  EXPECT_GT(lash_max, 0.5f);    // ... and strands
}

}  // namespace
}  // namespace likeness::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  QGuiApplication app(argc, argv);
  QVulkanInstance instance;
  instance.setLayers({"VK_LAYER_KHRONOS_validation"});
  instance.installDebugOutputFilter(likeness::test::validation_filter);
  if (!instance.create()) {
    std::fprintf(stderr, "no Vulkan instance (error %d)\n", instance.errorCode());
    return 1;
  }
  bool has_layer = false;
  for (const QVulkanLayer& l : instance.supportedLayers())
    if (l.name == "VK_LAYER_KHRONOS_validation") has_layer = true;
  if (!has_layer) {
    std::fprintf(stderr, "the validation layer is not installed (vulkan-validationlayers)\n");
    return 1;
  }
  likeness::test::g_instance = &instance;
  return RUN_ALL_TESTS();
}
