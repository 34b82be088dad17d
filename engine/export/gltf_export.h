#pragma once
// glTF 2.0 binary (.glb) export, self-contained: geometry, materials, textures (PNG, embedded in
// the binary chunk), and the blendshapes as morph targets with their names (mesh.extras.targetNames,
// the convention Blender, three.js and Babylon read) and the current weights (mesh.weights).
//
// Written by Likeness itself rather than through Assimp 5.2.5, whose glTF exporter drops target
// names and weights and references images by file name even inside a .glb (STACK_NOTES.md).
// Layout: one mesh with one primitive per material; each primitive has its own vertices (one per
// distinct position/UV pair of its polygons: glTF has a single index per corner), metres, +Y up,
// UV v flipped to glTF's top-left origin.
#include <filesystem>
#include <string>

#include "engine/export/export_scene.h"

namespace likeness::exporter {

struct GltfOptions {
  bool embed_textures = true;   ///< PNGs inside the .glb (else no images are written)
  std::string generator = "Likeness";
};

/// The .glb bytes of a scene (validated first: InputError naming the field).
std::string encode_glb(const ExportScene& scene, const GltfOptions& options = {});

/// Writes encode_glb() to `path` atomically.
void write_glb(const ExportScene& scene, const std::filesystem::path& path, const GltfOptions& options = {});

}  // namespace likeness::exporter
