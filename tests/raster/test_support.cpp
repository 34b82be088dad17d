#include "tests/raster/test_support.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "engine/raster/camera.h"

namespace likeness::raster::test {

Mesh icosphere(int subdivisions) {
  const double t = (1.0 + std::sqrt(5.0)) / 2.0;
  std::vector<std::array<double, 3>> v = {{-1, t, 0}, {1, t, 0}, {-1, -t, 0}, {1, -t, 0}, {0, -1, t}, {0, 1, t},
                                          {0, -1, -t}, {0, 1, -t}, {t, 0, -1}, {t, 0, 1}, {-t, 0, -1}, {-t, 0, 1}};
  std::vector<std::array<int64_t, 3>> f = {{0, 11, 5}, {0, 5, 1},  {0, 1, 7},   {0, 7, 10}, {0, 10, 11},
                                           {1, 5, 9},  {5, 11, 4}, {11, 10, 2}, {10, 7, 6}, {7, 1, 8},
                                           {3, 9, 4},  {3, 4, 2},  {3, 2, 6},   {3, 6, 8},  {3, 8, 9},
                                           {4, 9, 5},  {2, 4, 11}, {6, 2, 10},  {8, 6, 7},  {9, 8, 1}};
  auto normalize = [](std::array<double, 3> p) {
    const double n = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    return std::array<double, 3>{p[0] / n, p[1] / n, p[2] / n};
  };
  for (auto& p : v) p = normalize(p);
  for (int s = 0; s < subdivisions; ++s) {
    std::map<std::pair<int64_t, int64_t>, int64_t> mid;
    auto midpoint = [&](int64_t a, int64_t b) {
      auto key = std::make_pair(std::min(a, b), std::max(a, b));
      auto it = mid.find(key);
      if (it != mid.end()) return it->second;
      v.push_back(normalize({(v[a][0] + v[b][0]) / 2, (v[a][1] + v[b][1]) / 2, (v[a][2] + v[b][2]) / 2}));
      mid[key] = static_cast<int64_t>(v.size()) - 1;
      return mid[key];
    };
    std::vector<std::array<int64_t, 3>> next;
    for (const auto& tri : f) {
      const int64_t a = midpoint(tri[0], tri[1]), b = midpoint(tri[1], tri[2]), c = midpoint(tri[2], tri[0]);
      next.push_back({tri[0], a, c});
      next.push_back({tri[1], b, a});
      next.push_back({tri[2], c, b});
      next.push_back({a, b, c});
    }
    f = next;
  }
  Mesh m;
  m.positions = at::empty({int64_t(v.size()), 3}, at::kDouble);
  m.triangles = at::empty({int64_t(f.size()), 3}, at::kLong);
  for (size_t i = 0; i < v.size(); ++i)
    for (int k = 0; k < 3; ++k) m.positions[i][k] = v[i][k];
  for (size_t i = 0; i < f.size(); ++i)
    for (int k = 0; k < 3; ++k) m.triangles[i][k] = f[i][k];
  return m;
}

Mesh grid(int n) {
  Mesh m;
  m.positions = at::empty({int64_t(n + 1) * (n + 1), 3}, at::kDouble);
  auto p = m.positions.accessor<double, 2>();
  for (int y = 0; y <= n; ++y)
    for (int x = 0; x <= n; ++x) {
      p[y * (n + 1) + x][0] = -1.0 + 2.0 * x / n;
      p[y * (n + 1) + x][1] = -1.0 + 2.0 * y / n;
      p[y * (n + 1) + x][2] = 0.0;
    }
  m.triangles = at::empty({int64_t(n) * n * 2, 3}, at::kLong);
  auto t = m.triangles.accessor<int64_t, 2>();
  int64_t k = 0;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const int64_t a = y * (n + 1) + x, b = a + 1, c = a + n + 1, d = c + 1;
      t[k][0] = a, t[k][1] = b, t[k][2] = d, ++k;
      t[k][0] = a, t[k][1] = d, t[k][2] = c, ++k;
    }
  return m;
}

at::Tensor clip_of(const at::Tensor& positions, double yaw_deg, double pitch_deg, double distance) {
  OrbitCamera camera;
  camera.yaw_deg = yaw_deg;
  camera.pitch_deg = pitch_deg;
  camera.distance_cm = distance;
  camera.fov_y_deg = 40.0;
  camera.near_cm = 0.1;
  camera.far_cm = 100.0;
  const CameraMatrices m = orbit_cameras({camera}, 1.0, at::kDouble);
  return transform_clip(positions.to(at::kDouble), m.clip);
}

Mesh random_clip_triangles(int count, double spread, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> xy(-spread, spread), z(-0.9, 0.9), w(0.5, 2.0);
  Mesh m;
  m.positions = at::empty({1, int64_t(count) * 3, 4}, at::kDouble);
  auto p = m.positions.accessor<double, 3>();
  for (int64_t i = 0; i < int64_t(count) * 3; ++i) {
    const double ww = w(rng);
    p[0][i][0] = xy(rng) * ww;
    p[0][i][1] = xy(rng) * ww;
    p[0][i][2] = z(rng) * ww;
    p[0][i][3] = ww;
  }
  m.triangles = at::arange(int64_t(count) * 3, at::kLong).reshape({count, 3});
  return m;
}

int check_gradient(const std::function<double(const at::Tensor&)>& loss, const at::Tensor& x,
                   const at::Tensor& analytic, const GradCheck& options, const std::string& what) {
  EXPECT_TRUE(analytic.defined()) << what << ": no analytic gradient";
  if (!analytic.defined()) return 0;
  const at::Tensor base = x.detach().to(at::kDouble).contiguous().clone();
  const at::Tensor grad = analytic.to(at::kDouble).contiguous().reshape({-1});
  const int64_t n = base.numel();
  std::vector<int64_t> order(n);
  for (int64_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937_64 rng(options.seed);
  std::shuffle(order.begin(), order.end(), rng);
  if (options.samples < n) order.resize(options.samples);
  int checked = 0, failures = 0;
  double* data = base.data_ptr<double>();
  for (int64_t i : order) {
    const double keep = data[i];
    data[i] = keep + options.h;
    const double lp = loss(base.to(x.scalar_type()));
    data[i] = keep - options.h;
    const double lm = loss(base.to(x.scalar_type()));
    data[i] = keep;
    if (!std::isfinite(lp) || !std::isfinite(lm)) continue;
    const double fd = (lp - lm) / (2 * options.h);
    const double an = grad[i].item<double>();
    ++checked;
    if (!(std::fabs(fd - an) <= options.atol + options.rtol * std::fabs(fd)) && failures < 5) {
      ++failures;
      ADD_FAILURE() << what << ": element " << i << " analytic " << an << " vs finite difference " << fd;
    }
  }
  return checked;
}

at::Tensor loss_weights(const at::Tensor& like, std::uint64_t seed) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  return at::randn(like.sizes(), gen, like.options().requires_grad(false));
}

}  // namespace likeness::raster::test
