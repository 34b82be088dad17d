#pragma once
// How a frame is drawn: camera, lighting, overlays and exposure. Plain data, cheap to copy.
#include <string>
#include <string_view>
#include <vector>

#include "render/camera.h"
#include "render/lighting.h"

namespace likeness::render {

/// Overlays drawn over the shaded head (bit flags).
enum Overlay : unsigned {
  kOverlayNone = 0,
  kOverlayWireframe = 1u << 0,  ///< triangle edges
  kOverlayUvChecker = 1u << 1,  ///< a checkerboard in UV space instead of the albedo
  kOverlayRegion = 1u << 2,     ///< Overlays::region as a tint
  kOverlayHeat = 1u << 3,       ///< Overlays::heat as a heat map (blue 0 .. red 1)
  kOverlayPainted = 1u << 4,    ///< Overlays::painted as hatched magenta
  kOverlayLandmarks = 1u << 5,  ///< Mesh::landmarks as dots
};

/// Parses a comma-separated list of overlay names ("wireframe,heat"); "none" or "" gives 0.
/// InputError naming the unknown word otherwise.
unsigned parse_overlays(std::string_view list);
/// The overlay names parse_overlays accepts.
std::vector<std::string> overlay_names();

struct ViewOptions {
  Camera camera;
  Lighting lighting = make_lighting(LightingPreset::ThreePoint);
  unsigned overlays = kOverlayNone;
  float exposure = 1.0f;                        ///< linear scale before tone mapping
  bool shadows = true;                          ///< soft shadow map of the key light
  glm::vec3 region_color{0.10f, 0.85f, 0.95f};  ///< tint of the region overlay
  float overlay_opacity = 0.65f;                ///< of region, heat and painted overlays
};

}  // namespace likeness::render
