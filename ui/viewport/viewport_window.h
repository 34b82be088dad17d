#pragma once
// The studio's 3D view: a QVulkanWindow drawing the head with the Vulkan renderer, orbit/pan/zoom
// with the mouse, framing keys, and a thread-safe submit() for live updates from the optimization
// thread. Embed it in a widget layout with QWidget::createWindowContainer.
//
// Mouse: left drag orbits, middle drag or shift + left drag pans, wheel zooms, shift + wheel
// changes the field of view. Keys: 1 front, 3 three-quarter, 7 profile, F frames the head.
//
// Lifetime: the QVulkanInstance must outlive the window; call destroy() on the window before the
// instance goes away (Qt 6.4: otherwise the surface dies before its swapchain).
#include <QImage>
#include <QVulkanWindow>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "render/scene.h"
#include "render/view_options.h"
#include "ui/viewport/camera_controller.h"

namespace likeness::render {
class Renderer;
}

namespace likeness::ui {

class ViewportRenderer;
class ViewportOverlay;

/// What the left mouse button does.
enum class ViewportTool {
  Navigate,  ///< orbit (shift: pan)
  Paint,     ///< paintStroke() events; orbit with alt + left or the right button
};

struct ViewportOptions {
  int samples = 4;            ///< MSAA samples (lowered to what the device supports)
  bool unorm_swapchain = false;  ///< ask for B8G8R8A8_UNORM (pixel tests); default: the sRGB format
};

class ViewportWindow : public QVulkanWindow {
  Q_OBJECT
public:
  explicit ViewportWindow(QVulkanInstance* instance, const ViewportOptions& options = {}, QWindow* parent = nullptr);
  ~ViewportWindow() override;

  QVulkanWindowRenderer* createRenderer() override;

  /// Replaces the scene (GUI thread) and frames the head from the front the first time.
  void set_scene(render::Scene scene);

  /// Live update from any thread: packed into staging memory on the calling thread, shown at the
  /// next frame; everything in one update appears in the same frame. Returns the update's version
  /// (0 if no scene is shown yet: the update is kept and applied when the view starts).
  std::uint64_t submit(render::SceneUpdate update);

  /// The version of the newest update drawn so far.
  std::uint64_t applied_version() const { return applied_version_.load(); }
  /// Frames drawn since the window was created.
  std::uint64_t frames_drawn() const { return frames_drawn_.load(); }

  /// View settings (lighting, overlays, exposure); the camera is the controller's.
  void set_view_options(const render::ViewOptions& options);
  render::ViewOptions view_options() const;

  /// The window's last frame as shown (window size, RGB in the right order whatever the
  /// swapchain format; Qt 6.4's grab() swaps red and blue for BGRA swapchains). GUI thread; the
  /// window must be exposed. For other sizes render current_scene() with render::OffscreenRenderer.
  QImage screenshot();

  /// A copy of the scene shown, with every submitted update merged in (empty before set_scene).
  std::optional<render::Scene> current_scene() const;
  /// The mesh shown (positions and triangles of the latest update), without the textures.
  std::optional<render::Mesh> current_mesh() const;

  /// Something drawn over the head every frame (not owned; must outlive the window or be unset).
  void set_overlay(ViewportOverlay* overlay);
  ViewportOverlay* overlay() const { return overlay_; }

  void set_tool(ViewportTool tool);
  ViewportTool tool() const { return tool_; }

  /// The camera ray through a point of the window (logical pixels): origin and unit direction, in
  /// the head's coordinates (cm).
  std::pair<glm::vec3, glm::vec3> ray_at(const QPointF& position) const;

  CameraController& camera_controller() { return controller_; }
  /// Frames the head from a preset.
  void frame(render::ViewPreset preset);

Q_SIGNALS:
  /// A frame was recorded (GUI thread).
  void frameDrawn(quint64 frame);
  /// Paint tool: the left button went down (phase 0), moved (1) or up (2) at `position`.
  void paintStroke(QPointF position, int phase);

protected:
  void mousePressEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

private:
  friend class ViewportRenderer;
  // Called by the renderer on the GUI thread.
  void attach(render::Renderer* renderer);
  void detach();
  void frame_recorded(std::uint64_t applied);

  ViewportOptions options_;
  CameraController controller_;
  render::ViewOptions view_;
  bool framed_ = false;

  // The scene with every update merged in, so a renderer (re)created after a swapchain or device
  // loss starts from the latest data. Guarded by mutex_, as is renderer_.
  mutable std::mutex mutex_;
  std::optional<render::Scene> scene_;
  render::Renderer* renderer_ = nullptr;

  ViewportOverlay* overlay_ = nullptr;
  ViewportTool tool_ = ViewportTool::Navigate;
  bool painting_ = false;
  DragMode drag_ = DragMode::None;
  QPointF last_pos_;
  std::atomic<std::uint64_t> applied_version_{0};
  std::atomic<std::uint64_t> frames_drawn_{0};
};

}  // namespace likeness::ui
