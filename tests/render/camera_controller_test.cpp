#include <gtest/gtest.h>

#include "ui/viewport/camera_controller.h"

namespace likeness::ui {
namespace {

const render::Bounds kHead{{-12.4f, -19.3f, -9.2f}, {12.4f, 14.5f, 13.1f}};

TEST(CameraController, DragOrbitsAndPans) {
  CameraController c;
  c.frame(kHead, render::ViewPreset::Front, 1.0f);
  c.drag(DragMode::Orbit, 100.0f, 0.0f, 500.0f);
  EXPECT_NEAR(c.camera().yaw, 100.0f * CameraController::kOrbitDegreesPerPixel, 1e-4);
  c.drag(DragMode::Orbit, 0.0f, -1000.0f, 500.0f);
  EXPECT_FLOAT_EQ(c.camera().pitch, -89.0f);
  const glm::vec3 target = c.camera().target;
  c.drag(DragMode::Pan, 0.0f, 50.0f, 500.0f);
  EXPECT_GT(c.camera().target.y - target.y, -1e-3f);
  c.drag(DragMode::None, 10.0f, 10.0f, 500.0f);
}

TEST(CameraController, WheelZoomsAndFramingResets) {
  CameraController c;
  c.frame(kHead, render::ViewPreset::Profile, 1.5f);
  const float d = c.camera().distance;
  c.wheel(2.0f);
  EXPECT_NEAR(c.camera().distance, d * 0.81f, 1e-3);
  c.wheel(-2.0f);
  EXPECT_NEAR(c.camera().distance, d, 1e-3);
  c.change_fov(10.0f);
  EXPECT_FLOAT_EQ(c.camera().fov_y, 35.0f);
  c.frame(kHead, render::ViewPreset::ThreeQuarter, 1.5f);
  EXPECT_FLOAT_EQ(c.camera().yaw, 35.0f);
  EXPECT_FLOAT_EQ(c.camera().fov_y, 35.0f);  // framing keeps the chosen field of view
}

}  // namespace
}  // namespace likeness::ui
