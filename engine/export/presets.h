#pragma once
// Units and axes of the applications exports are made for. The head model is in centimetres,
// +y up, +z out of the face (right-handed). A preset says how a writer converts positions,
// normals and blendshape deltas, and (FBX) which axis system the file declares so that the
// target's importer applies no further rotation. docs/formats.md explains each.
//
//   Blender  metres, Z up, face toward -Y      (FBX: data rotated, declared Z up)
//   Maya     centimetres, Y up, face toward +Z (the model's own axes)
//   Unity    metres, Y up, face toward +Z; Unity's importer mirrors X into its left-handed space
//   Unreal   centimetres, Z up, face toward +X; Unreal's importer mirrors Y into its left-handed space
//
// Formats whose axes are fixed or conventional keep them: glTF is always metres, +Y up, +Z
// forward (the spec; importers convert), and OBJ is always +Y up (every importer assumes it) in
// the preset's unit.
#include <array>
#include <string>
#include <vector>

namespace likeness::exporter {

enum class Target { Blender, Maya, Unity, Unreal };

/// An FBX axis (0 x, 1 y, 2 z) with a sign (+1 or -1), as GlobalSettings writes it.
struct FbxAxis {
  int axis = 0;
  int sign = 1;
};

struct AxisPreset {
  Target target = Target::Blender;
  std::string name;                  ///< "blender", "maya", "unity", "unreal"
  double scale = 0.01;               ///< target units per centimetre
  double centimetres_per_unit = 100; ///< FBX UnitScaleFactor
  /// Rotation from model axes to target axes (rows: target x, y, z), determinant +1.
  std::array<std::array<double, 3>, 3> rotation{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  FbxAxis up, front, coord;          ///< FBX GlobalSettings axis system of the rotated data
  std::string description;           ///< one line for --help and docs

  /// Rotates and scales a point (or a delta) from model space.
  std::array<double, 3> point(const float* p) const;
  /// Rotates a direction (normals), no scale.
  std::array<double, 3> direction(const float* n) const;
  /// The same preset with the rotation dropped (for Y-up formats: OBJ).
  AxisPreset y_up() const;
};

/// The preset of a target.
const AxisPreset& preset(Target target);
/// The preset by name ("blender", "maya", "unity", "unreal", any case); InputError listing the
/// names if unknown.
const AxisPreset& preset_by_name(const std::string& name);
/// The names, in order.
std::vector<std::string> preset_names();

/// glTF's fixed space: metres, the model's axes.
const AxisPreset& gltf_space();

}  // namespace likeness::exporter
