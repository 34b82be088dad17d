#include "ui/viewport/viewport_window.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

#include <algorithm>

#include <glm/gtc/matrix_inverse.hpp>
#include <glm/glm.hpp>

#include "render/renderer.h"
#include "ui/viewport/viewport_renderer.h"

namespace likeness::ui {

ViewportWindow::ViewportWindow(QVulkanInstance* instance, const ViewportOptions& options, QWindow* parent)
    : QVulkanWindow(parent), options_(options) {
  setVulkanInstance(instance);
  if (options_.unorm_swapchain) setPreferredColorFormats({VK_FORMAT_B8G8R8A8_UNORM});
  int samples = 1;
  for (int s : supportedSampleCounts())
    if (s <= options_.samples && s > samples) samples = s;
  if (samples > 1) setSampleCount(samples);
}

ViewportWindow::~ViewportWindow() = default;

QVulkanWindowRenderer* ViewportWindow::createRenderer() { return new ViewportRenderer(this); }

void ViewportWindow::attach(render::Renderer* renderer) {
  std::lock_guard<std::mutex> lock(mutex_);
  renderer_ = renderer;
  if (scene_) renderer_->set_scene(*scene_);
}

void ViewportWindow::detach() {
  std::lock_guard<std::mutex> lock(mutex_);
  renderer_ = nullptr;
}

void ViewportWindow::set_scene(render::Scene scene) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    scene_ = std::move(scene);
    if (renderer_) renderer_->set_scene(*scene_);
  }
  requestUpdate();
}

std::uint64_t ViewportWindow::submit(render::SceneUpdate update) {
  std::uint64_t version = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!scene_) return 0;
    if (renderer_) version = renderer_->submit(update);
    // Keep the merged scene for a renderer created later (moves, no copies).
    if (update.geometry) {
      scene_->mesh.positions = std::move(update.geometry->positions);
      scene_->mesh.normals = std::move(update.geometry->normals);
    }
    if (update.textures) scene_->textures = std::move(*update.textures);
    if (update.overlays) scene_->overlays = std::move(*update.overlays);
  }
  // requestUpdate() must run on the GUI thread; the queued call is dropped if the window is gone.
  QMetaObject::invokeMethod(this, [this] { requestUpdate(); }, Qt::QueuedConnection);
  return version;
}

void ViewportWindow::set_view_options(const render::ViewOptions& options) {
  view_ = options;
  requestUpdate();
}

render::ViewOptions ViewportWindow::view_options() const {
  render::ViewOptions v = view_;
  v.camera = controller_.camera();
  return v;
}

QImage ViewportWindow::screenshot() {
  QImage image = grab();
  const VkFormat f = colorFormat();
  if (f == VK_FORMAT_B8G8R8A8_UNORM || f == VK_FORMAT_B8G8R8A8_SRGB) image = image.rgbSwapped();
  return image.convertToFormat(QImage::Format_RGBA8888);
}

std::optional<render::Scene> ViewportWindow::current_scene() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return scene_;
}

std::optional<render::Mesh> ViewportWindow::current_mesh() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!scene_) return std::nullopt;
  return scene_->mesh;
}

void ViewportWindow::set_overlay(ViewportOverlay* overlay) {
  overlay_ = overlay;
  requestUpdate();
}

void ViewportWindow::set_tool(ViewportTool tool) {
  tool_ = tool;
  painting_ = false;
  setCursor(tool == ViewportTool::Paint ? Qt::CrossCursor : Qt::ArrowCursor);
}

std::pair<glm::vec3, glm::vec3> ViewportWindow::ray_at(const QPointF& position) const {
  const float w = std::max(1.0f, static_cast<float>(width())), h = std::max(1.0f, static_cast<float>(height()));
  const render::Camera& camera = controller_.camera();
  const glm::mat4 inverse = glm::inverse(camera.projection(w / h) * camera.view());
  // Vulkan clip space: x right, y down, depth 0 (near) .. 1 (far).
  const float x = 2.0f * static_cast<float>(position.x()) / w - 1.0f;
  const float y = 2.0f * static_cast<float>(position.y()) / h - 1.0f;
  glm::vec4 near_point = inverse * glm::vec4(x, y, 0.0f, 1.0f);
  glm::vec4 far_point = inverse * glm::vec4(x, y, 1.0f, 1.0f);
  const glm::vec3 a = glm::vec3(near_point) / near_point.w, b = glm::vec3(far_point) / far_point.w;
  return {a, glm::normalize(b - a)};
}

void ViewportWindow::frame(render::ViewPreset preset) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!renderer_ || !renderer_->has_scene()) return;
  const QSize s = size();
  controller_.frame(renderer_->bounds(), preset, s.height() > 0 ? static_cast<float>(s.width()) / static_cast<float>(s.height()) : 1.0f);
  framed_ = true;
  requestUpdate();
}

void ViewportWindow::frame_recorded(std::uint64_t applied) {
  applied_version_.store(applied);
  const std::uint64_t n = ++frames_drawn_;
  Q_EMIT frameDrawn(n);
}

void ViewportWindow::mousePressEvent(QMouseEvent* event) {
  last_pos_ = event->position();
  const bool shift = event->modifiers() & Qt::ShiftModifier;
  if (tool_ == ViewportTool::Paint) {
    if (event->button() == Qt::LeftButton && !(event->modifiers() & Qt::AltModifier)) {
      painting_ = true;
      Q_EMIT paintStroke(event->position(), 0);
      return;
    }
    if (event->button() == Qt::RightButton || event->button() == Qt::LeftButton) {
      drag_ = DragMode::Orbit;
      return;
    }
  }
  if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && shift)) drag_ = DragMode::Pan;
  else if (event->button() == Qt::LeftButton) drag_ = DragMode::Orbit;
}

void ViewportWindow::mouseReleaseEvent(QMouseEvent* event) {
  if (painting_ && event->button() == Qt::LeftButton) {
    painting_ = false;
    Q_EMIT paintStroke(event->position(), 2);
  }
  drag_ = DragMode::None;
}

void ViewportWindow::mouseMoveEvent(QMouseEvent* event) {
  if (painting_) {
    Q_EMIT paintStroke(event->position(), 1);
    return;
  }
  if (drag_ == DragMode::None) return;
  const QPointF d = event->position() - last_pos_;
  last_pos_ = event->position();
  controller_.drag(drag_, static_cast<float>(d.x()), static_cast<float>(d.y()), static_cast<float>(height()));
  requestUpdate();
}

void ViewportWindow::wheelEvent(QWheelEvent* event) {
  const float steps = static_cast<float>(event->angleDelta().y()) / 120.0f;
  if (event->modifiers() & Qt::ShiftModifier) controller_.change_fov(-2.0f * steps);
  else controller_.wheel(steps);
  requestUpdate();
}

void ViewportWindow::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_1: frame(render::ViewPreset::Front); break;
    case Qt::Key_3: frame(render::ViewPreset::ThreeQuarter); break;
    case Qt::Key_7: frame(render::ViewPreset::Profile); break;
    case Qt::Key_F: {
      const float yaw = controller_.camera().yaw, pitch = controller_.camera().pitch;
      frame(render::ViewPreset::Front);
      controller_.camera().orbit(yaw, pitch);
      break;
    }
    default: QVulkanWindow::keyPressEvent(event); return;
  }
}

}  // namespace likeness::ui
