#include <gtest/gtest.h>

#include <glm/gtc/matrix_transform.hpp>

#include "engine/core/error.h"
#include "render/camera.h"

namespace likeness::render {
namespace {

glm::vec3 project(const Camera& c, float aspect, const glm::vec3& p) {
  const glm::vec4 clip = c.projection(aspect) * c.view() * glm::vec4(p, 1.0f);
  return glm::vec3(clip) / clip.w;
}

const Bounds kHead{{-12.4f, -19.3f, -9.2f}, {12.4f, 14.5f, 13.1f}};

TEST(Camera, FrontLooksDownMinusZAtTheTarget) {
  Camera c = frame_bounds(kHead, ViewPreset::Front, 1.0f);
  EXPECT_NEAR(c.eye().x, kHead.center().x, 1e-4);
  EXPECT_GT(c.eye().z, kHead.max.z);
  const glm::vec3 ndc = project(c, 1.0f, c.target);
  EXPECT_NEAR(ndc.x, 0.0f, 1e-5);
  EXPECT_NEAR(ndc.y, 0.0f, 1e-5);
  EXPECT_GT(ndc.z, 0.0f);
  EXPECT_LT(ndc.z, 1.0f);
}

TEST(Camera, FramingFitsEveryCornerForEveryPresetAndAspect) {
  for (ViewPreset preset : {ViewPreset::Front, ViewPreset::ThreeQuarter, ViewPreset::Profile})
    for (float aspect : {0.5f, 1.0f, 16.0f / 9.0f}) {
      Camera c = frame_bounds(kHead, preset, aspect);
      float reach = 0.0f;
      for (int i = 0; i < 8; ++i) {
        glm::vec3 corner((i & 1) ? kHead.max.x : kHead.min.x, (i & 2) ? kHead.max.y : kHead.min.y,
                         (i & 4) ? kHead.max.z : kHead.min.z);
        glm::vec3 ndc = project(c, aspect, corner);
        EXPECT_LE(std::abs(ndc.x), 1.0f) << "preset " << static_cast<int>(preset) << " aspect " << aspect;
        EXPECT_LE(std::abs(ndc.y), 1.0f);
        reach = std::max({reach, std::abs(ndc.x), std::abs(ndc.y)});
      }
      EXPECT_GT(reach, 0.6f) << "the head should fill a good part of the frame";
    }
}

TEST(Camera, VulkanClipSpaceHasYDown) {
  Camera c = frame_bounds(kHead, ViewPreset::Front, 1.0f);
  const glm::vec3 above = project(c, 1.0f, c.target + glm::vec3(0, 5, 0));
  EXPECT_LT(above.y, 0.0f);  // up in the world is toward row 0 of the image
  const glm::vec3 left_of_head = project(c, 1.0f, c.target + glm::vec3(5, 0, 0));
  EXPECT_GT(left_of_head.x, 0.0f);  // +x (the head's left) appears on the image's right from the front
}

TEST(Camera, ProfileShowsTheHeadsLeftSide) {
  Camera c = frame_bounds(kHead, ViewPreset::Profile, 1.0f);
  EXPECT_GT(c.eye().x, kHead.max.x);
  EXPECT_NEAR(c.eye().z, kHead.center().z, 1e-3);
}

TEST(Camera, OrbitClampsPitchAndWrapsYaw) {
  Camera c;
  c.orbit(0.0f, 200.0f);
  EXPECT_FLOAT_EQ(c.pitch, 89.0f);
  c.orbit(0.0f, -500.0f);
  EXPECT_FLOAT_EQ(c.pitch, -89.0f);
  c.yaw = 170.0f;
  c.orbit(30.0f, 0.0f);
  EXPECT_NEAR(c.yaw, -160.0f, 1e-4);
  const float d = c.distance;
  c.orbit(123.0f, 10.0f);
  EXPECT_NEAR(glm::length(c.eye() - c.target), d, 1e-3);
}

TEST(Camera, PanMovesTheTargetInTheViewPlane) {
  Camera c = frame_bounds(kHead, ViewPreset::Front, 1.0f);
  const glm::vec3 before = c.target;
  c.pan(0.1f, 0.0f);
  const glm::vec3 moved = c.target - before;
  EXPECT_LT(moved.x, 0.0f);  // dragging right moves the target left: the head follows the pointer
  EXPECT_NEAR(moved.y, 0.0f, 1e-4);
  EXPECT_NEAR(moved.z, 0.0f, 1e-4);
  const float height = 2.0f * c.distance * std::tan(glm::radians(c.fov_y) * 0.5f);
  EXPECT_NEAR(glm::length(moved), 0.1f * height, 1e-3);
}

TEST(Camera, ZoomScalesDistanceWithinLimits) {
  Camera c;
  c.distance = 50.0f;
  c.zoom(0.5f);
  EXPECT_FLOAT_EQ(c.distance, 25.0f);
  c.zoom(1e-9f);
  EXPECT_FLOAT_EQ(c.distance, 1.0f);
  c.zoom(-2.0f);  // ignored
  EXPECT_FLOAT_EQ(c.distance, 1.0f);
}

TEST(Camera, FieldOfViewChangeKeepsTheFramedHeight) {
  Camera c = frame_bounds(kHead, ViewPreset::Front, 1.0f);
  const float height = c.distance * std::tan(glm::radians(c.fov_y) * 0.5f);
  c.set_fov_keep_framing(60.0f);
  EXPECT_FLOAT_EQ(c.fov_y, 60.0f);
  EXPECT_NEAR(c.distance * std::tan(glm::radians(c.fov_y) * 0.5f), height, 1e-3);
  c.set_fov_keep_framing(500.0f);
  EXPECT_FLOAT_EQ(c.fov_y, 120.0f);
}

TEST(Camera, ParsesViews) {
  EXPECT_EQ(parse_view("front"), glm::vec2(0.0f, 0.0f));
  EXPECT_EQ(parse_view(" Profile "), glm::vec2(90.0f, 0.0f));
  EXPECT_EQ(parse_view("three-quarter"), glm::vec2(35.0f, 0.0f));
  EXPECT_EQ(parse_view("-30,12.5"), glm::vec2(-30.0f, 12.5f));
  for (const char* bad : {"", "side-ish", "10", "10,", "a,b", "0,95", "1,2,3", "nan,0"}) {
    try {
      parse_view(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("view"), std::string::npos);
    }
  }
}

TEST(Camera, BoundsOfPositions) {
  Bounds b = bounds_of({1, 2, 3, -1, 5, 0});
  EXPECT_EQ(b.min, glm::vec3(-1, 2, 0));
  EXPECT_EQ(b.max, glm::vec3(1, 5, 3));
  Bounds empty = bounds_of({});
  EXPECT_GT(empty.radius(), 0.0f);
}

}  // namespace
}  // namespace likeness::render
