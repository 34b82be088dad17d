#pragma once
// What the renderer draws, as plain data the engine side fills: the head mesh (render vertices with
// one index buffer, triangles grouped by material), its UDIM texture stacks, per-vertex overlay
// scalars and landmark vertices. No tensors, no Qt: any caller can build these from its own data.
//
// Conventions: centimetres, +y up, +z out of the face (as the head model). UVs are UDIM: the
// integer part of u is the tile (= texture layer), v = 0 at the image bottom. Texture rows are
// stored top row first, as image files.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace likeness::render {

/// How a run of triangles is shaded.
enum class MaterialKind : std::uint8_t {
  Skin,        ///< face and back of head: GGX + subsurface-like diffuse
  Eye,         ///< sclera and iris: glossy cornea over the textured eyeball
  Teeth,       ///< enamel
  Gums,        ///< wet soft tissue
  Lashes,      ///< alpha-tested strands (alpha to coverage under MSAA)
  Transparent  ///< lacrimal fluid, eye blend/occlusion shells: not drawn
};

/// "skin", "eye", ...
const char* to_string(MaterialKind kind);

/// A contiguous run of Mesh::indices drawn with one material.
struct MaterialRange {
  MaterialKind kind = MaterialKind::Skin;
  std::uint32_t first_index = 0;  ///< first entry in Mesh::indices (a multiple of 3)
  std::uint32_t index_count = 0;  ///< entries (a multiple of 3)
  int tile = -1;                   ///< UDIM tile (texture layer) its UVs lie in; -1: floor(u) per fragment
};

/// The head: render vertices (unique position/UV pairs) and triangles over them.
struct Mesh {
  std::vector<float> positions;          ///< 3 floats per render vertex (cm)
  std::vector<float> normals;            ///< 3 floats per render vertex (unit length)
  std::vector<float> uvs;                ///< 2 floats per render vertex (UDIM u, v up)
  std::vector<std::uint32_t> indices;    ///< 3 per triangle, counter-clockwise seen from outside
  std::vector<MaterialRange> materials;  ///< ranges over `indices`, non-overlapping
  std::vector<std::uint32_t> landmarks;  ///< render vertex indices drawn as landmark markers

  std::size_t vertex_count() const { return positions.size() / 3; }
  std::size_t triangle_count() const { return indices.size() / 3; }

  /// Throws InputError naming the field at fault (sizes, index range, finiteness, ranges).
  void validate() const;
};

/// New vertex positions and normals for the mesh already set (a live update).
struct Geometry {
  std::vector<float> positions;  ///< 3 floats per render vertex
  std::vector<float> normals;    ///< 3 floats per render vertex
};

/// Storage type of texels.
enum class TexelType : std::uint8_t { U8, F32 };
/// Encoding of 8-bit colour texels (float texels are always linear).
enum class ColorSpace : std::uint8_t { Linear, Srgb };

/// Equally sized UDIM tiles: layer i holds tile i (layers = 8 for the head). Texels are
/// interleaved, top row first; tile t starts at t * width * height * channels.
struct TextureStack {
  int width = 0;
  int height = 0;
  int layers = 0;
  int channels = 0;  ///< 1, 3 or 4
  TexelType type = TexelType::F32;
  ColorSpace space = ColorSpace::Linear;
  std::vector<std::uint8_t> u8;  ///< when type is U8
  std::vector<float> f32;        ///< when type is F32

  bool empty() const { return width == 0 || height == 0 || layers == 0; }
  std::size_t texel_count() const {
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * static_cast<std::size_t>(layers);
  }
  /// Throws InputError "texture 'NAME': ..." for inconsistent sizes or channel counts outside
  /// [min_channels, max_channels].
  void validate(const std::string& name, int min_channels, int max_channels) const;
};

/// The head's maps. Any stack may be empty: defaults are mid-grey albedo, a flat normal and
/// roughness 0.5.
struct Textures {
  TextureStack albedo;     ///< RGB or RGBA (A: coverage, used by lashes); U8 sRGB/linear or float linear
  TextureStack normal;     ///< tangent space, +z out of the surface: float in [-1, 1] or U8 encoded [0, 1]
  TextureStack roughness;  ///< 1 channel, perceptual roughness in [0, 1]
  void validate() const;
};

/// Per-render-vertex scalars in [0, 1] shown as overlays; an empty vector means none.
struct Overlays {
  std::vector<float> region;   ///< a semantic region's soft mask
  std::vector<float> heat;     ///< the current edit's consistency weights or attention
  std::vector<float> painted;  ///< the artist's painted mask
  /// Throws InputError if a non-empty channel does not hold `vertex_count` finite values.
  void validate(std::size_t vertex_count) const;
};

/// Everything needed for a first frame.
struct Scene {
  Mesh mesh;
  Textures textures;
  Overlays overlays;
};

/// A live update from another thread: components left empty keep their current value. Components
/// of one update become visible in the same frame (a mesh never shows with the texture of another
/// update).
struct SceneUpdate {
  std::optional<Geometry> geometry;
  std::optional<Textures> textures;
  std::optional<Overlays> overlays;
};

}  // namespace likeness::render
