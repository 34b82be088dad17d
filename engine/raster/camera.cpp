#include "engine/raster/camera.h"

#include <torch/torch.h>

#include <cmath>
#include <string>

#include "engine/core/error.h"

namespace likeness::raster {
namespace {

constexpr double kPi = 3.14159265358979323846;
double radians(double deg) { return deg * kPi / 180.0; }

at::Tensor matrix(const double (&m)[4][4], at::ScalarType dtype) {
  at::Tensor t = at::empty({4, 4}, at::kDouble);
  auto a = t.accessor<double, 2>();
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) a[i][j] = m[i][j];
  return t.to(dtype);
}

std::array<double, 3> normalized(std::array<double, 3> v, const char* what) {
  const double n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (!(n > 0.0) || !std::isfinite(n)) throw InputError(std::string("camera: degenerate ") + what);
  return {v[0] / n, v[1] / n, v[2] / n};
}

std::array<double, 3> cross(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

at::Tensor batched(const at::Tensor& m) { return m.dim() == 2 ? m.unsqueeze(0) : m; }

}  // namespace

std::array<double, 3> OrbitCamera::eye() const {
  const double yaw = radians(yaw_deg), pitch = radians(pitch_deg);
  return {target[0] + distance_cm * std::sin(yaw) * std::cos(pitch), target[1] + distance_cm * std::sin(pitch),
          target[2] + distance_cm * std::cos(yaw) * std::cos(pitch)};
}

at::Tensor look_at(const std::array<double, 3>& eye, const std::array<double, 3>& target,
                   const std::array<double, 3>& up, at::ScalarType dtype) {
  const auto f = normalized({target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]}, "view direction (eye == target)");
  const auto s = normalized(cross(f, normalized(up, "up vector")), "up vector (parallel to the view direction)");
  const auto u = cross(s, f);
  const double m[4][4] = {
      {s[0], s[1], s[2], -(s[0] * eye[0] + s[1] * eye[1] + s[2] * eye[2])},
      {u[0], u[1], u[2], -(u[0] * eye[0] + u[1] * eye[1] + u[2] * eye[2])},
      {-f[0], -f[1], -f[2], f[0] * eye[0] + f[1] * eye[1] + f[2] * eye[2]},
      {0, 0, 0, 1},
  };
  return matrix(m, dtype);
}

at::Tensor perspective(double fov_y_deg, double aspect, double near_cm, double far_cm, at::ScalarType dtype) {
  if (!(fov_y_deg > 0.0 && fov_y_deg < 180.0))
    throw InputError("camera: field of view " + std::to_string(fov_y_deg) + " outside (0, 180) degrees");
  if (!(aspect > 0.0)) throw InputError("camera: aspect ratio must be positive");
  if (!(near_cm > 0.0 && far_cm > near_cm))
    throw InputError("camera: need 0 < near < far, got near " + std::to_string(near_cm) + ", far " +
                     std::to_string(far_cm));
  const double f = 1.0 / std::tan(radians(fov_y_deg) / 2.0);
  const double m[4][4] = {
      {f / aspect, 0, 0, 0},
      {0, f, 0, 0},
      {0, 0, (far_cm + near_cm) / (near_cm - far_cm), 2.0 * far_cm * near_cm / (near_cm - far_cm)},
      {0, 0, -1, 0},
  };
  return matrix(m, dtype);
}

