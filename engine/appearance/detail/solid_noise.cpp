#include "engine/appearance/detail/solid_noise.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "engine/appearance/detail/random.h"

namespace likeness::appearance::detail {

namespace {

float lattice(std::int64_t x, std::int64_t y, std::int64_t z, std::uint64_t seed) {
  std::uint64_t h = mix64(seed ^ static_cast<std::uint64_t>(x) * 0x8da6b343ull);
  h = mix64(h ^ static_cast<std::uint64_t>(y) * 0xd8163841ull);
  h = mix64(h ^ static_cast<std::uint64_t>(z) * 0xcb1ab31full);
  return static_cast<float>(static_cast<double>(h >> 11) * (2.0 / 9007199254740992.0) - 1.0);
}

float fade(float t) { return t * t * t * (t * (t * 6 - 15) + 10); }

// A hash grid of sample indices for neighbourhood queries.
struct PointGrid {
  float cell;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> cells;
  static std::uint64_t key(std::int64_t x, std::int64_t y, std::int64_t z) {
    return (static_cast<std::uint64_t>(x + (1 << 20)) << 42) | (static_cast<std::uint64_t>(y + (1 << 20)) << 21) |
           static_cast<std::uint64_t>(z + (1 << 20));
  }
  std::int64_t coord(float v) const { return static_cast<std::int64_t>(std::floor(v / cell)); }
  PointGrid(const std::vector<float>& p, float c) : cell(c) {
    for (std::size_t i = 0; i < p.size() / 3; ++i)
      cells[key(coord(p[3 * i]), coord(p[3 * i + 1]), coord(p[3 * i + 2]))].push_back(static_cast<std::uint32_t>(i));
  }
};

}  // namespace

float value_noise(const float* p, float cell, std::uint64_t seed) {
  const float x = p[0] / cell, y = p[1] / cell, z = p[2] / cell;
  const float fx = std::floor(x), fy = std::floor(y), fz = std::floor(z);
  const auto ix = static_cast<std::int64_t>(fx), iy = static_cast<std::int64_t>(fy), iz = static_cast<std::int64_t>(fz);
  const float tx = fade(x - fx), ty = fade(y - fy), tz = fade(z - fz);
  float c[2][2][2];
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b)
      for (int d = 0; d < 2; ++d) c[a][b][d] = lattice(ix + a, iy + b, iz + d, seed);
  auto lerp = [](float a, float b, float t) { return a + (b - a) * t; };
  const float x00 = lerp(c[0][0][0], c[1][0][0], tx), x10 = lerp(c[0][1][0], c[1][1][0], tx);
  const float x01 = lerp(c[0][0][1], c[1][0][1], tx), x11 = lerp(c[0][1][1], c[1][1][1], tx);
  return lerp(lerp(x00, x10, ty), lerp(x01, x11, ty), tz);
}

std::vector<float> fbm(const std::vector<float>& positions, float cell, int octaves, float min_cell, std::uint64_t seed) {
  const std::size_t n = positions.size() / 3;
  std::vector<float> out(n, 0.0f);
  float weight = 1.0f, total = 0.0f;
  for (int o = 0; o < octaves; ++o) {
    const float c = cell / static_cast<float>(1 << o);
    if (o > 0 && c < min_cell) break;
    const std::uint64_t s = mix64(seed + static_cast<std::uint64_t>(o) * 0x51ed27ull);
    for (std::size_t i = 0; i < n; ++i) out[i] += weight * value_noise(&positions[3 * i], c, s);
    total += weight;
    weight *= 0.5f;
  }
  // Value noise sums have a standard deviation of roughly 0.35 per unit weight; scale so the
  // field spans about [-1, 1].
  const float scale = total > 0 ? 1.0f / (0.6f * total) : 0.0f;
  for (float& v : out) v = std::clamp(v * scale, -1.5f, 1.5f);
  return out;
}

SpotField scatter_spots(const std::vector<float>& positions, const std::vector<float>& weight, int count, float r_min,
                        float r_max, std::uint64_t seed) {
  const std::size_t n = positions.size() / 3;
  SpotField out;
  out.alpha.assign(n, 0.0f);
  out.rank.assign(n, 1.0f);
  out.shade.assign(n, 0.0f);
  std::vector<double> cumulative(n);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    total += std::max(0.0f, weight[i]);
    cumulative[i] = total;
  }
  if (total <= 0.0 || count <= 0) return out;
  PointGrid grid(positions, std::max(r_max * 1.3f, 0.05f));
  Rng rng(seed);
  for (int s = 0; s < count; ++s) {
    const double pick = rng.uniform() * total;
    const std::size_t centre = static_cast<std::size_t>(std::lower_bound(cumulative.begin(), cumulative.end(), pick) - cumulative.begin());
    const float radius = static_cast<float>(rng.uniform(r_min, r_max));
    const float rank = static_cast<float>(rng.uniform());
    const float shade = static_cast<float>(rng.uniform());
    const std::uint64_t edge_seed = rng.next();
    const float* c = &positions[3 * std::min(centre, n - 1)];
    const std::int64_t cx = grid.coord(c[0]), cy = grid.coord(c[1]), cz = grid.coord(c[2]);
    for (std::int64_t dx = -1; dx <= 1; ++dx)
      for (std::int64_t dy = -1; dy <= 1; ++dy)
        for (std::int64_t dz = -1; dz <= 1; ++dz) {
          auto it = grid.cells.find(PointGrid::key(cx + dx, cy + dy, cz + dz));
          if (it == grid.cells.end()) continue;
          for (std::uint32_t i : it->second) {
            const float* p = &positions[3 * i];
            const float ex = p[0] - c[0], ey = p[1] - c[1], ez = p[2] - c[2];
            const float dist = std::sqrt(ex * ex + ey * ey + ez * ez);
            if (dist > radius * 1.3f) continue;
            // Irregular edge: the radius wobbles by 25% with a noise at a quarter of the radius.
            const float wobble = 1.0f + 0.25f * value_noise(p, std::max(radius * 0.5f, 0.02f), edge_seed);
            const float t = std::clamp(1.0f - dist / (radius * wobble), 0.0f, 1.0f);
            const float a = std::min(1.0f, t * 3.0f);  // soft edge over the outer third
            if (a <= 0.0f) continue;
            if (rank < out.rank[i] || (out.alpha[i] < a && rank == out.rank[i])) {
              out.rank[i] = rank;
              out.alpha[i] = a * a * (3 - 2 * a);
              out.shade[i] = shade;
            }
          }
        }
  }
  return out;
}

}  // namespace likeness::appearance::detail
