#include "engine/raster/camera.h"

#include <torch/torch.h>

#include <cmath>
#include <string>

#include "engine/core/error.h"
#include "engine/raster/cpu_parallel.h"

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

/// out[b, v] = M[b] (p[v], 1) for vertices [Bv, V, 3] and matrices [Bm, 4, 4] (each batch 1 or B),
/// accumulated in double.
template <typename T>
void transform_forward(const T* verts, std::int64_t vert_batch_stride, const T* m, std::int64_t m_batch_stride,
                       int64_t batches, int64_t count, T* out) {
  cpu::parallel_blocks(batches * count, 8192, [&](std::int64_t b0, std::int64_t b1, int) {
    for (std::int64_t i = b0; i < b1; ++i) {
      const std::int64_t b = i / count, v = i % count;
      const T* p = verts + b * vert_batch_stride + v * 3;
      const T* mb = m + b * m_batch_stride;
      const double x = double(p[0]), y = double(p[1]), z = double(p[2]);
      T* o = out + i * 4;
      for (int r = 0; r < 4; ++r)
        o[r] = T(double(mb[r * 4]) * x + double(mb[r * 4 + 1]) * y + double(mb[r * 4 + 2]) * z + double(mb[r * 4 + 3]));
    }
  });
}

/// grad_p[bv, v] = sum over the batches b that read p[bv] of M[b][:, :3]^T g[b, v]. Parallel over
/// vertices, each summing its batches in order (no scatter).
template <typename T>
void transform_backward_vertices(const T* grad, const T* m, std::int64_t m_batch_stride, int64_t batches,
                                 int64_t count, bool shared_vertices, T* grad_verts) {
  const std::int64_t vert_batches = shared_vertices ? 1 : batches;
  cpu::parallel_blocks(vert_batches * count, 8192, [&](std::int64_t b0, std::int64_t b1, int) {
    for (std::int64_t i = b0; i < b1; ++i) {
      const std::int64_t vb = i / count, v = i % count;
      double acc[3] = {0, 0, 0};
      for (std::int64_t b = shared_vertices ? 0 : vb; b < (shared_vertices ? batches : vb + 1); ++b) {
        const T* g = grad + (b * count + v) * 4;
        const T* mb = m + b * m_batch_stride;
        for (int k = 0; k < 3; ++k)
          acc[k] += double(mb[k]) * double(g[0]) + double(mb[4 + k]) * double(g[1]) + double(mb[8 + k]) * double(g[2]) +
                    double(mb[12 + k]) * double(g[3]);
      }
      for (int k = 0; k < 3; ++k) grad_verts[i * 3 + k] = T(acc[k]);
    }
  });
}

/// transform_clip on CPU float/double tensors with a plain kernel each way (a batched matmul
/// through BLAS costs more than the arithmetic for these shapes). Vertices [Bv, V, 3], matrices
/// [Bm, 4, 4], each batch 1 or B.
struct TransformClipFunction : public torch::autograd::Function<TransformClipFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& vertices,
                            const at::Tensor& matrices) {
    const at::Tensor v = vertices.contiguous(), m = matrices.contiguous();
    const int64_t batches = std::max(v.size(0), m.size(0)), count = v.size(1);
    at::Tensor out = at::empty({batches, count, 4}, v.options());
    AT_DISPATCH_FLOATING_TYPES(v.scalar_type(), "transform_clip", [&] {
      transform_forward(v.data_ptr<scalar_t>(), v.size(0) == 1 ? 0 : count * 3, m.data_ptr<scalar_t>(),
                        m.size(0) == 1 ? 0 : 16, batches, count, out.data_ptr<scalar_t>());
    });
    ctx->save_for_backward({v, m});
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& v = saved[0];
    const at::Tensor& m = saved[1];
    const at::Tensor g = grads[0].contiguous();
    const int64_t batches = g.size(0), count = v.size(1);
    at::Tensor grad_v, grad_m;
    if (ctx->needs_input_grad(0)) {
      grad_v = at::empty_like(v);
      const at::Tensor mb = m.expand({batches, 4, 4}).contiguous();
      AT_DISPATCH_FLOATING_TYPES(v.scalar_type(), "transform_clip_backward", [&] {
        transform_backward_vertices(g.data_ptr<scalar_t>(), mb.data_ptr<scalar_t>(), 16, batches, count,
                                    v.size(0) == 1 && batches > 1, grad_v.data_ptr<scalar_t>());
      });
    }
    if (ctx->needs_input_grad(1)) {
      // d out / d M[b][r][k] = (p, 1)[k]: g^T (p, 1), summed over the batches sharing a matrix.
      const at::Tensor homogeneous = at::cat({v, at::ones({v.size(0), count, 1}, v.options())}, 2);
      grad_m = at::matmul(g.transpose(1, 2), homogeneous.expand({batches, count, 4}));
      if (m.size(0) == 1 && batches > 1) grad_m = grad_m.sum(0, true);
    }
    return {grad_v, grad_m};
  }
};

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
  if (v.device().is_cpu() && (v.scalar_type() == at::kFloat || v.scalar_type() == at::kDouble))
    return TransformClipFunction::apply(v, m);
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
