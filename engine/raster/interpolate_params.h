#pragma once
// Interpolate: plain parameters and kernel entry points (no LibTorch). Per pixel,
// out = u * a[t0] + v * a[t1] + (1 - u - v) * a[t2] for the pixel's triangle t (zero where empty),
// and optionally the screen-space derivatives of chosen channels through rast_db.
#include <cstdint>

namespace likeness::raster {

template <typename T>
struct InterpolateParams {
  const T* attr = nullptr;             ///< [attr_views][attr_count][channels]
  std::int64_t attr_view_stride = 0;   ///< elements between views (0: shared by all views)
  int attr_count = 0;                  ///< rows of attr (vertices or uv points)
  int channels = 0;
  const std::int32_t* triangles = nullptr;  ///< [triangle_count][3] indices into attr rows
  int triangle_count = 0;
  int views = 0;
  int width = 0;
  int height = 0;
  const T* rast = nullptr;     ///< [views][height][width][4]
  const T* rast_db = nullptr;  ///< optional [views][height][width][4]
  const std::int32_t* diff_channels = nullptr;  ///< channels with derivatives (needs rast_db)
  int diff_count = 0;

  // Forward outputs.
  T* out = nullptr;     ///< [views][height][width][channels]
  T* out_da = nullptr;  ///< [views][height][width][2 * diff_count]: (dA/dX, dA/dY) per channel

  // Backward inputs and outputs.
  const T* grad_out = nullptr;
  const T* grad_out_da = nullptr;  ///< optional
  T* grad_attr = nullptr;          ///< same layout as attr (overwritten)
  T* grad_rast = nullptr;          ///< [views][height][width][4] (overwritten; id channel 0)
  T* grad_rast_db = nullptr;       ///< optional (overwritten)
};

void interpolate_forward_cpu(const InterpolateParams<float>& p);
void interpolate_forward_cpu(const InterpolateParams<double>& p);
void interpolate_backward_cpu(const InterpolateParams<float>& p);
void interpolate_backward_cpu(const InterpolateParams<double>& p);

}  // namespace likeness::raster
