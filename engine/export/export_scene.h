#pragma once
// What every exporter consumes: a plain description of the head to write, independent of how its
// geometry was evaluated or its textures made. Units and axes are the head model's (centimetres,
// +y up, +z out of the face); writers convert to the target with an AxisPreset (presets.h).
//
//   ExportScene scene = scene_from_face(model, identity, expression, displacement, textures);
//   write_glb(scene, "out/head.glb", options);
//
// Geometry: positions of the rest shape (identity + displacement, no expression), authored
// polygons (quads kept) with one material each, per-vertex normals, UVs moved out of their UDIM
// tile into [0, 1] (v up, OBJ/FBX convention). Blendshapes: per-vertex deltas of every expression
// shape (the ARKit names) and the current weights, so rest + sum(w * delta) is the posed face.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/io/image_io.h"

namespace likeness::exporter {

/// What a material is, for writers that pick shading by it.
enum class MaterialRole { Skin, Eye, Teeth, Gums, Lashes, Transparent };

/// The three texture maps of one UDIM tile, already baked (padded) for export.
struct TextureMaps {
  std::string name;      ///< short, file-name-safe ("face", "eyes"): files are STEM_NAME_albedo.png
  io::Image albedo;      ///< linear RGB in [0, 1] (written as sRGB PNG)
  io::Image normal;      ///< tangent-space normal encoded (n + 1) / 2, RGB in [0, 1] (written linear)
  io::Image roughness;   ///< perceptual roughness, 1 channel in [0, 1] (written linear)
  bool empty() const { return albedo.pixels.empty() && normal.pixels.empty() && roughness.pixels.empty(); }
};

struct ExportMaterial {
  std::string name;                                ///< "M_Face": unique
  MaterialRole role = MaterialRole::Skin;
  int textures = -1;                               ///< index into ExportScene::textures; -1: none
  std::array<float, 3> base_color{0.8f, 0.8f, 0.8f};  ///< linear, used when there is no albedo map
  float roughness = 0.5f;                          ///< used when there is no roughness map
};

struct ExportMesh {
  std::vector<float> positions;                  ///< 3 per vertex (cm, model axes)
  std::vector<float> normals;                    ///< 3 per vertex, unit length
  std::vector<float> uvs;                        ///< 2 per UV, in [0, 1], v up
  std::vector<std::uint32_t> polygon_offsets{0}; ///< corners of polygon p: offsets[p] .. offsets[p + 1]
  std::vector<std::uint32_t> polygon_vertices;   ///< vertex per corner
  std::vector<std::uint32_t> polygon_uvs;        ///< UV per corner
  std::vector<std::uint32_t> polygon_material;   ///< material per polygon

  std::size_t vertex_count() const { return positions.size() / 3; }
  std::size_t uv_count() const { return uvs.size() / 2; }
  std::size_t polygon_count() const { return polygon_offsets.size() - 1; }
  std::size_t corner_count() const { return polygon_vertices.size(); }
  /// Number of distinct (vertex, UV) pairs: the vertex count of formats with one index per corner.
  std::size_t split_vertex_count() const;
};

struct Blendshapes {
  std::vector<std::string> names;            ///< "browDown_L", ... (ARKit names)
  std::vector<std::vector<float>> deltas;    ///< per shape: 3 per vertex (cm, model axes)
  std::vector<float> weights;                ///< current weight of each shape, in [0, 1]
  std::size_t count() const { return names.size(); }
};

struct ExportScene {
  std::string name = "head";  ///< object and mesh name
  ExportMesh mesh;
  std::vector<ExportMaterial> materials;
  std::vector<TextureMaps> textures;
  Blendshapes blendshapes;

  /// Checks sizes and indices (InputError naming the field): every index in range, as many
  /// normals as positions, one delta per vertex per shape, weights per shape, texture images of
  /// consistent channels, finite values.
  void validate() const;
};

/// Corners of polygons triangulated as fans (0-1-2, 0-2-3, ...): corner indices into
/// polygon_vertices, 3 per triangle, in polygon order.
std::vector<std::uint32_t> fan_triangles(const ExportMesh& mesh, std::uint32_t first_polygon, std::uint32_t end_polygon);

}  // namespace likeness::exporter
