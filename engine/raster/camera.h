#pragma once
// Cameras for the rasterizer, OpenGL conventions: right-handed world (+y up), the camera looks
// down its -z axis, clip = projection * view * (x, y, z, 1)^T with column vectors, NDC z = -1 at
// the near plane. Matrices are row-major [4, 4] tensors (float32 unless asked), batched [B, 4, 4].
//
// Orbit cameras circle a target: yaw 0 and pitch 0 look at the target from +z (the face of the
// head model, which looks along +z); positive yaw moves the camera toward +x (the subject's
// left), positive pitch moves it up so it looks down. Distances in centimetres.
#include <ATen/core/Tensor.h>

#include <array>
#include <vector>

namespace likeness::raster {

struct OrbitCamera {
  double yaw_deg = 0.0;
  double pitch_deg = 0.0;
  double distance_cm = 60.0;
  double fov_y_deg = 20.0;  ///< vertical field of view
  std::array<double, 3> target{0.0, 0.0, 0.0};
  double near_cm = 1.0;
  double far_cm = 1000.0;

  /// The camera position in world space.
  std::array<double, 3> eye() const;
};

/// View, projection and their product for B cameras: each [B, 4, 4].
struct CameraMatrices {
  at::Tensor view;        ///< world -> eye
  at::Tensor projection;  ///< eye -> clip
  at::Tensor clip;        ///< projection * view
};

/// World-to-eye matrix [4, 4] of a camera at `eye` looking at `target` with `up` (gluLookAt).
at::Tensor look_at(const std::array<double, 3>& eye, const std::array<double, 3>& target,
                   const std::array<double, 3>& up = {0.0, 1.0, 0.0}, at::ScalarType dtype = at::kFloat);

/// OpenGL perspective projection [4, 4] (gluPerspective): vertical fov, aspect = width / height.
at::Tensor perspective(double fov_y_deg, double aspect, double near_cm, double far_cm, at::ScalarType dtype = at::kFloat);

/// Matrices of orbit cameras for an image of the given aspect (width / height).
CameraMatrices orbit_cameras(const std::vector<OrbitCamera>& cameras, double aspect = 1.0,
                             at::ScalarType dtype = at::kFloat);

/// Clip-space positions [B, V, 4] of vertices [V, 3] (shared) or [B, V, 3] under clip matrices
/// [4, 4] or [B, 4, 4]. Differentiable with respect to both.
at::Tensor transform_clip(const at::Tensor& vertices, const at::Tensor& clip);

/// Eye-space positions [B, V, 3] (camera looks down -z) under view matrices, differentiable.
at::Tensor transform_points(const at::Tensor& vertices, const at::Tensor& matrices);

/// Pixel coordinates [B, V, 2] (x right, y up, pixel centres at i + 0.5, like rast) of clip
/// positions [B, V, 4] for an image W x H.
at::Tensor clip_to_pixels(const at::Tensor& clip_pos, int height, int width);

}  // namespace likeness::raster
