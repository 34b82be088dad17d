#pragma once
// Baking per-vertex data into UV space: a CPU rasterization of the UV layout of one UDIM tile,
// then interpolation of any per-vertex attribute into texels, and dilation across UV seams.
//
// Texel convention (as image files): texel (x, y), row 0 at the top, has its centre at
// u = tile + (x + 0.5) / W and v = 1 - (y + 0.5) / H (OBJ/Blender UVs: v = 0 at the image bottom).
#include <ATen/core/Tensor.h>

#include <vector>

#include "engine/face/topology.h"

namespace likeness::face {

/// Which triangle covers each texel of a tile and where.
struct UvRaster {
  int tile = 0;
  int resolution = 0;
  at::Tensor triangle;     ///< [H, W] int64 triangle index, -1 where no triangle covers the texel
  at::Tensor barycentric;  ///< [H, W, 3] float32 weights of the triangle's corners

  /// [H, W] bool: texels covered by some triangle.
  at::Tensor coverage() const;
};

/// Rasterizes the triangles whose UVs lie in `tile` at resolution x resolution. Only triangles of
/// the given material kinds (all when empty). Where triangles overlap (the upstream eye-occlusion
/// meshes), the last one drawn wins; Likeness draws materials in a fixed order so skin wins.
UvRaster rasterize_uv(const Topology& topology, int tile, int resolution,
                      const std::vector<MaterialKind>& kinds = {});

/// Interpolates a per-vertex attribute [V, C] into the tile: [H, W, C] (zero where uncovered).
/// Differentiable with respect to `attribute`.
at::Tensor bake_vertex_attribute(const UvRaster& raster, const Topology& topology, const at::Tensor& attribute);

/// Grows covered texels into uncovered ones by `pixels` steps (each step averages covered
/// 8-neighbours), so mip-mapping and bilinear filtering never blend in background across seams.
/// `image` [H, W, C]; `coverage` [H, W] bool. Returns the dilated image.
at::Tensor dilate(const at::Tensor& image, const at::Tensor& coverage, int pixels);

/// The UV tiles that hold any triangle of the topology, ascending.
std::vector<int> used_tiles(const Topology& topology);

}  // namespace likeness::face
