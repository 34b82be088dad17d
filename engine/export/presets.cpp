#include "engine/export/presets.h"

#include "engine/core/error.h"
#include <cctype>

namespace likeness::exporter {

std::array<double, 3> AxisPreset::point(const float* p) const {
  std::array<double, 3> out{};
  for (int r = 0; r < 3; ++r) out[r] = scale * (rotation[r][0] * p[0] + rotation[r][1] * p[1] + rotation[r][2] * p[2]);
  return out;
}

std::array<double, 3> AxisPreset::direction(const float* n) const {
  std::array<double, 3> out{};
  for (int r = 0; r < 3; ++r) out[r] = rotation[r][0] * n[0] + rotation[r][1] * n[1] + rotation[r][2] * n[2];
  return out;
}

AxisPreset AxisPreset::y_up() const {
  AxisPreset p = *this;
  p.rotation = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  p.up = {1, 1};
  p.front = {2, 1};
  p.coord = {0, 1};
  return p;
}

namespace {

// FBX axis systems as (up, front, coord): Blender's importer table (fbx_utils.RIGHT_HAND_AXES)
// maps Z-up data to ((2, 1), (1, -1), (0, 1)) and Y-up data with the face toward +Z to
// ((1, 1), (2, 1), (0, 1)).
const std::array<AxisPreset, 4>& presets() {
  static const std::array<AxisPreset, 4> table = [] {
    std::array<AxisPreset, 4> t;
    t[0].target = Target::Blender;
    t[0].name = "blender";
    t[0].scale = 0.01;
    t[0].centimetres_per_unit = 100;
    t[0].rotation = {{{1, 0, 0}, {0, 0, -1}, {0, 1, 0}}};  // (x, y, z) -> (x, -z, y)
    t[0].up = {2, 1};
    t[0].front = {1, -1};
    t[0].coord = {0, 1};
    t[0].description = "metres, Z up, face toward -Y";

    t[1].target = Target::Maya;
    t[1].name = "maya";
    t[1].scale = 1.0;
    t[1].centimetres_per_unit = 1;
    t[1].up = {1, 1};
    t[1].front = {2, 1};
    t[1].coord = {0, 1};
    t[1].description = "centimetres, Y up, face toward +Z";

    t[2] = t[1];
    t[2].target = Target::Unity;
    t[2].name = "unity";
    t[2].scale = 0.01;
    t[2].centimetres_per_unit = 100;
    t[2].description = "metres, Y up, face toward +Z (Unity mirrors X on import)";

    t[3].target = Target::Unreal;
    t[3].name = "unreal";
    t[3].scale = 1.0;
    t[3].centimetres_per_unit = 1;
    t[3].rotation = {{{0, 0, 1}, {1, 0, 0}, {0, 1, 0}}};  // (x, y, z) -> (z, x, y)
    t[3].up = {2, 1};
    t[3].front = {1, -1};
    t[3].coord = {0, 1};
    t[3].description = "centimetres, Z up, face toward +X (Unreal mirrors Y on import)";
    return t;
  }();
  return table;
}

}  // namespace

const AxisPreset& preset(Target target) { return presets()[static_cast<std::size_t>(target)]; }

const AxisPreset& preset_by_name(const std::string& name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const AxisPreset& p : presets())
    if (p.name == lower) return p;
  throw InputError("unknown export preset '" + name + "' (expected blender, maya, unity or unreal)");
}

std::vector<std::string> preset_names() {
  std::vector<std::string> out;
  for (const AxisPreset& p : presets()) out.push_back(p.name);
  return out;
}

const AxisPreset& gltf_space() {
  static const AxisPreset p = [] {
    AxisPreset g = preset(Target::Unity);
    g.name = "gltf";
    g.description = "metres, +Y up, +Z forward (glTF 2.0)";
    return g;
  }();
  return p;
}

}  // namespace likeness::exporter
