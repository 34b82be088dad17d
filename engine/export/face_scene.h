#pragma once
// From the head model to an ExportScene: evaluates the rest geometry (identity + displacement,
// no expression), keeps the textured materials (the transparent eye helpers only if asked),
// renumbers vertices to those kept, moves UVs out of their UDIM tiles, and takes the 53
// expression shapes as blendshapes (the model is linear, so a shape's deltas do not depend on
// identity) with the expression coefficients as weights.
#include <ATen/core/Tensor.h>

#include <map>
#include <string>

#include "engine/export/export_scene.h"

namespace likeness::face {
class FaceModel;
}
namespace likeness::state {
struct FaceState;
}

namespace likeness::exporter {

struct FaceSceneOptions {
  std::string name = "head";
  bool include_transparent = false;  ///< the lacrimal fluid, eye blend and eye occlusion shells
  bool blendshapes = true;           ///< false: bake the expression into the positions instead
};

/// Texture maps by UDIM tile (face/topology.h UvTile). Tiles without maps get none.
using TileTextures = std::map<int, TextureMaps>;

/// The scene of a face. `displacement` may be undefined (none). `textures` by tile.
ExportScene scene_from_face(const face::FaceModel& model, const at::Tensor& identity, const at::Tensor& expression,
                            const at::Tensor& displacement, TileTextures textures, const FaceSceneOptions& options = {});

/// The scene of a document state (identity, expression, displacement) with `textures`.
ExportScene scene_from_state(const face::FaceModel& model, const state::FaceState& state, TileTextures textures,
                             const FaceSceneOptions& options = {});

/// Texture maps per tile from UDIM stacks as the appearance model makes them: albedo [T, H, W, 3]
/// linear, normal [T, H, W, 3] unit tangent-space vectors (encoded to (n + 1) / 2 here),
/// roughness [T, H, W, 1]; any may be undefined. Only `tiles` are taken. InputError naming the
/// tensor on a bad shape.
TileTextures tile_textures_from_stacks(const at::Tensor& albedo, const at::Tensor& normal, const at::Tensor& roughness,
                                       const std::vector<int>& tiles);

/// The tiles Likeness textures (face, back of head, gums, teeth, lashes, eyes).
std::vector<int> textured_tiles();

/// The short name of a tile's texture set ("face", "backhead", "gums", "teeth", "lashes", "eyes").
std::string tile_texture_name(int tile);

}  // namespace likeness::exporter
