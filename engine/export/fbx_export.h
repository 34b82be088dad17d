#pragma once
// FBX 7.4 binary export, written with Likeness's own node writer (fbx_node.h) because Assimp
// 5.2.5's binary FBX is unreadable (STACK_NOTES.md). The file holds:
//   Model "head" (Mesh) <- Geometry (Mesh): polygons as authored, per-corner normals, one UV set,
//     per-polygon material indices
//   Material per ExportMaterial (Phong with the PBR maps linked: DiffuseColor = albedo,
//     NormalMap = normal, ShininessExponent = roughness, the slot Blender maps to roughness)
//   Texture + Video per map, referencing PNGs written beside the .fbx (optionally embedded)
//   Deformer BlendShape <- one BlendShapeChannel per shape (DeformPercent = weight * 100)
//     <- Geometry (Shape) with the moved vertices only (Indexes, Vertices as deltas)
//   GlobalSettings with the preset's axis system and UnitScaleFactor.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/export/export_scene.h"
#include "engine/export/fbx_node.h"
#include "engine/export/presets.h"

namespace likeness::exporter {

struct FbxOptions {
  AxisPreset preset = exporter::preset(Target::Blender);
  /// Texture file names per texture set and map, relative to the .fbx ("" = no map). Filled by
  /// write_fbx from the scene's images; callers of build_fbx set them to files they wrote.
  struct Files {
    std::string albedo, normal, roughness;
  };
  std::vector<Files> texture_files;  ///< by ExportScene::textures index
  bool embed_textures = false;       ///< also embed the PNG bytes (Video Content)
  std::string creator = "Likeness";
};

/// The FBX node tree of a scene (validated first). `embedded` gives PNG bytes per texture file
/// name when options.embed_textures is set.
std::vector<fbx::Node> build_fbx(const ExportScene& scene, const FbxOptions& options,
                                 const std::vector<std::pair<std::string, std::string>>& embedded = {});

/// Writes PATH (.fbx) and, beside it, STEM_NAME_albedo.png, _normal.png, _roughness.png per
/// texture set; returns the paths written (the .fbx first). Atomic writes.
std::vector<std::filesystem::path> write_fbx(const ExportScene& scene, const std::filesystem::path& path, FbxOptions options);

}  // namespace likeness::exporter
