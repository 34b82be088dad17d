#pragma once
// Wavefront OBJ + MTL export of the head: authored polygons (quads kept), UVs, per-vertex normals,
// one group per material, and an MTL that references texture maps when given. Written atomically.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/export/export_scene.h"
#include "engine/export/presets.h"

namespace likeness::face {
struct Topology;
}

namespace likeness::exporter {

/// Texture files a material references (paths relative to the MTL).
struct MaterialMaps {
  std::string albedo;     ///< map_Kd
  std::string normal;     ///< norm / map_Bump -bm 1
  std::string roughness;  ///< map_Pr (PBR extension)
};

struct ObjExportOptions {
  double scale = 1.0;            ///< multiply positions (cm -> m: 0.01)
  bool include_transparent = false;  ///< write the eye-occlusion/blend/lacrimal helper meshes
  std::map<std::string, MaterialMaps> maps;  ///< by material name
  std::string comment;           ///< written at the top of the OBJ
};

/// Writes `stem`.obj and `stem`.mtl into `folder`; returns the OBJ path.
std::filesystem::path write_obj(const std::filesystem::path& folder, const std::string& stem, const face::Topology& topology,
                                const at::Tensor& vertices, const at::Tensor& normals, const ObjExportOptions& options = {});

/// Options of the scene-based OBJ export.
struct ObjSceneOptions {
  AxisPreset preset = exporter::preset(Target::Blender);  ///< its unit is used; OBJ stays +Y up (presets.h)
  bool write_shapes = false;  ///< also STEM_shapes/NAME.obj: each blendshape at full weight (same topology)
  std::string comment;
};

/// Writes STEM.obj (one group per material, quads kept, v/vt/vn corners), STEM.mtl (map_Kd albedo,
/// norm/map_Bump normal, map_Pr roughness) and the PNG maps STEM_NAME_albedo.png ... into
/// `folder`; the current blendshape weights are applied to the positions written (OBJ has no
/// morph targets). Returns the paths written (the .obj first). Atomic writes.
std::vector<std::filesystem::path> write_obj_scene(const std::filesystem::path& folder, const std::string& stem, const ExportScene& scene,
                                                   const ObjSceneOptions& options = {});

}  // namespace likeness::exporter
