#pragma once
// Wavefront OBJ + MTL export of the head: authored polygons (quads kept), UVs, per-vertex normals,
// one group per material, and an MTL that references texture maps when given. Written atomically.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

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

}  // namespace likeness::exporter
