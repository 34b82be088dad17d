#pragma once
// The differentiable rasterizer: four LibTorch autograd operations in nvdiffrast's decomposition
// (rasterize, interpolate, texture, antialias), written from scratch. See docs/rasterizer.md.
//
// Conventions (OpenGL):
//   - Clip space in, NDC x right, y up, z in [-1, 1] (near -1). Triangles crossing the near or
//     far plane are clipped; nothing is culled by facing.
//   - Images are [B, H, W, C] with row 0 at the BOTTOM (y up), pixel (x, y) centred at NDC
//     ((x + 0.5) / W * 2 - 1, (y + 0.5) / H * 2 - 1). Flip rows (shading.h: flip_rows) before
//     showing or saving.
//   - rast [B, H, W, 4] = (u, v, z/w, triangle_id + 1), all zero where no triangle covers the
//     pixel centre; the surface point is u * p0 + v * p1 + (1 - u - v) * p2.
//   - Coverage: exact with a top-left fill rule on positions snapped to 1/256 pixel, so pixels on
//     an edge shared by two triangles are drawn exactly once; depth test keeps the smallest z/w
//     (ties: the lower triangle index).
//   - Triangles: int32 or int64 [T, 3]. Float32 or float64 tensors, CPU. CUDA tensors raise
//     InputError until the CUDA kernels land (cuda/README.md).
#include <ATen/core/Tensor.h>

#include <memory>
#include <vector>

#include "engine/raster/texture_params.h"

namespace likeness::raster {

struct EdgeTopology;

/// rast and (optionally) its screen-space derivatives.
struct RasterizeOutput {
  at::Tensor rast;     ///< [B, H, W, 4] (u, v, z/w, triangle_id + 1)
  at::Tensor rast_db;  ///< [B, H, W, 4] (du/dX, du/dY, dv/dX, dv/dY) per pixel; undefined unless asked
};

/// Rasterizes clip-space positions [B, V, 4] (B views of one mesh) or [V, 4] (one view) into an
/// H x W image. Differentiable with respect to `clip_pos` through u, v, z/w and rast_db.
RasterizeOutput rasterize(const at::Tensor& clip_pos, const at::Tensor& triangles, int height, int width,
                          bool derivatives = false);

struct InterpolateOptions {
  at::Tensor rast_db;              ///< from rasterize(..., derivatives = true); needed for derivatives
  std::vector<int> diff_channels;  ///< attribute channels whose screen derivatives to output
  bool diff_all = false;           ///< derivatives of every channel
};

struct InterpolateOutput {
  at::Tensor out;     ///< [B, H, W, C]
  at::Tensor out_da;  ///< [B, H, W, 2K]: (dA_k/dX, dA_k/dY) per derivative channel; undefined if none
};

/// Interpolates per-vertex attributes [N, C] or [B, N, C] over the raster. `triangles` [T, 3]
/// index the attribute rows and share triangle ids with the rasterized triangles, so UVs with
/// their own indices work: interpolate(uvs, rast, uv_triangles). Differentiable with respect to
/// attr, rast (u, v) and rast_db.
InterpolateOutput interpolate(const at::Tensor& attr, const at::Tensor& rast, const at::Tensor& triangles,
                              const InterpolateOptions& options = {});

struct TextureOptions {
  TextureFilter filter = TextureFilter::Linear;
  TextureBoundary boundary = TextureBoundary::Wrap;
  at::Tensor uv_da;           ///< [B, H, W, 4] (du/dX, du/dY, dv/dX, dv/dY): selects the mip level
  at::Tensor mip_level_bias;  ///< [B, H, W]: added to the mip level (differentiable)
  int max_mip_level = -1;     ///< deepest level built (-1: down to 1x1)
};

/// Samples a texture at uv [B, H, W, 2]. `tex`: [H, W, C] (one texture), [tiles, H, W, C] (UDIM
/// tiles shared by all views) or [B, tiles, H, W, C]. Texel row 0 is the top of the image file
/// (v = 1); see texture_params.h. Mip levels are built per tile on each call. Differentiable
/// with respect to tex, uv, uv_da and mip_level_bias.
at::Tensor texture(const at::Tensor& tex, const at::Tensor& uv, const TextureOptions& options = {});

/// Edge adjacency of a triangle list for antialias(); build once per topology and reuse.
class AntialiasTopology {
public:
  /// Builds the adjacency of triangles [T, 3] over `vertex_count` vertices (-1: max index + 1).
  static std::shared_ptr<const AntialiasTopology> build(const at::Tensor& triangles, int vertex_count = -1);
  ~AntialiasTopology();
  const EdgeTopology& edges() const { return *edges_; }
  int triangle_count() const;
  int vertex_count() const;

private:
  AntialiasTopology() = default;
  std::unique_ptr<EdgeTopology> edges_;
};

/// Analytic antialiasing of `color` [B, H, W, C] along silhouette and occlusion edges, using the
/// raster of the same positions `clip_pos` ([B, V, 4] or [V, 4]) and triangles. Differentiable
/// with respect to color and clip_pos (the only source of silhouette gradients). `topology`
/// (from AntialiasTopology::build) saves rebuilding the adjacency on every call.
at::Tensor antialias(const at::Tensor& color, const at::Tensor& rast, const at::Tensor& clip_pos,
                     const at::Tensor& triangles, std::shared_ptr<const AntialiasTopology> topology = nullptr);

}  // namespace likeness::raster
