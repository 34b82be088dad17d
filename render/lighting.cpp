#include "render/lighting.h"

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"
#include "engine/core/strings.h"

namespace likeness::render {
namespace {

constexpr float kPi = 3.14159265358979f;

glm::vec3 dir(float x, float y, float z) { return glm::normalize(glm::vec3(x, y, z)); }

float smooth(float edge0, float edge1, float x) {
  const float t = std::clamp((x - edge0) / (edge1 - edge0), 0.0f, 1.0f);
  return t * t * (3.0f - 2.0f * t);
}

// A neutral grey studio: dark floor, brighter ceiling, faint walls.
glm::vec3 studio_environment(const glm::vec3& d, float floor, float ceiling) {
  const float t = smooth(-0.6f, 0.8f, d.y);
  return glm::vec3(floor + (ceiling - floor) * t);
}

}  // namespace

const char* to_string(LightingPreset preset) {
  switch (preset) {
    case LightingPreset::ThreePoint: return "three-point";
    case LightingPreset::SoftBox: return "soft-box";
    case LightingPreset::Rim: return "rim";
    case LightingPreset::Outdoor: return "outdoor";
  }
  return "three-point";
}

std::vector<std::string> lighting_preset_names() { return {"three-point", "soft-box", "rim", "outdoor"}; }

LightingPreset parse_lighting_preset(std::string_view name) {
  std::string n = to_lower_ascii(trim(name));
  std::replace(n.begin(), n.end(), '_', '-');
  if (n == "three-point" || n == "threepoint" || n == "3-point") return LightingPreset::ThreePoint;
  if (n == "soft-box" || n == "softbox") return LightingPreset::SoftBox;
  if (n == "rim") return LightingPreset::Rim;
  if (n == "outdoor" || n == "outdoors" || n == "sun") return LightingPreset::Outdoor;
  throw InputError("lighting preset '" + std::string(name) + "': expected one of " + join(lighting_preset_names(), ", "));
}

std::array<float, 9> sh_basis(const glm::vec3& d) {
  return {0.282095f,
          0.488603f * d.y,
          0.488603f * d.z,
          0.488603f * d.x,
          1.092548f * d.x * d.y,
          1.092548f * d.y * d.z,
          0.315392f * (3.0f * d.z * d.z - 1.0f),
          1.092548f * d.x * d.z,
          0.546274f * (d.x * d.x - d.y * d.y)};
}

ShCoefficients project_sh(const std::function<glm::vec3(const glm::vec3&)>& radiance, int samples) {
  ShCoefficients sh{};
  samples = std::max(samples, 16);
  // Fibonacci sphere: quasi-uniform directions, each standing for 4 pi / N steradians.
  const float golden = kPi * (3.0f - std::sqrt(5.0f));
  for (int i = 0; i < samples; ++i) {
    const float y = 1.0f - 2.0f * (static_cast<float>(i) + 0.5f) / static_cast<float>(samples);
    const float r = std::sqrt(std::max(0.0f, 1.0f - y * y));
    const float phi = golden * static_cast<float>(i);
    const glm::vec3 d(r * std::cos(phi), y, r * std::sin(phi));
    const glm::vec3 l = radiance(d);
    const auto basis = sh_basis(d);
    for (int k = 0; k < 9; ++k) sh[static_cast<std::size_t>(k)] += l * basis[static_cast<std::size_t>(k)];
  }
  const float weight = 4.0f * kPi / static_cast<float>(samples);
  for (auto& c : sh) c *= weight;
  return sh;
}

glm::vec3 sh_diffuse(const ShCoefficients& sh, const glm::vec3& n) {
  // Irradiance convolution (Ramamoorthi and Hanrahan): band factors pi, 2pi/3, pi/4; divided by pi.
  const float band[9] = {1.0f, 2.0f / 3.0f, 2.0f / 3.0f, 2.0f / 3.0f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f};
  const auto basis = sh_basis(n);
  glm::vec3 e(0.0f);
  for (int k = 0; k < 9; ++k) e += sh[static_cast<std::size_t>(k)] * (band[k] * basis[static_cast<std::size_t>(k)]);
  return glm::max(e, glm::vec3(0.0f));
}

Lighting make_lighting(LightingPreset preset) {
  Lighting l;
  switch (preset) {
    case LightingPreset::ThreePoint: {
      // Key high on the viewer's left, a cooler fill on the right, a rim light behind.
      l.environment = project_sh([](const glm::vec3& d) { return studio_environment(d, 0.04f, 0.22f); });
      l.lights = {
          {dir(-0.55f, 0.55f, 0.62f), glm::vec3(1.00f, 0.96f, 0.90f) * 2.6f, 0.08f, true},
          {dir(0.80f, 0.05f, 0.60f), glm::vec3(0.85f, 0.92f, 1.00f) * 0.75f, 0.25f, false},
          {dir(0.35f, 0.55f, -0.76f), glm::vec3(1.00f, 0.98f, 0.95f) * 1.8f, 0.06f, false},
      };
      l.background_top = glm::vec3(0.16f, 0.17f, 0.19f);
      l.background_bottom = glm::vec3(0.035f, 0.035f, 0.04f);
      break;
    }
    case LightingPreset::SoftBox: {
      // A large soft box above the camera and a bright, even studio: soft shadows, low contrast.
      l.environment = project_sh([](const glm::vec3& d) {
        glm::vec3 c = studio_environment(d, 0.12f, 0.30f);
        const float box = smooth(0.35f, 0.55f, d.y) * smooth(0.1f, 0.4f, d.z);
        return c + glm::vec3(1.2f, 1.18f, 1.15f) * box;
      });
      l.lights = {{dir(0.0f, 0.55f, 0.84f), glm::vec3(1.0f, 0.98f, 0.95f) * 1.3f, 0.35f, true}};
      l.background_top = glm::vec3(0.42f, 0.42f, 0.43f);
      l.background_bottom = glm::vec3(0.22f, 0.22f, 0.23f);
      break;
    }
    case LightingPreset::Rim: {
      // Two strong lights behind the head outline it; a faint front fill keeps the face readable.
      l.environment = project_sh([](const glm::vec3& d) { return studio_environment(d, 0.01f, 0.05f); });
      l.lights = {
          {dir(-0.75f, 0.35f, -0.56f), glm::vec3(0.95f, 0.97f, 1.00f) * 4.0f, 0.05f, false},
          {dir(0.75f, 0.35f, -0.56f), glm::vec3(1.00f, 0.95f, 0.90f) * 4.0f, 0.05f, false},
          {dir(0.15f, 0.25f, 0.96f), glm::vec3(1.0f) * 0.45f, 0.15f, true},
      };
      l.background_top = glm::vec3(0.02f, 0.02f, 0.025f);
      l.background_bottom = glm::vec3(0.005f);
      break;
    }
    case LightingPreset::Outdoor: {
      // Blue sky, white horizon, warm ground bounce, a small warm sun: crisp shadow.
      l.environment = project_sh([](const glm::vec3& d) {
        const glm::vec3 zenith(0.20f, 0.38f, 0.85f), horizon(0.75f, 0.80f, 0.85f), ground(0.18f, 0.15f, 0.11f);
        if (d.y >= 0.0f) return glm::mix(horizon, zenith, std::pow(d.y, 0.6f)) * 0.9f;
        return glm::mix(horizon * 0.5f, ground, smooth(0.0f, 0.3f, -d.y));
      });
      l.lights = {{dir(0.45f, 0.70f, 0.55f), glm::vec3(1.00f, 0.93f, 0.82f) * 3.2f, 0.02f, true}};
      l.background_top = glm::vec3(0.30f, 0.45f, 0.75f);
      l.background_bottom = glm::vec3(0.65f, 0.70f, 0.75f);
      l.camera_relative = true;
      break;
    }
  }
  return l;
}

}  // namespace likeness::render
