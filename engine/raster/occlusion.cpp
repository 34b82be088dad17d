#include "engine/raster/occlusion.h"

#include <ATen/ATen.h>

#include <cmath>
#include <string>

#include "engine/core/error.h"
#include "engine/raster/raster.h"

namespace likeness::raster {

at::Tensor vertex_occlusion(const at::Tensor& positions, const at::Tensor& triangles, const at::Tensor& normals,
                            const OcclusionOptions& options) {
  if (positions.dim() != 2 || positions.size(1) != 3)
    throw InputError("vertex_occlusion: 'positions' must be [V, 3], got " + std::to_string(positions.dim()) + " dims");
  if (normals.sizes() != positions.sizes()) throw InputError("vertex_occlusion: 'normals' must match 'positions' [V, 3]");
  if (triangles.dim() != 2 || triangles.size(1) != 3) throw InputError("vertex_occlusion: 'triangles' must be [T, 3]");
  if (options.directions < 1 || options.resolution < 8)
    throw InputError("vertex_occlusion: need at least 1 direction and a resolution of 8");
  at::NoGradGuard no_grad;
  const at::Tensor p = positions.detach().to(at::kFloat).contiguous();
  const at::Tensor n = normals.detach().to(at::kFloat).contiguous();
  const long V = p.size(0);
  if (V == 0 || triangles.size(0) == 0) return at::ones({V}, at::kFloat);

  // Directions toward the viewer, a Fibonacci spiral over the sphere.
  const int D = options.directions;
  at::Tensor dirs = at::empty({D, 3}, at::kFloat);
  {
    float* d = dirs.data_ptr<float>();
    const double golden = M_PI * (3.0 - std::sqrt(5.0));
    for (int i = 0; i < D; ++i) {
      const double z = 1.0 - (2.0 * i + 1.0) / D, r = std::sqrt(std::max(0.0, 1.0 - z * z));
      d[3 * i] = static_cast<float>(r * std::cos(golden * i));
      d[3 * i + 1] = static_cast<float>(r * std::sin(golden * i));
      d[3 * i + 2] = static_cast<float>(z);
    }
  }
  // An orthonormal frame per direction: x, y span the image, the view looks along -dir.
  const at::Tensor helper = at::where(dirs.select(1, 1).abs().lt(0.9f).unsqueeze(1), at::tensor({0.0f, 1.0f, 0.0f}),
                                      at::tensor({1.0f, 0.0f, 0.0f}));
  at::Tensor ax = at::cross(helper, dirs, 1);
  ax = ax / ax.norm(2, 1, true);
  const at::Tensor ay = at::cross(dirs, ax, 1);

  const at::Tensor centre = (std::get<0>(p.min(0)) + std::get<0>(p.max(0))) * 0.5f;
  const float radius = std::max((p - centre).norm(2, 1).max().item<float>(), 1e-6f) * 1.02f;
  const at::Tensor q = (p - centre) / radius;  // inside the unit sphere
  // Clip positions [D, V, 4]: orthographic, z = -(q . dir) so the side facing `dir` is nearest.
  const at::Tensor x = at::matmul(q, ax.t()).t(), y = at::matmul(q, ay.t()).t(), z = -at::matmul(q, dirs.t()).t();
  const at::Tensor clip = at::stack({x, y, z, at::ones_like(x)}, 2).contiguous();

  const int R = options.resolution;
  const at::Tensor rast = rasterize(clip, triangles.to(at::kInt).contiguous(), R, R).rast;  // [D, R, R, 4]
  const at::Tensor depth = at::where(rast.select(3, 3).gt(0), rast.select(3, 2), at::full({}, 2.0f)).reshape({D, R * R});

  // Each vertex's pixel (centres at (i + 0.5) / R in NDC [-1, 1]); rows run bottom to top.
  auto pixel = [&](const at::Tensor& ndc) { return ((ndc + 1.0f) * 0.5f * R).floor().clamp(0, R - 1).to(at::kLong); };
  // The nearest surface around the vertex (3x3 pixels, the farthest of them): a vertex on a
  // silhouette or a crease is not hidden by its own neighbours' triangles.
  at::Tensor seen = at::full({D, V}, -2.0f);
  const at::Tensor px = pixel(x), py = pixel(y);
  for (int dy = -1; dy <= 1; ++dy)
    for (int dx = -1; dx <= 1; ++dx) {
      const at::Tensor idx = (py + dy).clamp(0, R - 1) * R + (px + dx).clamp(0, R - 1);
      seen = at::maximum(seen, depth.gather(1, idx));
    }
  const float bias = static_cast<float>(options.bias * 2.0);  // NDC spans the diameter over 2
  const at::Tensor open = z.le(seen + bias).to(at::kFloat);   // [D, V]

  // Cosine-weighted over the hemisphere around the normal.
  const at::Tensor cosine = at::matmul(n, dirs.t()).t().clamp_min(0.0f);  // [D, V]
  const at::Tensor weight = cosine.sum(0);
  at::Tensor ao = (open * cosine).sum(0) / weight.clamp_min(1e-6f);
  ao = at::where(weight.gt(1e-6f), ao, at::ones_like(ao));
  // Vertices on no triangle: fully open.
  at::Tensor used = at::zeros({V}, at::kBool);
  used.index_fill_(0, triangles.to(at::kLong).flatten(), true);
  return at::where(used, ao, at::ones_like(ao)).clamp(0.0f, 1.0f).contiguous();
}

}  // namespace likeness::raster
