#include <gtest/gtest.h>

#include "engine/core/error.h"
#include "engine/export/export.h"
#include "engine/export/presets.h"

namespace likeness::exporter {
namespace {

double det(const AxisPreset& p) {
  const auto& r = p.rotation;
  return r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
         r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
}

TEST(Presets, UnitsAndAxesOfEachTarget) {
  const float up[3] = {0, 1, 0}, front[3] = {0, 0, 1}, one_cm[3] = {1, 0, 0};
  for (const std::string& name : preset_names()) {
    const AxisPreset& p = preset_by_name(name);
    EXPECT_EQ(det(p), 1.0) << name << ": rotations only, never mirrors";
    const auto u = p.direction(up);
    EXPECT_EQ(u[static_cast<std::size_t>(p.up.axis)], p.up.sign) << name << ": the declared up axis is where +y goes";
    EXPECT_DOUBLE_EQ(p.scale * p.centimetres_per_unit, 1.0) << name;
  }
  EXPECT_EQ(preset_by_name("Blender").point(front), (std::array<double, 3>{0, -0.01, 0}));  // face toward -Y
  EXPECT_EQ(preset_by_name("blender").point(up), (std::array<double, 3>{0, 0, 0.01}));
  EXPECT_EQ(preset_by_name("maya").point(one_cm), (std::array<double, 3>{1, 0, 0}));
  EXPECT_EQ(preset_by_name("unity").point(front), (std::array<double, 3>{0, 0, 0.01}));
  EXPECT_EQ(preset_by_name("unreal").point(front), (std::array<double, 3>{1, 0, 0}));  // face toward +X, cm
  EXPECT_EQ(preset_by_name("unreal").point(up), (std::array<double, 3>{0, 0, 1}));
  EXPECT_EQ(preset_by_name("unreal").y_up().point(up), (std::array<double, 3>{0, 1, 0}));
  EXPECT_EQ(gltf_space().point(up), (std::array<double, 3>{0, 0.01, 0}));
}

TEST(Presets, UnknownNamesAreRejected) {
  try {
    preset_by_name("houdini");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("houdini"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("unreal"), std::string::npos);
  }
  EXPECT_EQ(format_by_name("GLTF"), ExportFormat::Glb);
  EXPECT_EQ(format_by_name("fbx"), ExportFormat::Fbx);
  EXPECT_THROW(format_by_name("usdz"), InputError);
}

}  // namespace
}  // namespace likeness::exporter
