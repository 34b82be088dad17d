#pragma once
// Slow reference implementations of the four ops, written independently of the kernels (other
// formulations: per-pixel ray/triangle solves, tent filters, SVD mip levels, bisection along
// pixel pairs), in double precision, for the value tests.
#include <ATen/core/Tensor.h>

#include "engine/raster/texture_params.h"

namespace likeness::raster::test {

struct ReferenceRaster {
  at::Tensor rast;       ///< [B, H, W, 4] double
  at::Tensor ambiguous;  ///< [B, H, W] bool: a centre within eps of an edge, a depth tie, or a clip plane
};

/// For every pixel and triangle: solve for the point of the triangle on the pixel's ray in clip
/// space; keep it if inside, w > 0 and -w <= z <= w; nearest z/w wins. pos [B, V, 4].
ReferenceRaster reference_rasterize(const at::Tensor& pos, const at::Tensor& triangles, int height, int width,
                                    double eps = 1e-7);

/// (du/dX, du/dY, dv/dX, dv/dY) by central differences of the ray solve, for the triangles in rast.
at::Tensor reference_rast_db(const at::Tensor& pos, const at::Tensor& triangles, const at::Tensor& rast);

/// Attribute interpolation [B, H, W, C] (and derivatives for all channels when rast_db is given).
at::Tensor reference_interpolate(const at::Tensor& attr, const at::Tensor& rast, const at::Tensor& triangles);
at::Tensor reference_interpolate_da(const at::Tensor& attr, const at::Tensor& rast, const at::Tensor& rast_db,
                                    const at::Tensor& triangles);

/// Texture sampling with tent weights over an avg-pooled pyramid (power-of-two sizes).
/// tex [Bt, tiles, H, W, C], uv [B, H, W, 2], uv_da [B, H, W, 4] or undefined.
at::Tensor reference_texture(const at::Tensor& tex, const at::Tensor& uv, const at::Tensor& uv_da,
                             TextureFilter filter, TextureBoundary boundary);

/// Antialiasing by bisection of each discontinuous pixel pair's segment against the nearer
/// triangle (2D point-in-triangle tests) and brute-force edge adjacency.
at::Tensor reference_antialias(const at::Tensor& color, const at::Tensor& rast, const at::Tensor& pos,
                               const at::Tensor& triangles);

}  // namespace likeness::raster::test
