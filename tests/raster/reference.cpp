#include "tests/raster/reference.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace likeness::raster::test {
namespace {

struct Hit {
  bool hit = false;
  double b0 = 0, b1 = 0, zw = 0, w = 0;
  double min_b = 0;     // smallest barycentric (distance to an edge)
  double clip_margin = 0;  // min(z + w, w - z) / w
};

/// The point of triangle (a, b, c) (clip xyzw) seen through NDC (px, py): b0 a + b1 b + b2 c with
/// x - px w = 0 and y - py w = 0 (2x2 system in b0, b1).
Hit ray_solve(const double* a, const double* b, const double* c, double px, double py) {
  Hit h;
  auto fx = [&](const double* v) { return v[0] - px * v[3]; };
  auto fy = [&](const double* v) { return v[1] - py * v[3]; };
  // b0 (fa - fc) + b1 (fb - fc) = -fc for both rows.
  const double m00 = fx(a) - fx(c), m01 = fx(b) - fx(c), r0 = -fx(c);
  const double m10 = fy(a) - fy(c), m11 = fy(b) - fy(c), r1 = -fy(c);
  const double det = m00 * m11 - m01 * m10;
  if (det == 0.0 || !std::isfinite(det)) return h;
  h.b0 = (r0 * m11 - m01 * r1) / det;
  h.b1 = (m00 * r1 - r0 * m10) / det;
  const double b2 = 1.0 - h.b0 - h.b1;
  double p[4];
  for (int k = 0; k < 4; ++k) p[k] = h.b0 * a[k] + h.b1 * b[k] + b2 * c[k];
  h.w = p[3];
  if (!(p[3] > 0.0)) return h;
  h.zw = p[2] / p[3];
  h.min_b = std::min({h.b0, h.b1, b2});
  h.clip_margin = std::min(p[2] + p[3], p[3] - p[2]) / p[3];
  h.hit = std::isfinite(h.zw);
  return h;
}

const double* vertex(const at::Tensor& pos, int64_t view, int64_t index) {
  return pos.data_ptr<double>() + (view * pos.size(1) + index) * 4;
}

}  // namespace