CameraMatrices orbit_cameras(const std::vector<OrbitCamera>& cameras, double aspect, at::ScalarType dtype) {
  if (cameras.empty()) throw InputError("camera: no cameras given");
  std::vector<at::Tensor> views, projections;
  for (const OrbitCamera& c : cameras) {
    if (!(c.distance_cm > 0.0)) throw InputError("camera: distance must be positive, got " + std::to_string(c.distance_cm));
    // Looking straight down or up: keep a stable up vector.
    const double pitch = std::fmod(std::fabs(c.pitch_deg), 360.0);
    const bool vertical = std::fabs(pitch - 90.0) < 1e-6 || std::fabs(pitch - 270.0) < 1e-6;
    const double yaw = radians(c.yaw_deg);
    const std::array<double, 3> up =
        vertical ? std::array<double, 3>{-std::sin(yaw) * (c.pitch_deg > 0 ? 1 : -1), 0.0, -std::cos(yaw) * (c.pitch_deg > 0 ? 1 : -1)}
                 : std::array<double, 3>{0.0, std::cos(radians(c.pitch_deg)) >= 0 ? 1.0 : -1.0, 0.0};
    views.push_back(look_at(c.eye(), c.target, up, at::kDouble));
    projections.push_back(perspective(c.fov_y_deg, aspect, c.near_cm, c.far_cm, at::kDouble));
  }
  CameraMatrices m;
  const at::Tensor view = at::stack(views), projection = at::stack(projections);
  m.view = view.to(dtype);
  m.projection = projection.to(dtype);
  m.clip = at::matmul(projection, view).to(dtype);
  return m;
}

at::Tensor transform_points(const at::Tensor& vertices, const at::Tensor& matrices) {
  if (!vertices.defined() || (vertices.dim() != 2 && vertices.dim() != 3) || vertices.size(-1) != 3)
    throw InputError("camera: vertices must be [V, 3] or [B, V, 3]");
  if (!matrices.defined() || (matrices.dim() != 2 && matrices.dim() != 3) || matrices.size(-1) != 4 ||
      matrices.size(-2) != 4)
    throw InputError("camera: matrices must be [4, 4] or [B, 4, 4]");
  const at::Tensor m = batched(matrices).to(vertices.scalar_type());
  const at::Tensor v = vertices.dim() == 2 ? vertices.unsqueeze(0) : vertices;
  if (v.size(0) != m.size(0) && v.size(0) != 1 && m.size(0) != 1)
    throw InputError("camera: " + std::to_string(v.size(0)) + " vertex sets for " + std::to_string(m.size(0)) +
                     " matrices");
  // (R v + t) for every vertex: v @ R^T + t.
  const at::Tensor rot = m.narrow(1, 0, 3).narrow(2, 0, 3);
  const at::Tensor trans = m.narrow(1, 0, 3).select(2, 3).unsqueeze(1);
  return at::matmul(v, rot.transpose(1, 2)) + trans;
}

at::Tensor transform_clip(const at::Tensor& vertices, const at::Tensor& clip) {
  if (!vertices.defined() || (vertices.dim() != 2 && vertices.dim() != 3) || vertices.size(-1) != 3)
    throw InputError("transform_clip: vertices must be [V, 3] or [B, V, 3]");
  if (!clip.defined() || (clip.dim() != 2 && clip.dim() != 3) || clip.size(-1) != 4 || clip.size(-2) != 4)
    throw InputError("transform_clip: clip matrices must be [4, 4] or [B, 4, 4]");
  const at::Tensor m = batched(clip).to(vertices.scalar_type());
  const at::Tensor v = vertices.dim() == 2 ? vertices.unsqueeze(0) : vertices;
  if (v.size(0) != m.size(0) && v.size(0) != 1 && m.size(0) != 1)
    throw InputError("transform_clip: " + std::to_string(v.size(0)) + " vertex sets for " +
                     std::to_string(m.size(0)) + " matrices");
  // [x y z 1] @ M^T = [x y z] @ M[:, :3]^T + M[:, 3]
  const at::Tensor lin = m.narrow(2, 0, 3);                  // [B, 4, 3]
  const at::Tensor trans = m.select(2, 3).unsqueeze(1);      // [B, 1, 4]
  return at::matmul(v, lin.transpose(1, 2)) + trans;
}

at::Tensor clip_to_pixels(const at::Tensor& clip_pos, int height, int width) {
  const at::Tensor pos = clip_pos.dim() == 2 ? clip_pos.unsqueeze(0) : clip_pos;
  const at::Tensor w = pos.select(2, 3);
  const at::Tensor x = (pos.select(2, 0) / w * 0.5 + 0.5) * width;
  const at::Tensor y = (pos.select(2, 1) / w * 0.5 + 0.5) * height;
  return at::stack({x, y}, 2);
}

}  // namespace likeness::raster
