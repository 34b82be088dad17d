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

#include <atomic>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include "app/cli/render_adapter.h"
#include "engine/face/face_model.h"
#include "render/renderer.h"
#include "tests/render/image_stats.h"
#include "ui/viewport/viewport_window.h"

namespace likeness::test {
namespace {

std::mutex g_messages_mutex;
std::vector<std::string> g_validation_errors;

bool capture_validation(VkDebugReportFlagsEXT flags, VkDebugReportObjectTypeEXT, uint64_t, size_t, int32_t, const char* prefix,
                        const char* message) {
  if (flags & VK_DEBUG_REPORT_ERROR_BIT_EXT) {
    std::lock_guard<std::mutex> lock(g_messages_mutex);
    g_validation_errors.push_back(std::string(prefix ? prefix : "") + ": " + (message ? message : ""));
  }
  return false;  // let Qt print it too
}

QVulkanInstance* g_instance = nullptr;

// Pumps events until `done` or the timeout.
bool wait_for(const std::function<bool()>& done, int timeout_ms = 20000) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > timeout_ms) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(2);
  }
  return true;
}

render::Image grab(ui::ViewportWindow& w) {
  QImage image = w.grab().rgbSwapped().convertToFormat(QImage::Format_RGBA8888);  // Qt 6.4 swaps R and B
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
    {
      std::lock_guard<std::mutex> lock(g_messages_mutex);
      g_validation_errors.clear();
    }
    model_ = face::FaceModel::load_default();
    ui::ViewportOptions options;
    options.unorm_swapchain = true;
    window_ = std::make_unique<ui::ViewportWindow>(g_instance, options);
    window_->resize(240, 200);
    render_adapter::HeadState state = render_adapter::neutral_state(*model_);
    window_->set_scene(render_adapter::make_scene(model_, state, 64));
    window_->show();
    ASSERT_TRUE(wait_for([&] { return window_->isExposed() && window_->frames_drawn() >= 2; })) << "the viewport never drew";
  }
  void TearDown() override {
    window_->destroy();  // before the instance goes away
    window_.reset();
    std::lock_guard<std::mutex> lock(g_messages_mutex);
    EXPECT_TRUE(g_validation_errors.empty()) << g_validation_errors.size()
                                             << " validation error(s), first: " << (g_validation_errors.empty() ? "" : g_validation_errors[0]);
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
  ASSERT_TRUE(wait_for([&] { return window_->frames_drawn() > f; }));
  const render::Image after = grab(*window_);
  const auto mask = head_mask(after);
  EXPECT_GT(centroid_x(mask, after.width), x0 + 4.0);
  const auto rgb = mean_rgb(after, [&](int x, int y) { return mask[static_cast<std::size_t>(y * after.width + x)] != 0; });
  EXPECT_GT(rgb[1], rgb[0] * 1.5);
}

}  // namespace
}  // namespace likeness::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  QGuiApplication app(argc, argv);
  QVulkanInstance instance;
  instance.setLayers({"VK_LAYER_KHRONOS_validation"});
  instance.installDebugOutputFilter(likeness::test::capture_validation);
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
