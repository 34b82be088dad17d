#include "engine/face/pose.h"

#include <ATen/ATen.h>

#include <numbers>

namespace likeness::face {

at::Tensor rotation_matrix(const at::Tensor& ypr) {
  at::Tensor r = ypr * (std::numbers::pi / 180.0);
  at::Tensor cy = r[0].cos(), sy = r[0].sin(), cp = r[1].cos(), sp = r[1].sin(), cr = r[2].cos(), sr = r[2].sin();
  at::Tensor one = at::ones_like(cy), zero = at::zeros_like(cy);
  at::Tensor yaw = at::stack({cy, zero, sy, zero, one, zero, -sy, zero, cy}).reshape({3, 3});
  at::Tensor pitch = at::stack({one, zero, zero, zero, cp, -sp, zero, sp, cp}).reshape({3, 3});
  at::Tensor roll = at::stack({cr, -sr, zero, sr, cr, zero, zero, zero, one}).reshape({3, 3});
  return at::matmul(yaw, at::matmul(pitch, roll));
}

at::Tensor apply_pose(const at::Tensor& vertices, const at::Tensor& ypr, const at::Tensor& translation, const at::Tensor& pivot) {
  at::Tensor rot = rotation_matrix(ypr.to(vertices.scalar_type()));
  at::Tensor p = pivot.to(vertices.scalar_type());
  return at::matmul(vertices - p, rot.t()) + p + translation.to(vertices.scalar_type());
}

}  // namespace likeness::face
