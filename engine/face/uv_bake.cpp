#include "engine/face/uv_bake.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <set>

#include "engine/core/error.h"

namespace likeness::face {

at::Tensor UvRaster::coverage() const { return triangle.ge(0); }

UvRaster rasterize_uv(const Topology& topology, int tile, int resolution, const std::vector<MaterialKind>& kinds) {
  if (resolution < 1 || resolution > 16384)
    throw InputError("UV bake resolution " + std::to_string(resolution) + " is out of range (1..16384)");
  UvRaster out;
  out.tile = tile;
  out.resolution = resolution;
  const int n = resolution;
  std::vector<std::int64_t> tri_of(static_cast<std::size_t>(n) * n, -1);
  std::vector<float> bary(static_cast<std::size_t>(n) * n * 3, 0.0f);

  auto uvs = topology.uvs.accessor<float, 2>();
  auto uv_tris = topology.uv_triangles.accessor<std::int64_t, 2>();
  auto materials = topology.triangle_material.accessor<std::int64_t, 1>();
  const std::int64_t tri_count = topology.uv_triangles.size(0);

  // Draw order: transparent helper meshes first, skin last, so skin wins where layouts overlap.
  auto rank = [&](std::int64_t t) {
    MaterialKind k = topology.materials[static_cast<std::size_t>(materials[t])].kind;
    return k == MaterialKind::Transparent ? 0 : k == MaterialKind::Skin ? 2 : 1;
  };
  std::vector<std::int64_t> order;
  for (std::int64_t t = 0; t < tri_count; ++t) {
    MaterialKind k = topology.materials[static_cast<std::size_t>(materials[t])].kind;
    if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), k) == kinds.end()) continue;
    float u0 = uvs[uv_tris[t][0]][0];
    if (static_cast<int>(std::floor(u0)) != tile) continue;
    order.push_back(t);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) { return rank(a) < rank(b); });

  for (std::int64_t t : order) {
    double px[3], py[3];
    for (int c = 0; c < 3; ++c) {
      px[c] = (uvs[uv_tris[t][c]][0] - tile) * n;          // texel x coordinate
      py[c] = (1.0 - uvs[uv_tris[t][c]][1]) * n;           // texel y coordinate (row 0 at top)
    }
    const double area = (px[1] - px[0]) * (py[2] - py[0]) - (py[1] - py[0]) * (px[2] - px[0]);
    if (std::abs(area) < 1e-12) continue;
    int x0 = std::max(0, static_cast<int>(std::floor(std::min({px[0], px[1], px[2]}) - 0.5)));
    int x1 = std::min(n - 1, static_cast<int>(std::ceil(std::max({px[0], px[1], px[2]}) + 0.5)));
    int y0 = std::max(0, static_cast<int>(std::floor(std::min({py[0], py[1], py[2]}) - 0.5)));
    int y1 = std::min(n - 1, static_cast<int>(std::ceil(std::max({py[0], py[1], py[2]}) + 0.5)));
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const double cx = x + 0.5, cy = y + 0.5;
        double w1 = ((cx - px[0]) * (py[2] - py[0]) - (cy - py[0]) * (px[2] - px[0])) / area;
        double w2 = ((px[1] - px[0]) * (cy - py[0]) - (py[1] - py[0]) * (cx - px[0])) / area;
        double w0 = 1.0 - w1 - w2;
        const double eps = -1e-9;
        if (w0 < eps || w1 < eps || w2 < eps) continue;
        std::size_t i = static_cast<std::size_t>(y) * n + x;
        tri_of[i] = t;
        bary[3 * i] = static_cast<float>(w0);
        bary[3 * i + 1] = static_cast<float>(w1);
        bary[3 * i + 2] = static_cast<float>(w2);
      }
  }
  out.triangle = at::from_blob(tri_of.data(), {n, n}, at::kLong).clone();
  out.barycentric = at::from_blob(bary.data(), {n, n, 3}, at::kFloat).clone();
  return out;
}

at::Tensor bake_vertex_attribute(const UvRaster& raster, const Topology& topology, const at::Tensor& attribute) {
  const int n = raster.resolution;
  at::Tensor covered = raster.triangle.ge(0).reshape({-1});
  at::Tensor tri = raster.triangle.reshape({-1}).clamp_min(0);
  at::Tensor corners = topology.triangles.index_select(0, tri);  // [N, 3] vertex ids
  at::Tensor bary = raster.barycentric.reshape({-1, 3}).to(attribute.scalar_type());
  at::Tensor value = at::zeros({n * n, attribute.size(1)}, attribute.options());
  for (int c = 0; c < 3; ++c)
    value = value + attribute.index_select(0, corners.select(1, c)) * bary.select(1, c).unsqueeze(1);
  value = value * covered.unsqueeze(1).to(value.scalar_type());
  return value.reshape({n, n, attribute.size(1)});
}

at::Tensor dilate(const at::Tensor& image, const at::Tensor& coverage, int pixels) {
  at::Tensor img = image.detach().to(at::kFloat).contiguous().clone();
  at::Tensor cov = coverage.to(at::kBool).contiguous().clone();
  const long h = img.size(0), w = img.size(1), c = img.size(2);
  for (int step = 0; step < pixels; ++step) {
    at::Tensor next_img = img.clone();
    at::Tensor next_cov = cov.clone();
    auto src = img.accessor<float, 3>();
    auto dst = next_img.accessor<float, 3>();
    auto cv = cov.accessor<bool, 2>();
    auto ncv = next_cov.accessor<bool, 2>();
    std::atomic<bool> changed{false};
    at::parallel_for(0, h, 16, [&](long begin, long end) {
      for (long y = begin; y < end; ++y)
        for (long x = 0; x < w; ++x) {
          if (cv[y][x]) continue;
          int count = 0;
          std::vector<float> sum(static_cast<std::size_t>(c), 0.0f);
          for (long dy = -1; dy <= 1; ++dy)
            for (long dx = -1; dx <= 1; ++dx) {
              long yy = y + dy, xx = x + dx;
              if ((dx || dy) && yy >= 0 && yy < h && xx >= 0 && xx < w && cv[yy][xx]) {
                for (long k = 0; k < c; ++k) sum[static_cast<std::size_t>(k)] += src[yy][xx][k];
                ++count;
              }
            }
          if (count) {
            for (long k = 0; k < c; ++k) dst[y][x][k] = sum[static_cast<std::size_t>(k)] / count;
            ncv[y][x] = true;
            changed = true;
          }
        }
    });
    img = next_img;
    cov = next_cov;
    if (!changed) break;
  }
  return img.to(image.scalar_type());
}

std::vector<int> used_tiles(const Topology& topology) {
  std::set<int> tiles;
  for (const Material& m : topology.materials)
    if (m.kind != MaterialKind::Transparent) tiles.insert(m.tile);
  return {tiles.begin(), tiles.end()};
}

}  // namespace likeness::face