ReferenceRaster reference_rasterize(const at::Tensor& pos_in, const at::Tensor& triangles, int height, int width,
                                    double eps) {
  const at::Tensor pos = pos_in.detach().to(at::kDouble).contiguous();
  const at::Tensor tris = triangles.to(at::kLong).contiguous();
  const int64_t views = pos.size(0), T = tris.size(0);
  ReferenceRaster out;
  out.rast = at::zeros({views, height, width, 4}, at::kDouble);
  out.ambiguous = at::zeros({views, height, width}, at::kBool);
  auto r = out.rast.accessor<double, 4>();
  auto amb = out.ambiguous.accessor<bool, 3>();
  const int64_t* t = tris.data_ptr<int64_t>();
  std::vector<double> best(static_cast<size_t>(height) * width);
  for (int64_t view = 0; view < views; ++view) {
    std::fill(best.begin(), best.end(), std::numeric_limits<double>::infinity());
    for (int64_t k = 0; k < T; ++k) {
      const double* a = vertex(pos, view, t[k * 3]);
      const double* b = vertex(pos, view, t[k * 3 + 1]);
      const double* c = vertex(pos, view, t[k * 3 + 2]);
      // Pixel range: the projected bounds when all w > 0, else the whole image.
      int x0 = 0, x1 = width - 1, y0 = 0, y1 = height - 1;
      const bool in_front = a[3] > 0 && b[3] > 0 && c[3] > 0;
      double SX[3] = {0, 0, 0}, SY[3] = {0, 0, 0};
      if (in_front) {
        double lx = 1e300, hx = -1e300, ly = 1e300, hy = -1e300;
        int i = 0;
        for (const double* v : {a, b, c}) {
          const double X = (v[0] / v[3] * 0.5 + 0.5) * width, Y = (v[1] / v[3] * 0.5 + 0.5) * height;
          SX[i] = X, SY[i] = Y, ++i;
          lx = std::min(lx, X), hx = std::max(hx, X), ly = std::min(ly, Y), hy = std::max(hy, Y);
        }
        x0 = std::max(0, int(std::floor(lx)) - 1), x1 = std::min(width - 1, int(std::ceil(hx)) + 1);
        y0 = std::max(0, int(std::floor(ly)) - 1), y1 = std::min(height - 1, int(std::ceil(hy)) + 1);
      }
      for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
          const double px = (x + 0.5) / width * 2 - 1, py = (y + 0.5) / height * 2 - 1;
          const Hit h = ray_solve(a, b, c, px, py);
          if (!h.hit) continue;
          // Near an edge: within the kernel's 1/256-pixel vertex snapping (screen distance when the
          // triangle is in front of the eye, barycentric distance otherwise).
          if (in_front && std::fabs(h.min_b) < 0.5) {
            for (int e0 = 0; e0 < 3; ++e0) {
              const int e1 = (e0 + 1) % 3;
              const double ex = SX[e1] - SX[e0], ey = SY[e1] - SY[e0];
              const double qx = x + 0.5 - SX[e0], qy = y + 0.5 - SY[e0];
              const double len2 = ex * ex + ey * ey;
              const double s = len2 > 0 ? std::clamp((qx * ex + qy * ey) / len2, 0.0, 1.0) : 0.0;
              if (std::hypot(qx - s * ex, qy - s * ey) < 0.01 && h.clip_margin > -1e-4) amb[view][y][x] = true;
            }
          } else if (std::fabs(h.min_b) < 1e-4 && h.clip_margin > -1e-4) {
            amb[view][y][x] = true;
          }
          if (std::fabs(h.min_b) < eps && h.clip_margin > -eps) amb[view][y][x] = true;  // on an edge
          if (std::fabs(h.clip_margin) < 1e-4 && h.min_b > -eps) amb[view][y][x] = true;  // on a clip plane
          if (h.min_b < 0 || h.clip_margin < 0) continue;
          double& z = best[size_t(y) * width + x];
          if (std::fabs(h.zw - z) < eps) amb[view][y][x] = true;  // depth tie
          if (h.zw < z) {
            z = h.zw;
            r[view][y][x][0] = h.b0;
            r[view][y][x][1] = h.b1;
            r[view][y][x][2] = h.zw;
            r[view][y][x][3] = double(k + 1);
          }
        }
    }
  }
  return out;
}

at::Tensor reference_rast_db(const at::Tensor& pos_in, const at::Tensor& triangles, const at::Tensor& rast_in) {
  const at::Tensor pos = pos_in.detach().to(at::kDouble).contiguous();
  const at::Tensor rast = rast_in.detach().to(at::kDouble).contiguous();
  const at::Tensor tris = triangles.to(at::kLong).contiguous();
  const int64_t views = rast.size(0), H = rast.size(1), W = rast.size(2);
  at::Tensor db = at::zeros({views, H, W, 4}, at::kDouble);
  auto r = rast.accessor<double, 4>();
  auto d = db.accessor<double, 4>();
  const int64_t* t = tris.data_ptr<int64_t>();
  const double h = 1e-4;
  for (int64_t view = 0; view < views; ++view)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x) {
        const int64_t id = int64_t(r[view][y][x][3]);
        if (id <= 0) continue;
        const double* a = vertex(pos, view, t[(id - 1) * 3]);
        const double* b = vertex(pos, view, t[(id - 1) * 3 + 1]);
        const double* c = vertex(pos, view, t[(id - 1) * 3 + 2]);
        const double px = (x + 0.5) / W * 2 - 1, py = (y + 0.5) / H * 2 - 1;
        // One pixel is 2 / W in NDC.
        const Hit xp = ray_solve(a, b, c, px + h, py), xm = ray_solve(a, b, c, px - h, py);
        const Hit yp = ray_solve(a, b, c, px, py + h), ym = ray_solve(a, b, c, px, py - h);
        d[view][y][x][0] = (xp.b0 - xm.b0) / (2 * h) * 2.0 / W;
        d[view][y][x][1] = (yp.b0 - ym.b0) / (2 * h) * 2.0 / H;
        d[view][y][x][2] = (xp.b1 - xm.b1) / (2 * h) * 2.0 / W;
        d[view][y][x][3] = (yp.b1 - ym.b1) / (2 * h) * 2.0 / H;
      }
  return db;
}

