#pragma once
// Mouse and keyboard to orbit camera: left drag orbits, middle drag (or shift + left drag) pans,
// the wheel zooms toward the target, keys pick framing presets. Plain logic without Qt types, so
// it is tested without a window.
#include "render/camera.h"

namespace likeness::ui {

enum class DragMode { None, Orbit, Pan };

class CameraController {
public:
  /// Degrees of orbit per pixel dragged.
  static constexpr float kOrbitDegreesPerPixel = 0.35f;

  render::Camera& camera() { return camera_; }
  const render::Camera& camera() const { return camera_; }
  void set_camera(const render::Camera& camera) { camera_ = camera; }

  /// Frames `bounds` from a preset keeping the current field of view.
  void frame(const render::Bounds& bounds, render::ViewPreset preset, float aspect);

  /// A drag of (dx, dy) pixels in a viewport `height` pixels tall. Orbit: right drag turns the
  /// head to show its left side; pan: the head follows the pointer.
  void drag(DragMode mode, float dx, float dy, float height);

  /// Wheel steps (positive: toward the head); one step zooms by 10 %.
  void wheel(float steps);

  /// Changes the field of view by `delta` degrees, keeping the framed size.
  void change_fov(float delta);

private:
  render::Camera camera_;
};

}  // namespace likeness::ui
