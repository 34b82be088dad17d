#pragma once
// One call to export a scene in any format: bakes the textures (resolution, seam padding), then
// writes the format's files into a folder.
//
//   ExportOptions o;  o.preset = preset_by_name("unreal");  o.bake.resolution = 2048;
//   ExportResult r = export_scene(scene, ExportFormat::Fbx, "out", o);   // out/head.fbx + PNGs
#include <filesystem>
#include <string>
#include <vector>

#include "engine/export/export_scene.h"
#include "engine/export/presets.h"
#include "engine/export/texture_bake.h"

namespace likeness::exporter {

enum class ExportFormat { Glb, Fbx, Obj };

/// "glb", "fbx", "obj".
const char* to_string(ExportFormat format);
/// The format by name ("glb" or "gltf", "fbx", "obj", any case); InputError listing them if unknown.
ExportFormat format_by_name(const std::string& name);

struct ExportOptions {
  AxisPreset preset = exporter::preset(Target::Blender);
  BakeOptions bake;              ///< texture size and seam padding
  std::string stem;              ///< file stem (default: the scene's name)
  bool embed_textures = false;   ///< FBX: also embed the PNGs (glb always embeds them)
  bool obj_shapes = false;       ///< OBJ: also one OBJ per blendshape
};

struct ExportResult {
  std::filesystem::path main;               ///< the .glb, .fbx or .obj
  std::vector<std::filesystem::path> files; ///< everything written (main first)
};

/// Bakes a copy of the scene's textures and writes it into `folder` (created if needed).
ExportResult export_scene(const ExportScene& scene, ExportFormat format, const std::filesystem::path& folder,
                          const ExportOptions& options = {});

}  // namespace likeness::exporter
