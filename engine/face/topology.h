#pragma once
// Mesh connectivity of the head: polygons as authored (quads and triangles, kept for export),
// triangles for rendering and geometry, UVs with UDIM tiles, materials, and "render vertices"
// (unique position/UV pairs) for consumers that need a single index buffer (Vulkan, glTF).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace likeness::io {
struct ObjMesh;
}

namespace likeness::face {

/// UDIM tiles of the head's textures (u in [tile, tile + 1)). The upstream layout puts the eyeballs
/// in tile 0 on top of the face; Likeness moves sclera and iris to their own tile, kEyeTile.
enum UvTile : int {
  kFaceTile = 0,
  kBackHeadTile = 1,
  kGumsTile = 2,
  kTeethTile = 3,
  kLacrimalTile = 4,  // 4 and 5: lacrimal fluid (transparent, not textured by Likeness)
  kLashesTile = 6,
  kEyeTile = 7,
  kTileCount = 8,
};

/// How a material is drawn.
enum class MaterialKind { Skin, Eye, Teeth, Gums, Lashes, Transparent };

struct Material {
  std::string name;  ///< as in the OBJ ("M_Face", ...)
  MaterialKind kind = MaterialKind::Skin;
  int tile = 0;      ///< UDIM tile its UVs live in (after Likeness's remapping)
};

struct Topology {
  int vertex_count = 0;
  int uv_count = 0;

  /// Polygons as authored: corners polygon_offsets[p] .. polygon_offsets[p + 1].
  std::vector<std::uint32_t> polygon_offsets{0};
  std::vector<std::int32_t> polygon_vertices;  ///< vertex index per corner
  std::vector<std::int32_t> polygon_uvs;       ///< uv index per corner
  std::vector<std::int32_t> polygon_material;  ///< material per polygon

  std::vector<Material> materials;

  at::Tensor uvs;                ///< [UV, 2] float32, UDIM u; eyeballs moved to kEyeTile
  at::Tensor triangles;          ///< [T, 3] int64 vertex indices (quads split 0-1-2, 0-2-3)
  at::Tensor uv_triangles;       ///< [T, 3] int64 uv indices, same triangles
  at::Tensor triangle_material;  ///< [T] int64
  at::Tensor triangle_polygon;   ///< [T] int64 source polygon

  at::Tensor render_vertex_position;  ///< [R] int64: render vertex -> vertex index
  at::Tensor render_vertex_uv;        ///< [R] int64: render vertex -> uv index
  at::Tensor render_triangles;        ///< [T, 3] int64 render vertex indices

  int polygon_count() const { return static_cast<int>(polygon_offsets.size()) - 1; }
  int triangle_count() const { return static_cast<int>(triangles.size(0)); }
  int render_vertex_count() const { return static_cast<int>(render_vertex_position.size(0)); }

  /// Index of a material by name or -1.
  int material_index(const std::string& name) const;

  /// Triangles [T', 3] (vertex indices) of the given materials only.
  at::Tensor triangles_of(const std::vector<MaterialKind>& kinds) const;

  /// Indices [T'] (int64, ascending) of the triangles of the given materials.
  at::Tensor triangle_ids_of(const std::vector<MaterialKind>& kinds) const;

  /// What a renderer without alpha draws: skin, eyes, teeth and gums. Not the lash cards (opaque,
  /// they read as thick black rims) nor the transparent helpers (eye occlusion, tear line, which
  /// would cover the eyes).
  static const std::vector<MaterialKind>& opaque_kinds();

  /// What the UV textures are drawn on: the opaque kinds and the lash cards. Not the transparent
  /// helpers, which no renderer or export draws; their UVs overlap the face tile (around the eyes,
  /// inside the mouth, at the tile's corners), so texels they alone cover are gap texels.
  static const std::vector<MaterialKind>& textured_kinds();

  /// Builds the topology from an OBJ mesh (triangulating, remapping eyeball UVs to kEyeTile).
  static Topology from_obj(const io::ObjMesh& mesh);
};

}  // namespace likeness::face
