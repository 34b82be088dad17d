#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/error.h"
#include "render/lighting.h"

namespace likeness::render {
namespace {

TEST(Lighting, ConstantEnvironmentLightsEveryNormalEqually) {
  const ShCoefficients sh = project_sh([](const glm::vec3&) { return glm::vec3(0.5f, 0.25f, 1.0f); });
  for (glm::vec3 n : {glm::vec3(0, 1, 0), glm::vec3(0, -1, 0), glm::vec3(1, 0, 0), glm::normalize(glm::vec3(1, 1, 1))}) {
    const glm::vec3 d = sh_diffuse(sh, n);
    EXPECT_NEAR(d.r, 0.5f, 0.01f);
    EXPECT_NEAR(d.g, 0.25f, 0.01f);
    EXPECT_NEAR(d.b, 1.0f, 0.01f);
  }
}

TEST(Lighting, SkyFromAboveLightsUpFacingSurfacesMore) {
  // Radiance max(0, y): irradiance / pi is 1/2 facing up... and 0 facing down (analytically
  // E(up) = pi * 2/3, so E/pi = 2/3; E(down) = 0).
  const ShCoefficients sh = project_sh([](const glm::vec3& d) { return glm::vec3(std::max(0.0f, d.y)); });
  EXPECT_NEAR(sh_diffuse(sh, {0, 1, 0}).r, 2.0f / 3.0f, 0.03f);
  EXPECT_NEAR(sh_diffuse(sh, {0, -1, 0}).r, 0.0f, 0.03f);
  EXPECT_NEAR(sh_diffuse(sh, {1, 0, 0}).r, sh_diffuse(sh, {0, 0, 1}).r, 1e-3f);
}

TEST(Lighting, PresetsAreDistinctAndWellFormed) {
  std::vector<Lighting> all;
  for (const std::string& name : lighting_preset_names()) {
    const LightingPreset p = parse_lighting_preset(name);
    EXPECT_EQ(to_string(p), name);
    Lighting l = make_lighting(p);
    EXPECT_GE(l.lights.size(), 1u) << name;
    EXPECT_LE(static_cast<int>(l.lights.size()), Lighting::kMaxLights) << name;
    int shadowed = 0;
    for (const auto& light : l.lights) {
      EXPECT_NEAR(glm::length(light.direction), 1.0f, 1e-4) << name;
      EXPECT_GT(light.color.r + light.color.g + light.color.b, 0.0f) << name;
      EXPECT_GE(light.angular_radius, 0.0f);
      shadowed += light.shadow ? 1 : 0;
    }
    EXPECT_EQ(shadowed, 1) << name << " should have exactly one shadow-casting light";
    for (const auto& c : l.environment) EXPECT_TRUE(std::isfinite(c.r) && std::isfinite(c.g) && std::isfinite(c.b));
    all.push_back(l);
  }
  EXPECT_EQ(all.size(), 4u);
  // Outdoor has a blue sky: more blue than red from above.
  const Lighting outdoor = make_lighting(LightingPreset::Outdoor);
  const glm::vec3 up = sh_diffuse(outdoor.environment, {0, 1, 0});
  EXPECT_GT(up.b, up.r);
  // Rim lights come from behind the head (lighting space: -z away from the viewer).
  const Lighting rim = make_lighting(LightingPreset::Rim);
  EXPECT_LT(rim.lights[0].direction.z, 0.0f);
  EXPECT_LT(rim.lights[1].direction.z, 0.0f);
}

TEST(Lighting, ParsesPresetNamesLoosely) {
  EXPECT_EQ(parse_lighting_preset("SoftBox"), LightingPreset::SoftBox);
  EXPECT_EQ(parse_lighting_preset("three_point"), LightingPreset::ThreePoint);
  try {
    parse_lighting_preset("disco");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("disco"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("soft-box"), std::string::npos);
  }
}

}  // namespace
}  // namespace likeness::render
