#include "render/camera.h"

#include <glm/gtc/matrix_transform.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "engine/core/error.h"
#include "engine/core/strings.h"

namespace likeness::render {

Bounds bounds_of(const std::vector<float>& positions) {
  if (positions.size() < 3) return {glm::vec3(-0.5f), glm::vec3(0.5f)};
  Bounds b{glm::vec3(std::numeric_limits<float>::max()), glm::vec3(std::numeric_limits<float>::lowest())};
  for (std::size_t i = 0; i + 2 < positions.size(); i += 3) {
    glm::vec3 p(positions[i], positions[i + 1], positions[i + 2]);
    b.min = glm::min(b.min, p);
    b.max = glm::max(b.max, p);
  }
  return b;
}

float preset_yaw(ViewPreset preset) {
  switch (preset) {
    case ViewPreset::Front: return 0.0f;
    case ViewPreset::ThreeQuarter: return 35.0f;
    case ViewPreset::Profile: return 90.0f;
  }
  return 0.0f;
}

glm::vec3 Camera::eye() const {
  const float y = glm::radians(yaw), p = glm::radians(pitch);
  return target + distance * glm::vec3(std::sin(y) * std::cos(p), std::sin(p), std::cos(y) * std::cos(p));
}

glm::mat4 Camera::view() const { return glm::lookAt(eye(), target, glm::vec3(0.0f, 1.0f, 0.0f)); }

glm::mat4 Camera::projection(float aspect) const {
  glm::mat4 p = glm::perspective(glm::radians(fov_y), std::max(aspect, 1e-4f), near_plane(), far_plane());
  p[1][1] *= -1.0f;  // Vulkan clip space has +y down
  return p;
}

void Camera::orbit(float delta_yaw, float delta_pitch) {
  yaw = std::remainder(yaw + delta_yaw, 360.0f);
  if (yaw >= 180.0f) yaw -= 360.0f;
  pitch = std::clamp(pitch + delta_pitch, -89.0f, 89.0f);
}

void Camera::pan(float dx, float dy) {
  const float height = 2.0f * distance * std::tan(glm::radians(fov_y) * 0.5f);
  const glm::mat4 inv = glm::inverse(view());
  const glm::vec3 right(inv[0]), up(inv[1]);
  target += (-dx * right + dy * up) * height;
}

void Camera::zoom(float factor) {
  if (!(factor > 0.0f) || !std::isfinite(factor)) return;
  distance = std::clamp(distance * factor, 1.0f, 10000.0f);
}

void Camera::set_fov_keep_framing(float fov_degrees) {
  const float fov = std::clamp(fov_degrees, 5.0f, 120.0f);
  const float half_height = distance * std::tan(glm::radians(fov_y) * 0.5f);
  fov_y = fov;
  distance = std::clamp(half_height / std::tan(glm::radians(fov_y) * 0.5f), 1.0f, 10000.0f);
}

Camera frame_bounds(const Bounds& bounds, float yaw, float pitch, float aspect, float fov_y, float margin) {
  Camera c;
  c.target = bounds.center();
  c.yaw = yaw;
  c.pitch = std::clamp(pitch, -89.0f, 89.0f);
  c.fov_y = std::clamp(fov_y, 5.0f, 120.0f);
  const glm::vec3 e = bounds.extent();
  // The horizontal extent seen from any yaw is at most the box's diagonal in x-z; use it so every
  // view of a turntable has the same distance (and the head the same size).
  const float horizontal = std::sqrt(e.x * e.x + e.z * e.z) * 0.5f;
  const float vertical = e.y * 0.5f;
  const float tan_half = std::tan(glm::radians(c.fov_y) * 0.5f);
  const float half = std::max(vertical, horizontal / std::max(aspect, 1e-4f));
  c.distance = half * margin / tan_half + horizontal;
  return c;
}

Camera frame_bounds(const Bounds& bounds, ViewPreset preset, float aspect, float fov_y, float margin) {
  return frame_bounds(bounds, preset_yaw(preset), 0.0f, aspect, fov_y, margin);
}

std::vector<std::string> view_names() { return {"front", "three-quarter", "profile"}; }

glm::vec2 parse_view(std::string_view text) {
  const std::string t = to_lower_ascii(trim(text));
  if (t == "front") return {preset_yaw(ViewPreset::Front), 0.0f};
  if (t == "three-quarter" || t == "three_quarter" || t == "3/4") return {preset_yaw(ViewPreset::ThreeQuarter), 0.0f};
  if (t == "profile" || t == "side") return {preset_yaw(ViewPreset::Profile), 0.0f};
  const std::vector<std::string> parts = split(t, ',');
  auto bad = [&]() -> InputError {
    return InputError("view '" + std::string(text) +
                      "': expected front, three-quarter, profile or YAW,PITCH in degrees (e.g. 30,10)");
  };
  if (parts.size() != 2) throw bad();
  float values[2];
  for (int i = 0; i < 2; ++i) {
    const std::string part(trim(parts[static_cast<std::size_t>(i)]));
    const char* begin = part.data();
    const char* end = begin + part.size();
    auto [ptr, ec] = std::from_chars(begin, end, values[i]);
    if (ec != std::errc() || ptr != end || !std::isfinite(values[i])) throw bad();
  }
  if (values[1] < -89.0f || values[1] > 89.0f)
    throw InputError("view '" + std::string(text) + "': pitch must be within -89..89 degrees");
  return {values[0], values[1]};
}

}  // namespace likeness::render