at::Tensor reference_interpolate(const at::Tensor& attr_in, const at::Tensor& rast_in, const at::Tensor& triangles) {
  const at::Tensor rast = rast_in.detach().to(at::kDouble);
  at::Tensor attr = attr_in.detach().to(at::kDouble);
  if (attr.dim() == 2) attr = attr.unsqueeze(0).expand({rast.size(0), attr.size(0), attr.size(1)});
  const at::Tensor tris = triangles.to(at::kLong);
  const int64_t views = rast.size(0), H = rast.size(1), W = rast.size(2), C = attr.size(2);
  at::Tensor out = at::zeros({views, H, W, C}, at::kDouble);
  auto r = rast.accessor<double, 4>();
  auto a = attr.accessor<double, 3>();
  auto t = tris.accessor<int64_t, 2>();
  auto o = out.accessor<double, 4>();
  for (int64_t v = 0; v < views; ++v)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x) {
        const int64_t id = int64_t(r[v][y][x][3]);
        if (id <= 0) continue;
        const double w[3] = {r[v][y][x][0], r[v][y][x][1], 1.0 - r[v][y][x][0] - r[v][y][x][1]};
        for (int64_t c = 0; c < C; ++c)
          for (int k = 0; k < 3; ++k) o[v][y][x][c] += w[k] * a[v][t[id - 1][k]][c];
      }
  return out;
}

at::Tensor reference_interpolate_da(const at::Tensor& attr_in, const at::Tensor& rast_in, const at::Tensor& rast_db_in,
                                    const at::Tensor& triangles) {
  // d attr / dX = sum_k attr_k d b_k / dX with b_2 = 1 - b_0 - b_1.
  const at::Tensor rast = rast_in.detach().to(at::kDouble);
  const at::Tensor db = rast_db_in.detach().to(at::kDouble);
  at::Tensor attr = attr_in.detach().to(at::kDouble);
  if (attr.dim() == 2) attr = attr.unsqueeze(0).expand({rast.size(0), attr.size(0), attr.size(1)});
  const at::Tensor tris = triangles.to(at::kLong);
  const int64_t views = rast.size(0), H = rast.size(1), W = rast.size(2), C = attr.size(2);
  at::Tensor out = at::zeros({views, H, W, 2 * C}, at::kDouble);
  auto r = rast.accessor<double, 4>();
  auto d = db.accessor<double, 4>();
  auto a = attr.accessor<double, 3>();
  auto t = tris.accessor<int64_t, 2>();
  auto o = out.accessor<double, 4>();
  for (int64_t v = 0; v < views; ++v)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x) {
        const int64_t id = int64_t(r[v][y][x][3]);
        if (id <= 0) continue;
        const double dX[3] = {d[v][y][x][0], d[v][y][x][2], -d[v][y][x][0] - d[v][y][x][2]};
        const double dY[3] = {d[v][y][x][1], d[v][y][x][3], -d[v][y][x][1] - d[v][y][x][3]};
        for (int64_t c = 0; c < C; ++c)
          for (int k = 0; k < 3; ++k) {
            o[v][y][x][2 * c] += dX[k] * a[v][t[id - 1][k]][c];
            o[v][y][x][2 * c + 1] += dY[k] * a[v][t[id - 1][k]][c];
          }
      }
  return out;
}

