#include "engine/appearance/detail/strands.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "engine/appearance/detail/random.h"

namespace likeness::appearance::detail {

namespace {

struct Touch {
  float cover = 0.0f;
  float tilt_x = 0.0f;
  float tilt_y = 0.0f;
};

}  // namespace

StrandField draw_strands(const TexelDomain& domain, const std::vector<float>& support, const std::vector<float>& direction,
                         const StrandStyle& style, std::uint64_t seed) {
  const std::size_t n = domain.size();
  StrandField out;
  for (int k = 0; k < 2; ++k) {
    out.rank[k].assign(n, 1.0f);
    out.alpha[k].assign(n, 0.0f);
    out.shade[k].assign(n, 0.0f);
    out.tilt[k].assign(2 * n, 0.0f);
  }
  // Texel-space growth directions, the surface length of one texel step along them (texels are
  // rarely square on the surface: a UV band squeezed across the growth direction would otherwise
  // grow strands longer than elsewhere, and the hair's look would change at its border), and the
  // support's area in texels.
  std::vector<float> dir2(2 * n, 0.0f), step_cm(n, 0.0f);
  std::vector<double> cumulative(n);
  double total = 0.0, mean_texel_cm = 0.0, mean_length_texels = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto d = domain.texel_direction(i, &direction[3 * i]);
    dir2[2 * i] = d[0];
    dir2[2 * i + 1] = d[1];
    const float* a = &domain.du[3 * i];
    const float* b = &domain.dv[3 * i];
    float along = 0.0f;
    for (int c = 0; c < 3; ++c) along += (a[c] * d[0] + b[c] * d[1]) * (a[c] * d[0] + b[c] * d[1]);
    // At least a tenth of the mean texel, so that a degenerate Jacobian cannot stall a strand.
    step_cm[i] = std::max(std::sqrt(along), 0.1f * domain.texel_cm(i));
    const float w = std::max(0.0f, support[i]);
    total += w;
    cumulative[i] = total;
    mean_texel_cm += w * domain.texel_cm(i);
    mean_length_texels += w * std::max(2.0, static_cast<double>(style.length_cm / step_cm[i]));
  }
  if (total <= 0.0) return out;
  mean_texel_cm /= total;
  mean_length_texels /= total;
  const double width_texels = std::max(1.0, style.width_cm / mean_texel_cm);
  const int count = static_cast<int>(std::ceil(style.coverage * total / (width_texels * mean_length_texels)));
  const double half = 0.5 * width_texels;

