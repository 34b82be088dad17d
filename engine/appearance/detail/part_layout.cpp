#include "engine/appearance/detail/part_layout.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/appearance/detail/random.h"
#include "engine/face/face_model.h"
#include "engine/face/regions.h"
#include "engine/face/uv_bake.h"

namespace likeness::appearance::detail {

namespace {

constexpr double kPi = 3.14159265358979;

float smoothstep(float e0, float e1, float x) {
  const float t = std::clamp((x - e0) / (e1 - e0), 0.0f, 1.0f);
  return t * t * (3 - 2 * t);
}

// Least-squares sphere through points: |p|^2 = 2 c.p + k.
std::array<double, 3> sphere_centre(const std::vector<std::array<double, 3>>& pts) {
  double a[4][5] = {};
  for (const auto& p : pts) {
    const double row[4] = {2 * p[0], 2 * p[1], 2 * p[2], 1.0};
    const double b = p[0] * p[0] + p[1] * p[1] + p[2] * p[2];
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 4; ++j) a[i][j] += row[i] * row[j];
      a[i][4] += row[i] * b;
    }
  }
  for (int c = 0; c < 4; ++c) {  // Gauss-Jordan with partial pivoting
    int piv = c;
    for (int r = c + 1; r < 4; ++r)
      if (std::abs(a[r][c]) > std::abs(a[piv][c])) piv = r;
    for (int k = 0; k < 5; ++k) std::swap(a[c][k], a[piv][k]);
    if (std::abs(a[c][c]) < 1e-12) continue;
    for (int r = 0; r < 4; ++r) {
      if (r == c) continue;
      const double f = a[r][c] / a[c][c];
      for (int k = c; k < 5; ++k) a[r][k] -= f * a[c][k];
    }
  }
  return {a[0][4] / a[0][0], a[1][4] / a[1][1], a[2][4] / a[2][2]};
}

}  // namespace

