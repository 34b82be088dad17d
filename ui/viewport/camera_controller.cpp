#include "ui/viewport/camera_controller.h"

#include <algorithm>
#include <cmath>

namespace likeness::ui {

void CameraController::frame(const render::Bounds& bounds, render::ViewPreset preset, float aspect) {
  camera_ = render::frame_bounds(bounds, preset, aspect, camera_.fov_y);
}

void CameraController::drag(DragMode mode, float dx, float dy, float height) {
  if (mode == DragMode::Orbit) {
    camera_.orbit(dx * kOrbitDegreesPerPixel, dy * kOrbitDegreesPerPixel);
  } else if (mode == DragMode::Pan && height > 0.0f) {
    camera_.pan(dx / height, dy / height);
  }
}

void CameraController::wheel(float steps) {
  if (!std::isfinite(steps) || steps == 0.0f) return;
  camera_.zoom(std::pow(0.9f, steps));
}

void CameraController::change_fov(float delta) { camera_.set_fov_keep_framing(camera_.fov_y + delta); }

}  // namespace likeness::ui