  // Strand starts: roots spread over the support, plus strands entering across the island's
  // upstream edges, already part-grown (their roots lie in the neighbouring island, across a UV
  // seam). Without the latter, texels along an upstream edge would be reached only by strands
  // rooted right there and the hair would thin to a light line along the seam; rooting strands at
  // the edge instead piles roots up into a dark one.
  struct Start {
    std::size_t row;
    double grown;  // fraction of the strand's length already grown outside the island
  };
  Rng rng(seed);
  std::vector<Start> starts;
  starts.reserve(static_cast<std::size_t>(count));
  for (int s = 0; s < count; ++s) {
    const double pick = rng.uniform() * total;
    const std::size_t row = static_cast<std::size_t>(std::lower_bound(cumulative.begin(), cumulative.end(), pick) - cumulative.begin());
    starts.push_back({std::min(row, n - 1), 0.0});
  }
  const double roots_per_support = count / total;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = dir2[2 * i], dy = dir2[2 * i + 1];
    if (support[i] <= 0.0f || (dx == 0.0 && dy == 0.0)) continue;
    const std::int64_t res = domain.resolution;
    const double cx = static_cast<double>(domain.texels[i] % res) + 0.5, cy = static_cast<double>(domain.texels[i] / res) + 0.5;
    if (domain.row(static_cast<int>(std::floor(cx - dx)), static_cast<int>(std::floor(cy - dy))) >= 0) continue;
    // As many strands cross into this texel as are rooted within one length upstream of it.
    const double expected = roots_per_support * support[i] * std::max(2.0, static_cast<double>(style.length_cm / step_cm[i]));
    const int entering = static_cast<int>(std::floor(expected + rng.uniform()));
    for (int e = 0; e < entering; ++e) starts.push_back({i, rng.uniform()});
  }

  std::unordered_map<std::int64_t, Touch> touched;
  for (const Start& start : starts) {
    const std::size_t row = start.row;
    const float rank = static_cast<float>(rng.uniform());
    const float shade = static_cast<float>(rng.uniform());
    const double len = style.length_cm * rng.uniform(0.6, 1.4);  // cm
    const std::int64_t res = domain.resolution;
    double px = static_cast<double>(domain.texels[row] % res) + rng.uniform();
    double py = static_cast<double>(domain.texels[row] / res) + rng.uniform();
    double dx = dir2[2 * row], dy = dir2[2 * row + 1];
    if (dx == 0.0 && dy == 0.0) continue;
    const double bend = rng.normal(0.0, style.curl);
    touched.clear();
    const double step = 0.5;
    // At least two texels long, however coarse the texels.
    const int max_steps = static_cast<int>(std::ceil(8.0 * mean_length_texels / step)) + 8;
    int k = 0;
    for (double grown = start.grown * len; (grown <= len || k < 4) && k <= max_steps; ++k) {
      const double along = std::min(1.0, grown / len);
      const double strength = style.opacity * (1.0 - 0.65 * along);
      const int cx = static_cast<int>(std::floor(px)), cy = static_cast<int>(std::floor(py));
      const int here = domain.row(cx, cy);
      if (here < 0) break;
      grown += step * step_cm[static_cast<std::size_t>(here)];
      const double nx = -dy, ny = dx;  // perpendicular, texel space
      const int reach = static_cast<int>(std::ceil(half + 1.0));
      for (int oy = -reach; oy <= reach; ++oy)
        for (int ox = -reach; ox <= reach; ++ox) {
          const int tx = cx + ox, ty = cy + oy;
          const int r = domain.row(tx, ty);
          if (r < 0) continue;
          const double ex = tx + 0.5 - px, ey = ty + 0.5 - py;
          const double across = ex * nx + ey * ny;
          const double lengthwise = ex * dx + ey * dy;
          if (std::abs(lengthwise) > step) continue;
          const double cover = std::clamp(half + 0.5 - std::abs(across), 0.0, 1.0) * strength;
          if (cover <= 0.0) continue;
          Touch& t = touched[r];
          if (cover > t.cover) {
            // Cylinder profile: the normal leans across the strand, in tangent space (v up).
            const double lean = std::clamp(across / (half + 0.5), -1.0, 1.0) * 0.8;
            t.cover = static_cast<float>(cover);
            t.tilt_x = static_cast<float>(nx * lean);
            t.tilt_y = static_cast<float>(-ny * lean);
          }
        }
      // Turn toward the local growth direction, with a slow random bend, then step.
      const double fx = dir2[2 * static_cast<std::size_t>(here)], fy = dir2[2 * static_cast<std::size_t>(here) + 1];
      double ndx = dx + style.follow * (fx - dx), ndy = dy + style.follow * (fy - dy);
      const double c = std::cos(bend * step), sn = std::sin(bend * step);
      const double rx = ndx * c - ndy * sn, ry = ndx * sn + ndy * c;
      const double norm = std::sqrt(rx * rx + ry * ry);
      if (norm < 1e-9) break;
      dx = rx / norm;
      dy = ry / norm;
      px += dx * step;
      py += dy * step;
    }
    for (const auto& [r, t] : touched) {
      const std::size_t i = static_cast<std::size_t>(r);
      int slot = -1;
      if (rank < out.rank[0][i]) {
        out.rank[1][i] = out.rank[0][i];
        out.alpha[1][i] = out.alpha[0][i];
        out.shade[1][i] = out.shade[0][i];
        out.tilt[1][2 * i] = out.tilt[0][2 * i];
        out.tilt[1][2 * i + 1] = out.tilt[0][2 * i + 1];
        slot = 0;
      } else if (rank < out.rank[1][i]) {
        slot = 1;
      }
      if (slot < 0) continue;
      out.rank[slot][i] = rank;
      out.alpha[slot][i] = t.cover;
      out.shade[slot][i] = shade;
      out.tilt[slot][2 * i] = t.tilt_x;
      out.tilt[slot][2 * i + 1] = t.tilt_y;
    }
  }
  return out;
}

}  // namespace likeness::appearance::detail