FieldSet build_eye_fields(const face::FaceModel& model, const face::RegionSet& /*regions*/, const TexelDomain& d,
                          std::uint64_t seed) {
  const face::Topology& topo = model.topology();
  const int res = d.resolution;
  at::Tensor neutral = model.neutral().contiguous();
  auto pos = neutral.accessor<float, 2>();
  auto uvs = topo.uvs.accessor<float, 2>();

  // A UV per vertex (eyeball vertices have one).
  std::vector<float> vertex_u(static_cast<std::size_t>(model.vertex_count()), -1.0f), vertex_v(vertex_u);
  for (std::size_t c = 0; c < topo.polygon_vertices.size(); ++c) {
    const auto v = static_cast<std::size_t>(topo.polygon_vertices[c]);
    const auto t = topo.polygon_uvs[c];
    if (vertex_u[v] >= 0.0f) continue;
    vertex_u[v] = uvs[t][0] - std::floor(uvs[t][0]);
    vertex_v[v] = uvs[t][1];
  }

  // Per eye: sphere centre, optical axis, the angle of every eyeball vertex from the axis, and
  // the limbus and pupil angles read from the iris disk (inner iris mesh, UV radius < 0.47).
  std::vector<float> theta(static_cast<std::size_t>(model.vertex_count()), 0.0f);
  double limbus = 0.0, pupil = 0.0;
  int pupil_count = 0;
  for (const char* side : {"left", "right"}) {
    const face::Part& sclera = model.part(std::string("sclera_") + side);
    const face::Part& iris = model.part(std::string("iris_") + side);
    std::vector<std::array<double, 3>> shell;
    for (int v = sclera.vertex_begin; v < sclera.vertex_end; ++v) shell.push_back({pos[v][0], pos[v][1], pos[v][2]});
    const auto c = sphere_centre(shell);
    std::array<double, 3> disk{0, 0, 0};
    int disk_count = 0;
    auto uv_radius = [&](int v) {
      return std::hypot(vertex_u[static_cast<std::size_t>(v)] - 0.5, vertex_v[static_cast<std::size_t>(v)] - 0.5);
    };
    for (int v = iris.vertex_begin; v < iris.vertex_end; ++v)
      if (uv_radius(v) < 0.47) {
        for (int k = 0; k < 3; ++k) disk[static_cast<std::size_t>(k)] += pos[v][k];
        ++disk_count;
      }
    std::array<double, 3> axis{0, 0, 1};
    if (disk_count) {
      for (int k = 0; k < 3; ++k) axis[static_cast<std::size_t>(k)] = disk[static_cast<std::size_t>(k)] / disk_count - c[static_cast<std::size_t>(k)];
      const double len = std::sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
      for (double& a : axis) a /= len;
    }
    auto angle = [&](int v) {
      const double e[3] = {pos[v][0] - c[0], pos[v][1] - c[1], pos[v][2] - c[2]};
      const double len = std::sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]);
      return std::acos(std::clamp((e[0] * axis[0] + e[1] * axis[1] + e[2] * axis[2]) / std::max(len, 1e-9), -1.0, 1.0));
    };
    for (int v = sclera.vertex_begin; v < sclera.vertex_end; ++v) theta[static_cast<std::size_t>(v)] = static_cast<float>(angle(v));
    for (int v = iris.vertex_begin; v < iris.vertex_end; ++v) {
      theta[static_cast<std::size_t>(v)] = static_cast<float>(angle(v));
      if (uv_radius(v) < 0.47) limbus = std::max(limbus, angle(v));
      if (uv_radius(v) < 0.1) {
        pupil += angle(v);
        ++pupil_count;
      }
    }
  }
  if (limbus <= 0.0) limbus = 30.0 * kPi / 180.0;
  pupil = pupil_count ? pupil / pupil_count : 0.3 * limbus;

  // The outer shell's raster alone: where it covers a texel, the cornea/sclera is what shows.
  face::Topology shell_only = without_materials(topo, {"M_IrisLeft", "M_IrisRight"});
  face::UvRaster shell = face::rasterize_uv(shell_only, d.tile, res, {face::MaterialKind::Eye});
  at::Tensor theta_t = at::from_blob(theta.data(), {model.vertex_count(), 1}, at::kFloat).clone();
  at::Tensor baked = face::bake_vertex_attribute(shell, topo, theta_t).reshape({-1}).contiguous();
  at::Tensor covered = shell.coverage().reshape({-1}).contiguous();
  const float* th = baked.data_ptr<float>();
  const bool* cov = covered.data_ptr<bool>();

  FieldSet f;
  const std::size_t n = d.size();
  f.size = n;
  auto& s = f.scalar["eye.s"];
  auto& on_shell = f.scalar["eye.sclera"];
  auto& fibres = f.scalar["eye.fibres"];
  auto& crypts = f.scalar["eye.crypts"];
  auto& collarette = f.scalar["eye.collarette"];
  auto& veins = f.scalar["eye.veins"];
  f.scalar["eye.pupil"].assign(n, static_cast<float>(pupil / limbus));
  for (auto* v : {&s, &on_shell, &fibres, &crypts, &collarette, &veins}) v->assign(n, 0.0f);
  Rng rng(stream_key(seed, "iris"));
  std::vector<std::array<double, 4>> waves(28);
  for (auto& w : waves) w = {std::floor(rng.uniform(18, 110)), rng.uniform(0, 2 * kPi), rng.uniform(-4, 4), rng.uniform(0.4, 1.0)};
  const std::uint64_t crypt_seed = stream_key(seed, "crypts"), vein_seed = stream_key(seed, "veins");
  for (std::size_t r = 0; r < n; ++r) {
    const std::int64_t t = d.texels[r];
    const double u = (static_cast<double>(t % res) + 0.5) / res - 0.5;
    const double v = 0.5 - (static_cast<double>(t / res) + 0.5) / res;
    const double phi = std::atan2(v, u);
    const float radius = cov[t] ? static_cast<float>(th[t] / limbus) : 3.0f;
    s[r] = radius;
    on_shell[r] = cov[t] ? 1.0f : 0.0f;
    double sum = 0, norm = 0;
    for (const auto& w : waves) {
      sum += w[3] * std::cos(w[0] * phi + w[1] + w[2] * radius);
      norm += w[3];
    }
    fibres[r] = static_cast<float>(1.6 * sum / norm);
    const float q[3] = {static_cast<float>(radius * std::cos(phi) * 7.0), static_cast<float>(radius * std::sin(phi) * 7.0), 0.0f};
    crypts[r] = smoothstep(0.15f, 0.55f, value_noise(q, 1.0f, crypt_seed)) * smoothstep(0.35f, 0.5f, radius) *
                (1 - smoothstep(0.85f, 0.95f, radius));
    collarette[r] = std::exp(-std::pow((radius - 0.45f) / 0.07f, 2.0f));
    const float qv[3] = {static_cast<float>(std::cos(phi) * 2.5), static_cast<float>(std::sin(phi) * 2.5), radius * 0.9f};
    const float vn = value_noise(qv, 0.35f, vein_seed);
    veins[r] = std::exp(-vn * vn / 0.004f) * smoothstep(1.4f, 2.6f, radius);
  }
  return f;
}

FieldSet build_part_fields(const TexelDomain& d, std::uint64_t seed) {
  FieldSet f;
  const std::size_t n = d.size();
  f.size = n;
  std::vector<float> z(n);
  for (std::size_t i = 0; i < n; ++i) z[i] = d.position[3 * i + 2];
  std::vector<float> sorted = z;
  std::sort(sorted.begin(), sorted.end());
  const float lo = n ? sorted[n / 20] : 0.0f, hi = n ? sorted[n - 1 - n / 50] : 1.0f;
  auto& front = f.scalar["part.front"];
  front.resize(n);
  for (std::size_t i = 0; i < n; ++i) front[i] = smoothstep(lo, hi, z[i]);
  f.scalar["noise.part"] = fbm(d.position, 0.3f, 2, 0.0f, stream_key(seed, "part" + std::to_string(d.tile)));
  return f;
}

}  // namespace likeness::appearance::detail
