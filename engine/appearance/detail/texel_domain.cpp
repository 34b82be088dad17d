#include "engine/appearance/detail/texel_domain.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <deque>

#include "engine/face/face_model.h"
#include "engine/face/regions.h"
#include "engine/face/uv_bake.h"

namespace likeness::appearance::detail {

float TexelDomain::texel_cm(std::size_t i) const {
  const float* a = &du[3 * i];
  const float* b = &dv[3 * i];
  const float la = std::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
  const float lb = std::sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
  return std::sqrt(std::max(la * lb, 1e-12f));
}

std::array<float, 2> TexelDomain::texel_direction(std::size_t i, const float* d) const {
  const float* a = &du[3 * i];
  const float* b = &dv[3 * i];
  // Least squares J v = d with J = [a b]: (J^T J) v = J^T d.
  const double aa = a[0] * a[0] + a[1] * a[1] + a[2] * a[2];
  const double ab = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const double bb = b[0] * b[0] + b[1] * b[1] + b[2] * b[2];
  const double ad = a[0] * d[0] + a[1] * d[1] + a[2] * d[2];
  const double bd = b[0] * d[0] + b[1] * d[1] + b[2] * d[2];
  const double det = aa * bb - ab * ab;
  if (std::abs(det) < 1e-18) return {0.0f, 0.0f};
  const double x = (bb * ad - ab * bd) / det;
  const double y = (aa * bd - ab * ad) / det;
  const double n = std::sqrt(x * x + y * y);
  if (n < 1e-12) return {0.0f, 0.0f};
  return {static_cast<float>(x / n), static_cast<float>(y / n)};
}

TexelDomain make_domain(const face::FaceModel& model, const face::RegionSet& regions, const face::UvRaster& raster) {
  TexelDomain d;
  d.tile = raster.tile;
  d.resolution = raster.resolution;
  const int n = raster.resolution;
  at::Tensor tri = raster.triangle.contiguous();
  const std::int64_t* t = tri.data_ptr<std::int64_t>();
  d.row_of.assign(static_cast<std::size_t>(n) * n, -1);
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n) * n; ++i)
    if (t[i] >= 0) {
      d.row_of[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(d.texels.size());
      d.texels.push_back(i);
    }
  face::RegionSamples samples = regions.texel_samples(raster);  // every texel, row-major
  const face::Topology& topo = model.topology();
  auto uvs = topo.uvs.accessor<float, 2>();
  auto uv_tris = topo.uv_triangles.accessor<std::int64_t, 2>();
  auto tris = topo.triangles.accessor<std::int64_t, 2>();
  auto mats = topo.triangle_material.accessor<std::int64_t, 1>();
  at::Tensor neutral = model.neutral().contiguous();
  auto pos = neutral.accessor<float, 2>();
  const std::size_t count = d.texels.size();
  d.position.resize(3 * count);
  d.normal.resize(3 * count);
  d.du.resize(3 * count);
  d.dv.resize(3 * count);
  d.parts.resize(count);
  d.material.resize(count);
  for (std::size_t r = 0; r < count; ++r) {
    const std::size_t i = static_cast<std::size_t>(d.texels[r]);
    for (int c = 0; c < 3; ++c) {
      d.position[3 * r + static_cast<std::size_t>(c)] = samples.position[3 * i + static_cast<std::size_t>(c)];
      d.normal[3 * r + static_cast<std::size_t>(c)] = samples.normal[3 * i + static_cast<std::size_t>(c)];
    }
    d.parts[r] = samples.parts[i];
    const std::int64_t tr = t[i];
    d.material[r] = static_cast<std::int32_t>(mats[tr]);
    // The triangle's affine map from texel coordinates to the neutral surface.
    double q[3][2], p[3][3];
    for (int c = 0; c < 3; ++c) {
      q[c][0] = (uvs[uv_tris[tr][c]][0] - d.tile) * n;
      q[c][1] = (1.0 - uvs[uv_tris[tr][c]][1]) * n;
      for (int k = 0; k < 3; ++k) p[c][k] = pos[tris[tr][c]][k];
    }
    const double e1x = q[1][0] - q[0][0], e1y = q[1][1] - q[0][1];
    const double e2x = q[2][0] - q[0][0], e2y = q[2][1] - q[0][1];
    const double det = e1x * e2y - e2x * e1y;
    for (int k = 0; k < 3; ++k) {
      const double f1 = p[1][k] - p[0][k], f2 = p[2][k] - p[0][k];
      // [f1 f2] * inverse([[e1x e2x], [e1y e2y]])
      const double jx = std::abs(det) > 1e-12 ? (f1 * e2y - f2 * e1y) / det : 0.0;
      const double jy = std::abs(det) > 1e-12 ? (-f1 * e2x + f2 * e1x) / det : 0.0;
      d.du[3 * r + static_cast<std::size_t>(k)] = static_cast<float>(jx);
      d.dv[3 * r + static_cast<std::size_t>(k)] = static_cast<float>(jy);
    }
  }
  return d;
}

std::vector<std::int64_t> nearest_covered(const std::vector<std::int32_t>& row_of, int resolution) {
  const std::int64_t n = resolution;
  std::vector<std::int64_t> source(static_cast<std::size_t>(n * n), -1);
  std::deque<std::int64_t> queue;
  for (std::int64_t i = 0; i < n * n; ++i)
    if (row_of[static_cast<std::size_t>(i)] >= 0) {
      source[static_cast<std::size_t>(i)] = i;
      queue.push_back(i);
    }
  while (!queue.empty()) {
    const std::int64_t i = queue.front();
    queue.pop_front();
    const std::int64_t x = i % n, y = i / n;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const std::int64_t xx = x + dx, yy = y + dy;
        if ((!dx && !dy) || xx < 0 || yy < 0 || xx >= n || yy >= n) continue;
        const std::size_t j = static_cast<std::size_t>(yy * n + xx);
        if (source[j] >= 0) continue;
        source[j] = source[static_cast<std::size_t>(i)];
        queue.push_back(static_cast<std::int64_t>(j));
      }
  }
  return source;
}

std::vector<float> domain_gradient(const TexelDomain& domain, const std::vector<float>& field) {
  std::vector<float> out(2 * domain.size(), 0.0f);
  const int n = domain.resolution;
  for (std::size_t r = 0; r < domain.size(); ++r) {
    const int x = static_cast<int>(domain.texels[r] % n), y = static_cast<int>(domain.texels[r] / n);
    const float f = field[r];
    for (int axis = 0; axis < 2; ++axis) {
      const int ra = axis == 0 ? domain.row(x - 1, y) : domain.row(x, y - 1);
      const int rb = axis == 0 ? domain.row(x + 1, y) : domain.row(x, y + 1);
      float g = 0.0f;
      if (ra >= 0 && rb >= 0)
        g = 0.5f * (field[static_cast<std::size_t>(rb)] - field[static_cast<std::size_t>(ra)]);
      else if (rb >= 0)
        g = field[static_cast<std::size_t>(rb)] - f;
      else if (ra >= 0)
        g = f - field[static_cast<std::size_t>(ra)];
      out[2 * r + static_cast<std::size_t>(axis)] = g;
    }
  }
  return out;
}

face::Topology without_materials(const face::Topology& topology, const std::vector<std::string>& names) {
  face::Topology copy = topology;
  for (face::Material& m : copy.materials)
    if (std::find(names.begin(), names.end(), m.name) != names.end()) m.kind = face::MaterialKind::Transparent;
  return copy;
}

}  // namespace likeness::appearance::detail
