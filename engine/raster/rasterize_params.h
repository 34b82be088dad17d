#pragma once
// Rasterize: plain parameters and kernel entry points (no LibTorch). The CPU kernels live in
// rasterize_cpu.cpp; CUDA kernels (cuda/) take the same structs.
//
// Conventions (OpenGL, as nvdiffrast): pixel (x, y) has its centre at normalized device
// coordinates ((x + 0.5) / W * 2 - 1, (y + 0.5) / H * 2 - 1); row 0 is the BOTTOM of the image.
// Output per pixel: (u, v, z/w, triangle_id + 1), 0 in the last channel where empty; the point
// is u * p0 + v * p1 + (1 - u - v) * p2 with perspective-correct u, v.
#include <cstdint>

namespace likeness::raster {

/// Largest image side the fixed-point coverage test supports.
inline constexpr int kMaxRasterSize = 16384;
/// Sub-pixel precision of the coverage test: vertex positions snap to 1/256 pixel.
inline constexpr int kSubpixelBits = 8;

template <typename T>
struct RasterizeForwardParams {
  const T* pos = nullptr;            ///< clip-space positions [views][vertex_count][4]
  std::int64_t pos_view_stride = 0;  ///< elements between views (0: all views share one set)
  int vertex_count = 0;
  const std::int32_t* triangles = nullptr;  ///< [triangle_count][3], validated indices
  int triangle_count = 0;
  int views = 0;
  int width = 0;
  int height = 0;
  T* rast = nullptr;     ///< out [views][height][width][4]
  T* rast_db = nullptr;  ///< optional out [views][height][width][4]: du/dX, du/dY, dv/dX, dv/dY (per pixel)
};

template <typename T>
struct RasterizeBackwardParams {
  const T* pos = nullptr;
  std::int64_t pos_view_stride = 0;
  int vertex_count = 0;
  const std::int32_t* triangles = nullptr;
  int triangle_count = 0;
  int views = 0;
  int width = 0;
  int height = 0;
  const T* rast = nullptr;          ///< the forward output
  const T* grad_rast = nullptr;     ///< [views][height][width][4]; the id channel is ignored
  const T* grad_rast_db = nullptr;  ///< optional [views][height][width][4]
  T* grad_pos = nullptr;            ///< out, same layout as pos (overwritten)
};

void rasterize_forward_cpu(const RasterizeForwardParams<float>& p);
void rasterize_forward_cpu(const RasterizeForwardParams<double>& p);
void rasterize_backward_cpu(const RasterizeBackwardParams<float>& p);
void rasterize_backward_cpu(const RasterizeBackwardParams<double>& p);

}  // namespace likeness::raster