namespace {

/// Texel index under a boundary mode, -1 = zero.
int64_t bound(int64_t i, int64_t n, TextureBoundary b) {
  if (b == TextureBoundary::Wrap) return ((i % n) + n) % n;
  if (b == TextureBoundary::Clamp) return std::clamp<int64_t>(i, 0, n - 1);
  return (i < 0 || i >= n) ? -1 : i;
}

/// Tent-weighted sum over the texels around continuous texel position (X, Y) (centres at integers).
void tent_sample(const at::Tensor& image, double X, double Y, TextureBoundary b, double weight, double* out) {
  auto img = image.accessor<double, 3>();  // [H, W, C]
  const int64_t H = image.size(0), W = image.size(1), C = image.size(2);
  for (int64_t ty = int64_t(std::floor(Y)) - 1; ty <= int64_t(std::floor(Y)) + 2; ++ty)
    for (int64_t tx = int64_t(std::floor(X)) - 1; tx <= int64_t(std::floor(X)) + 2; ++tx) {
      const double w = std::max(0.0, 1.0 - std::fabs(X - tx)) * std::max(0.0, 1.0 - std::fabs(Y - ty));
      if (w == 0.0) continue;
      const int64_t bx = bound(tx, W, b), by = bound(ty, H, b);
      if (bx < 0 || by < 0) continue;
      for (int64_t c = 0; c < C; ++c) out[c] += weight * w * img[by][bx][c];
    }
}

}  // namespace

at::Tensor reference_texture(const at::Tensor& tex_in, const at::Tensor& uv_in, const at::Tensor& uv_da_in,
                             TextureFilter filter, TextureBoundary boundary) {
  const at::Tensor tex = tex_in.detach().to(at::kDouble).contiguous();
  const at::Tensor uv = uv_in.detach().to(at::kDouble);
  const at::Tensor uv_da = uv_da_in.defined() ? uv_da_in.detach().to(at::kDouble) : at::Tensor();
  const int64_t views = uv.size(0), H = uv.size(1), W = uv.size(2);
  const int64_t tiles = tex.size(1), TH = tex.size(2), TW = tex.size(3), C = tex.size(4);
  // Pyramid per (tex view, tile) by 2x2 average pooling (NCHW).
  std::vector<std::vector<at::Tensor>> pyramid(tex.size(0) * tiles);
  for (int64_t i = 0; i < tex.size(0) * tiles; ++i) {
    at::Tensor level = tex.reshape({-1, TH, TW, C})[i];
    pyramid[i].push_back(level);
    while (level.size(0) > 1 || level.size(1) > 1) {
      at::Tensor nchw = level.permute({2, 0, 1}).unsqueeze(0);
      const int64_t kh = level.size(0) > 1 ? 2 : 1, kw = level.size(1) > 1 ? 2 : 1;
      level = at::avg_pool2d(nchw, {kh, kw}).squeeze(0).permute({1, 2, 0}).contiguous();
      pyramid[i].push_back(level);
    }
  }
  const int top = int(pyramid[0].size()) - 1;
  at::Tensor out = at::zeros({views, H, W, C}, at::kDouble);
  auto u = uv.accessor<double, 4>();
  auto o = out.accessor<double, 4>();
  for (int64_t v = 0; v < views; ++v)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x) {
        double uu = u[v][y][x][0];
        const double vv = u[v][y][x][1];
        int64_t tile = 0;
        if (tiles > 1) {
          tile = int64_t(std::floor(uu));
          if (tile < 0 || tile >= tiles) continue;
          uu -= tile;
        }
        const auto& levels = pyramid[(tex.size(0) == 1 ? 0 : v) * tiles + tile];
        double lod = 0;
        if (uv_da.defined()) {
          at::Tensor J = at::empty({2, 2}, at::kDouble);
          J[0][0] = uv_da[v][y][x][0].item<double>() * TW;
          J[0][1] = uv_da[v][y][x][1].item<double>() * TW;
          J[1][0] = uv_da[v][y][x][2].item<double>() * TH;
          J[1][1] = uv_da[v][y][x][3].item<double>() * TH;
          const double s = at::linalg_svdvals(J)[0].item<double>();
          lod = s > 0 ? std::log2(s) : -1e9;
        }
        double acc[16] = {0};
        auto sample = [&](int level, double weight) {
          const at::Tensor& img = levels[level];
          const double X = uu * img.size(1) - 0.5, Y = (1.0 - vv) * img.size(0) - 0.5;
          if (filter == TextureFilter::Nearest) {
            const int64_t bx = bound(int64_t(std::floor(uu * img.size(1))), img.size(1), boundary);
            const int64_t by = bound(int64_t(std::floor((1.0 - vv) * img.size(0))), img.size(0), boundary);
            if (bx >= 0 && by >= 0)
              for (int64_t c = 0; c < C; ++c) acc[c] += weight * img[by][bx][c].item<double>();
            return;
          }
          tent_sample(img, X, Y, boundary, weight, acc);
        };
        if (filter == TextureFilter::LinearMipmapLinear) {
          const double l = std::clamp(lod, 0.0, double(top));
          const int l0 = std::min(int(std::floor(l)), top);
          const double f = l - l0;
          sample(l0, 1.0 - f);
          if (f > 0) sample(l0 + 1, f);
        } else if (filter == TextureFilter::LinearMipmapNearest) {
          sample(int(std::clamp(std::floor(lod + 0.5), 0.0, double(top))), 1.0);
        } else {
          sample(0, 1.0);
        }
        for (int64_t c = 0; c < C; ++c) o[v][y][x][c] = acc[c];
      }
  return out;
}

