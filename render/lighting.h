#pragma once
// Studio lighting presets, all procedural (nothing downloaded): an environment given as a
// radiance function, projected once to 9 spherical-harmonic coefficients (ambient diffuse and
// blurry reflections), plus up to four directional lights with an angular size (soft highlights;
// the first shadowed light drives the soft shadow map).
//
// Directions are in "lighting space": camera space by default (+z toward the viewer, +y up,
// +x to the viewer's right), so a preset lights the face the same from every orbit angle, as in a
// turntable where the head rotates under fixed studio lights.
#include <glm/glm.hpp>

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace likeness::render {

enum class LightingPreset { ThreePoint, SoftBox, Rim, Outdoor };

/// "three-point", "soft-box", "rim", "outdoor".
const char* to_string(LightingPreset preset);
/// Parses a preset name (also accepts "threepoint", "three_point", "softbox"). InputError listing
/// the names otherwise.
LightingPreset parse_lighting_preset(std::string_view name);
/// Every preset name.
std::vector<std::string> lighting_preset_names();

/// A directional light.
struct DirectionalLight {
  glm::vec3 direction{0.0f, 0.0f, 1.0f};  ///< unit vector toward the light, lighting space
  glm::vec3 color{1.0f};                  ///< linear RGB irradiance at normal incidence
  float angular_radius = 0.05f;           ///< radians: widens highlights and shadow penumbrae
  bool shadow = false;                    ///< casts the shadow map (the first such light)
};

/// Nine RGB spherical-harmonic coefficients of radiance (bands 0..2, real, orthonormal basis).
using ShCoefficients = std::array<glm::vec3, 9>;

struct Lighting {
  ShCoefficients environment{};         ///< radiance of the surroundings
  std::vector<DirectionalLight> lights;  ///< at most kMaxLights
  glm::vec3 background_top{0.2f};       ///< backdrop gradient (linear RGB)
  glm::vec3 background_bottom{0.05f};
  bool camera_relative = true;          ///< lighting space = camera space (else world space)

  static constexpr int kMaxLights = 4;
};

/// The lighting of a preset.
Lighting make_lighting(LightingPreset preset);

/// Projects a radiance function over the sphere onto SH bands 0..2 (numerical integration over
/// `samples` quasi-uniform directions).
ShCoefficients project_sh(const std::function<glm::vec3(const glm::vec3&)>& radiance, int samples = 8192);

/// The 9 real SH basis functions at a unit direction.
std::array<float, 9> sh_basis(const glm::vec3& direction);

/// Irradiance divided by pi for a surface with normal `n` (the diffuse light a white Lambertian
/// surface reflects), from radiance coefficients.
glm::vec3 sh_diffuse(const ShCoefficients& sh, const glm::vec3& n);

}  // namespace likeness::render
