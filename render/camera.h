#pragma once
// The orbit camera: a target point, yaw and pitch around it, a distance and a vertical field of
// view. Yaw 0 looks at the face from the front (camera on +z); yaw 90 shows the head's left side
// (camera on +x); positive pitch looks from above. Matrices follow Vulkan (depth 0..1, y down in
// clip space).
#include <glm/glm.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace likeness::render {

/// An axis-aligned box (cm).
struct Bounds {
  glm::vec3 min{0.0f};
  glm::vec3 max{0.0f};
  glm::vec3 center() const { return (min + max) * 0.5f; }
  glm::vec3 extent() const { return max - min; }
  /// Radius of the bounding sphere around center().
  float radius() const { return glm::length(extent()) * 0.5f; }
};

/// Bounds of xyz triples (an empty list gives a unit box at the origin).
Bounds bounds_of(const std::vector<float>& positions);

/// Framing presets.
enum class ViewPreset { Front, ThreeQuarter, Profile };

/// Yaw of a preset in degrees: front 0, three-quarter 35, profile 90.
float preset_yaw(ViewPreset preset);

struct Camera {
  glm::vec3 target{0.0f};  ///< the point orbited and looked at (cm)
  float yaw = 0.0f;        ///< degrees about +y
  float pitch = 0.0f;      ///< degrees, clamped to [-89, 89]
  float distance = 80.0f;  ///< cm from the target
  float fov_y = 25.0f;     ///< vertical field of view, degrees in [5, 120]

  /// Camera position.
  glm::vec3 eye() const;
  /// World-to-camera matrix (camera looks down -z, +y up).
  glm::mat4 view() const;
  /// Perspective projection for width/height `aspect`, Vulkan clip conventions.
  glm::mat4 projection(float aspect) const;
  float near_plane() const { return distance * 0.05f; }
  float far_plane() const { return distance * 20.0f; }

  /// Rotates around the target (degrees); pitch stays within [-89, 89], yaw wraps to [-180, 180).
  void orbit(float delta_yaw, float delta_pitch);
  /// Moves the target in the view plane by fractions of the visible height at the target.
  void pan(float dx, float dy);
  /// Multiplies the distance by `factor` (< 1 moves closer), kept within [1, 10000] cm.
  void zoom(float factor);
  /// Sets the field of view (degrees, clamped to [5, 120]) keeping the framed size: the distance
  /// changes so the target plane shows the same height.
  void set_fov_keep_framing(float fov_degrees);
};

/// A camera looking at `bounds` from a preset (yaw/pitch in degrees when given as numbers),
/// distanced so the whole box fits a `aspect` frame with `margin` (1 = tight) at `fov_y`.
Camera frame_bounds(const Bounds& bounds, float yaw, float pitch, float aspect, float fov_y = 25.0f,
                    float margin = 1.08f);
Camera frame_bounds(const Bounds& bounds, ViewPreset preset, float aspect, float fov_y = 25.0f, float margin = 1.08f);

/// Parses a view: "front", "three-quarter", "profile" or "YAW,PITCH" in degrees. Throws InputError
/// naming the text otherwise. Returns yaw and pitch.
glm::vec2 parse_view(std::string_view text);

/// The view names parse_view accepts besides numbers.
std::vector<std::string> view_names();

}  // namespace likeness::render