at::Tensor reference_antialias(const at::Tensor& color_in, const at::Tensor& rast_in, const at::Tensor& pos_in,
                               const at::Tensor& triangles) {
  const at::Tensor color = color_in.detach().to(at::kDouble).contiguous();
  const at::Tensor rast = rast_in.detach().to(at::kDouble).contiguous();
  at::Tensor pos = pos_in.detach().to(at::kDouble);
  if (pos.dim() == 2) pos = pos.unsqueeze(0);
  pos = pos.expand({rast.size(0), pos.size(1), 4}).contiguous();
  const at::Tensor tris = triangles.to(at::kLong).contiguous();
  const int64_t views = rast.size(0), H = rast.size(1), W = rast.size(2), C = color.size(3), T = tris.size(0);
  auto t = tris.accessor<int64_t, 2>();
  at::Tensor out = color.clone();
  auto r = rast.accessor<double, 4>();
  auto col = color.accessor<double, 4>();
  auto o = out.accessor<double, 4>();
  for (int64_t view = 0; view < views; ++view) {
    auto screen = [&](int64_t vi, double& X, double& Y, double& w) {
      const double* v = vertex(pos, view, vi);
      w = v[3];
      X = (v[0] / v[3] * 0.5 + 0.5) * W;
      Y = (v[1] / v[3] * 0.5 + 0.5) * H;
    };
    // Facing from the projected 2D signed area (0 when a vertex is at or behind the eye).
    std::vector<int> facing(T, 0);
    for (int64_t k = 0; k < T; ++k) {
      double X[3], Y[3], w[3];
      for (int i = 0; i < 3; ++i) screen(t[k][i], X[i], Y[i], w[i]);
      if (!(w[0] > 0 && w[1] > 0 && w[2] > 0)) continue;
      const double area = (X[1] - X[0]) * (Y[2] - Y[0]) - (X[2] - X[0]) * (Y[1] - Y[0]);
      facing[k] = area > 0 ? 1 : (area < 0 ? -1 : 0);
    }
    auto is_silhouette = [&](int64_t k, int64_t a, int64_t b) {
      for (int64_t j = 0; j < T; ++j) {
        if (j == k) continue;
        bool has_a = false, has_b = false;
        for (int i = 0; i < 3; ++i) has_a |= t[j][i] == a, has_b |= t[j][i] == b;
        if (has_a && has_b && facing[j] == facing[k]) return false;
      }
      return true;
    };
    auto blend_pair = [&](int64_t xp, int64_t yp, int64_t xq, int64_t yq) {
      const int64_t ip = int64_t(r[view][yp][xp][3]), iq = int64_t(r[view][yq][xq][3]);
      if (ip == iq) return;
      bool p_near = iq == 0 || (ip != 0 && r[view][yp][xp][2] <= r[view][yq][xq][2]);
      const int64_t k = (p_near ? ip : iq) - 1;
      if (facing[k] == 0) return;
      const int64_t xn = p_near ? xp : xq, yn = p_near ? yp : yq, xf = p_near ? xq : xp, yf = p_near ? yq : yp;
      double X[3], Y[3], w[3];
      for (int i = 0; i < 3; ++i) screen(t[k][i], X[i], Y[i], w[i]);
      auto inside = [&](double px, double py) {
        double s[3];
        for (int i = 0; i < 3; ++i) {
          const int j = (i + 1) % 3;
          s[i] = (X[j] - X[i]) * (py - Y[i]) - (Y[j] - Y[i]) * (px - X[i]);
        }
        return (s[0] >= 0 && s[1] >= 0 && s[2] >= 0) || (s[0] <= 0 && s[1] <= 0 && s[2] <= 0);
      };
      auto point = [&](double tt, double& px, double& py) {
        px = xn + 0.5 + tt * (xf - xn);
        py = yn + 0.5 + tt * (yf - yn);
      };
      // Follow the surface along the segment: bisection for where it leaves each triangle,
      // brute-force adjacency to continue across interior edges.
      int64_t cur = k;
      int entry_a = -1, entry_b = -1;  // vertices of the edge we entered through
      double start_t = 0.0, tt = -1.0;
      bool found = false;
      for (int step = 0; step < 16 && !found; ++step) {
        for (int i = 0; i < 3; ++i) screen(t[cur][i], X[i], Y[i], w[i]);
        double px, py;  // the near centre counts as inside its triangle (the raster says so)
        point(1.0, px, py);
        if (inside(px, py)) return;  // the segment ends on this surface
        double lo = start_t, hi = 1.0;
        for (int it = 0; it < 80; ++it) {
          const double mid = 0.5 * (lo + hi);
          point(mid, px, py);
          (inside(px, py) ? lo : hi) = mid;
        }
        tt = 0.5 * (lo + hi);
        point(tt, px, py);
        // The edge the segment leaves through: the one passing closest to the exit point.
        int best = -1;
        double best_d = 1e300;
        for (int i = 0; i < 3; ++i) {
          const int j = (i + 1) % 3;
          const int64_t va = t[cur][i], vb = t[cur][j];
          if ((va == entry_a && vb == entry_b) || (va == entry_b && vb == entry_a)) continue;
          const double ex = X[j] - X[i], ey = Y[j] - Y[i], qx = px - X[i], qy = py - Y[i];
          const double f = std::clamp((qx * ex + qy * ey) / (ex * ex + ey * ey), 0.0, 1.0);
          const double d = std::hypot(qx - f * ex, qy - f * ey);
          if (d < best_d) best_d = d, best = i;
        }
        const int64_t a = t[cur][best], b = t[cur][(best + 1) % 3];
        if (is_silhouette(cur, a, b)) {
          found = true;
          break;
        }
        int64_t next = -1;
        for (int64_t j = 0; j < T && next < 0; ++j) {
          if (j == cur || facing[j] != facing[cur]) continue;
          bool has_a = false, has_b = false;
          for (int i = 0; i < 3; ++i) has_a |= t[j][i] == a, has_b |= t[j][i] == b;
          if (has_a && has_b) next = j;
        }
        if (next < 0) return;
        cur = next;
        entry_a = static_cast<int>(a), entry_b = static_cast<int>(b);
        start_t = tt;
      }
      if (!found) return;
      if (tt > 0.5)
        for (int64_t c = 0; c < C; ++c) o[view][yf][xf][c] += (tt - 0.5) * (col[view][yn][xn][c] - col[view][yf][xf][c]);
      else
        for (int64_t c = 0; c < C; ++c) o[view][yn][xn][c] += (0.5 - tt) * (col[view][yf][xf][c] - col[view][yn][xn][c]);
    };
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x) {
        if (x + 1 < W) blend_pair(x, y, x + 1, y);
        if (y + 1 < H) blend_pair(x, y, x, y + 1);
      }
  }
  return out;
}

}  // namespace likeness::raster::test
