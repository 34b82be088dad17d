// The kernels' shortcuts (engine/raster/fast_paths.h) against the long way, bit for bit: on the
// scene table, on dense random sub-pixel triangles and on the ICT head in several views. The
// antialias shortcut is checked on its outputs and on both gradients.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "engine/face/face_model.h"
#include "engine/raster/antialias_params.h"
#include "engine/raster/camera.h"
#include "engine/raster/fast_paths.h"
#include "engine/raster/raster.h"
#include "tests/raster/scenes.h"
#include "tests/raster/test_support.h"

namespace likeness::raster::test {
namespace {

/// Runs `fn` with a shortcut switched off, restoring it afterwards.
template <typename F>
auto without(cpu::FastPath path, F&& fn) {
  struct Restore {
    cpu::FastPath path;
    ~Restore() { cpu::set_fast_path_enabled(path, true); }
  } restore{path};
  cpu::set_fast_path_enabled(path, false);
  return fn();
}

struct ClipScene {
  std::string name;
  at::Tensor pos, triangles;
  int height, width;
};

std::vector<ClipScene> clip_scenes() {
  std::vector<ClipScene> out;
  for (const Scene& s : op_scenes()) out.push_back({s.name, s.pos, s.triangles, s.height, s.width});
  // Dense clouds of small triangles: most bounds hold one to four pixel centres.
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const Mesh m = random_clip_triangles(3000, 0.02 * double(seed), seed);
    out.push_back({"small" + std::to_string(seed), m.positions, m.triangles, 40 + int(seed) * 7, 48});
  }
  return out;
}

struct HeadViews {
  at::Tensor clip, triangles;
};

const HeadViews& head_views() {
  static const HeadViews h = [] {
    HeadViews v;
    const auto model = face::FaceModel::load_default();
    const at::Tensor verts = model->neutral();
    v.triangles = model->topology().triangles.to(at::kInt);
    const at::Tensor centre = (std::get<0>(verts.min(0)) + std::get<0>(verts.max(0))) / 2;
    std::vector<OrbitCamera> cams;
    for (double yaw : {0.0, 45.0, -70.0, 180.0}) {
      OrbitCamera c;
      c.yaw_deg = yaw;
      c.pitch_deg = yaw == 45.0 ? -15.0 : 5.0;
      c.distance_cm = 110;
      c.fov_y_deg = 20;
      c.target = {centre[0].item<double>(), centre[1].item<double>(), centre[2].item<double>()};
      cams.push_back(c);
    }
    v.clip = transform_clip(verts, orbit_cameras(cams).clip).contiguous();
    return v;
  }();
  return h;
}

void expect_same_raster(const at::Tensor& pos, const at::Tensor& tris, int h, int w, const std::string& name) {
  const RasterizeOutput fast = rasterize(pos, tris, h, w, true);
  const RasterizeOutput slow =
      without(cpu::FastPath::SmallTriangleCoverage, [&] { return rasterize(pos, tris, h, w, true); });
  EXPECT_TRUE(at::equal(fast.rast, slow.rast)) << name;
  EXPECT_TRUE(at::equal(fast.rast_db, slow.rast_db)) << name;
}

TEST(FastPaths, SmallTriangleCoverageEqualsTheTilePassOnScenes) {
  for (const ClipScene& s : clip_scenes()) {
    expect_same_raster(s.pos, s.triangles, s.height, s.width, s.name);
    expect_same_raster(s.pos.to(at::kFloat), s.triangles, s.height, s.width, s.name + " float");
  }
}

TEST(FastPaths, SmallTriangleCoverageEqualsTheTilePassOnTheHead) {
  const HeadViews& h = head_views();
  for (int size : {64, 256, 700}) expect_same_raster(h.clip, h.triangles, size, size, std::to_string(size));
}

/// A large triangle and tiny ones (each around one pixel centre) in the plane z/w = 0 seen
/// head-on, with dyadic coordinates so every depth is exactly 0: at equal depths the lower
/// triangle index must win, whether the tiny ones come before or after the large one (they are
/// one-centre points, binned apart from the large triangle's primitive).
TEST(FastPaths, EqualDepthsGoToTheLowerTriangleIndex) {
  const int size = 16;
  for (bool tiny_first : {false, true}) {
    std::vector<double> v;
    std::vector<std::int32_t> t;
    auto add = [&](double x0, double y0, double x1, double y1, double x2, double y2) {
      const std::int32_t base = static_cast<std::int32_t>(v.size() / 2);
      for (double c : {x0, y0, x1, y1, x2, y2}) v.push_back(c);  // (x, y) per vertex
      t.insert(t.end(), {base, base + 1, base + 2});
    };
    auto big = [&] { add(-0.9375, -0.9375, 0.9375, -0.9375, -0.9375, 0.9375); };
    auto tiny = [&] {
      for (int k = 0; k < 4; ++k) {
        // Around the centre of pixel (2 + k, 3): NDC (2 * (px + 0.5) / size - 1).
        const double cx = 2.0 * (2 + k + 0.5) / size - 1.0, cy = 2.0 * (3 + 0.5) / size - 1.0, d = 1.0 / 64;
        add(cx - d, cy - d, cx + 2 * d, cy - d, cx - d, cy + 2 * d);
      }
    };
    if (tiny_first) {
      tiny();
      big();
    } else {
      big();
      tiny();
    }
    // Clip (x, y, 0, 1): z/w = 0 everywhere, exactly.
    at::Tensor pos = at::zeros({1, static_cast<int64_t>(v.size() / 2), 4}, at::kDouble);
    for (int64_t i = 0; i < pos.size(1); ++i) {
      pos[0][i][0] = v[std::size_t(i) * 2];
      pos[0][i][1] = v[std::size_t(i) * 2 + 1];
      pos[0][i][3] = 1.0;
    }
    const at::Tensor tris = at::tensor(t, at::kInt).reshape({-1, 3});
    const at::Tensor rast = rasterize(pos, tris, size, size).rast;
    const at::Tensor slow = without(cpu::FastPath::SmallTriangleCoverage, [&] { return rasterize(pos, tris, size, size).rast; });
    EXPECT_TRUE(at::equal(rast, slow)) << "tiny first " << tiny_first;
    for (int k = 0; k < 4; ++k) {
      const int id = static_cast<int>(rast[0][3][2 + k][3].item<double>());
      EXPECT_EQ(id, tiny_first ? k + 1 : 1) << "pixel " << k << ", tiny first " << tiny_first;
    }
  }
}

/// Antialias with and without the silhouette mask: the same image, colour gradient and position
/// gradient, bit for bit. The colour is random so every blend shows. Returns whether anything
/// blended (the comparison means something only then).
bool expect_same_antialias(const at::Tensor& pos, const at::Tensor& tris, int h, int w, const std::string& name) {
  const at::Tensor rast = rasterize(pos, tris, h, w).rast;
  const int64_t views = pos.dim() == 3 ? pos.size(0) : 1;
  at::manual_seed(7);
  const at::Tensor color = at::rand({views, h, w, 3}, pos.options());
  const at::Tensor weights = at::rand({views, h, w, 3}, pos.options());
  const auto topology = AntialiasTopology::build(tris, static_cast<int>(pos.size(-2)));
  auto run = [&] {
    const at::Tensor c = color.clone().requires_grad_(true), p = pos.clone().requires_grad_(true);
    const at::Tensor out = antialias(c, rast, p, tris, topology);
    (out * weights).sum().backward();
    return std::array<at::Tensor, 3>{out.detach(), c.grad(), p.grad()};
  };
  const auto fast = run();
  const auto slow = without(cpu::FastPath::SilhouetteMask, run);
  EXPECT_TRUE(at::equal(fast[0], slow[0])) << name << ": image";
  EXPECT_TRUE(at::equal(fast[1], slow[1])) << name << ": colour gradient";
  EXPECT_TRUE(at::equal(fast[2], slow[2])) << name << ": position gradient";
  return !at::equal(fast[0], color);
}

TEST(FastPaths, SilhouetteMaskEqualsWalkingEveryPairOnScenes) {
  int blended = 0, total = 0;
  for (const ClipScene& s : clip_scenes()) {
    blended += expect_same_antialias(s.pos, s.triangles, s.height, s.width, s.name);
    blended += expect_same_antialias(s.pos.to(at::kFloat), s.triangles, s.height, s.width, s.name + " float");
    total += 2;
  }
  EXPECT_GE(blended, total - 2) << "scenes where something blended";
}

/// A book of `pages` triangles fanned around one shared spine edge (a non-manifold edge, taken
/// triangle edge by triangle edge), next to an open grid (boundary edges) folded over so part of
/// it faces away.
Mesh book_and_fold(int pages) {
  std::vector<double> v = {0.0, -0.6, 0.0, 0.0, 0.6, 0.0};
  std::vector<std::int32_t> t;
  for (int i = 0; i < pages; ++i) {
    const double a = 2.0 * 3.14159265358979 * (i + 0.3) / pages;
    v.insert(v.end(), {0.7 * std::cos(a), 0.1 * i - 0.2, 0.7 * std::sin(a)});
    t.insert(t.end(), {0, 1, 2 + i});
  }
  const Mesh g = grid(6);
  const std::int32_t base = static_cast<std::int32_t>(v.size() / 3);
  const at::Tensor gp = g.positions.to(at::kDouble).contiguous();
  for (int64_t i = 0; i < gp.size(0); ++i) {
    const double x = gp[i][0].item<double>(), y = gp[i][1].item<double>();
    // Folded along x = 0.2: the part beyond swings back over the rest.
    const double fx = x < 0.2 ? x : 0.2 - 0.8 * (x - 0.2), fz = x < 0.2 ? 0.0 : 0.5 * (x - 0.2);
    v.insert(v.end(), {0.5 * fx + 0.9, 0.5 * y, fz});
  }
  const at::Tensor gt = g.triangles.to(at::kInt).contiguous();
  for (int64_t i = 0; i < gt.numel(); ++i) t.push_back(base + gt.data_ptr<std::int32_t>()[i]);
  Mesh m;
  m.positions = at::tensor(v, at::kDouble).reshape({-1, 3});
  m.triangles = at::tensor(t, at::kInt).reshape({-1, 3});
  return m;
}

TEST(FastPaths, SilhouetteMaskEqualsWalkingEveryPairOnNonManifoldEdges) {
  const Mesh m = book_and_fold(5);
  const auto topology = AntialiasTopology::build(m.triangles);
  EXPECT_EQ(topology->edges().irregular.size(), 5u) << "the spine, once per page";
  int blended = 0;
  for (double yaw : {10.0, 70.0, 160.0, 250.0}) {
    const at::Tensor pos = clip_of(m.positions, yaw, 20.0, 3.0);
    blended += expect_same_antialias(pos, m.triangles, 48, 64, "yaw " + std::to_string(yaw));
    blended += expect_same_antialias(pos.to(at::kFloat), m.triangles, 48, 64, "float yaw " + std::to_string(yaw));
  }
  EXPECT_EQ(blended, 8);
}

/// Orientation of r about the line p -> q (twice the signed area).
double orient(double px, double py, double qx, double qy, double rx, double ry) {
  return (qx - px) * (ry - py) - (qy - py) * (rx - px);
}

/// Distance from point r to segment p q.
double point_segment(double rx, double ry, double px, double py, double qx, double qy) {
  const double dx = qx - px, dy = qy - py, len2 = dx * dx + dy * dy;
  const double s = len2 > 0.0 ? std::clamp(((rx - px) * dx + (ry - py) * dy) / len2, 0.0, 1.0) : 0.0;
  return std::hypot(rx - (px + s * dx), ry - (py + s * dy));
}

/// The silhouette mask of the kernel against its definition, triangle edge by triangle edge: an
/// edge is potential when its triangle has a facing and no other triangle shares the edge or one
/// of them faces differently. Every neighbour pair whose centre segment a potential edge crosses
/// (properly) must be marked, and every marked pair must lie within 0.01 px of one that is not
/// parallel to it.
void expect_mask_as_defined(const at::Tensor& pos_in, const at::Tensor& tris_in, int h, int w, const std::string& name) {
  const at::Tensor pos = (pos_in.dim() == 2 ? pos_in.unsqueeze(0) : pos_in).to(at::kDouble).contiguous();
  const at::Tensor tris = tris_in.to(at::kInt).contiguous();
  const int views = static_cast<int>(pos.size(0)), vertex_count = static_cast<int>(pos.size(1));
  const int triangle_count = static_cast<int>(tris.size(0));
  const at::Tensor rast = rasterize(pos, tris, h, w).rast;
  const at::Tensor color = at::zeros({views, h, w, 1}, at::kDouble), out = at::empty_like(color);
  const auto topology = AntialiasTopology::build(tris, vertex_count);
  AntialiasWork work;
  AntialiasParams<double> p;
  p.color = color.data_ptr<double>();
  p.channels = 1;
  p.rast = rast.data_ptr<double>();
  p.pos = pos.data_ptr<double>();
  p.pos_view_stride = std::int64_t(vertex_count) * 4;
  p.vertex_count = vertex_count;
  p.triangles = tris.data_ptr<std::int32_t>();
  p.triangle_count = triangle_count;
  p.topology = &topology->edges();
  p.views = views;
  p.height = h;
  p.width = w;
  p.out = out.data_ptr<double>();
  p.work = &work;
  antialias_forward_cpu(p);
  ASSERT_EQ(work.near_silhouette.size(), std::size_t(views) * 2 * h * w) << name;

  const std::int32_t* t = p.triangles;
  const EdgeTopology& topo = topology->edges();
  std::vector<unsigned char> must(work.near_silhouette.size(), 0), may(work.near_silhouette.size(), 0);
  int marked_edges = 0;
  for (int view = 0; view < views; ++view) {
    std::vector<double> sx(vertex_count), sy(vertex_count);
    std::vector<bool> ok(vertex_count);
    for (int v = 0; v < vertex_count; ++v) {
      const double* c = p.pos + p.pos_view_stride * view + std::int64_t(v) * 4;
      sx[v] = (c[0] / c[3] * 0.5 + 0.5) * w;
      sy[v] = (c[1] / c[3] * 0.5 + 0.5) * h;
      ok[v] = c[3] > 0.0 && std::isfinite(sx[v]) && std::isfinite(sy[v]);
    }
    auto facing = [&](int tri) {
      const std::int32_t* k = t + std::int64_t(tri) * 3;
      if (!ok[k[0]] || !ok[k[1]] || !ok[k[2]]) return 0;
      const double area = (sx[k[1]] - sx[k[0]]) * (sy[k[2]] - sy[k[0]]) - (sx[k[2]] - sx[k[0]]) * (sy[k[1]] - sy[k[0]]);
      return area > 0.0 ? 1 : (area < 0.0 ? -1 : 0);
    };
    for (int tri = 0; tri < triangle_count; ++tri) {
      const int f = facing(tri);
      if (f == 0) continue;
      for (int e = 0; e < 3; ++e) {
        const std::int64_t te = std::int64_t(tri) * 3 + e;
        bool potential = topo.begin[te] == topo.begin[te + 1];
        for (std::int32_t o = topo.begin[te]; o < topo.begin[te + 1]; ++o) potential |= facing(topo.others[o]) != f;
        if (!potential) continue;
        ++marked_edges;
        const int a = t[te / 3 * 3 + e], b = t[te / 3 * 3 + (e + 1) % 3];
        const double ax = sx[a], ay = sy[a], bx = sx[b], by = sy[b];
        if (!std::isfinite(ax + ay + bx + by)) continue;
        // Pairs farther than a pixel from the edge's bounds cannot come within 0.01 px of it.
        auto bound = [](double v, int n) { return static_cast<int>(std::clamp(v, 0.0, double(n - 1))); };
        const int ylo = bound(std::floor(std::min(ay, by)) - 2, h), yhi = bound(std::ceil(std::max(ay, by)) + 2, h);
        const int xlo = bound(std::floor(std::min(ax, bx)) - 2, w), xhi = bound(std::ceil(std::max(ax, bx)) + 2, w);
        for (int plane = 0; plane < 2; ++plane)
          for (int y = ylo; y <= std::min(yhi, h - 1 - plane); ++y)
            for (int x = xlo; x <= std::min(xhi, w - 2 + plane); ++x) {
              // The pair's centre segment: to the right (plane 0) or upward (plane 1).
              const double px = x + 0.5, py = y + 0.5, qx = px + (plane == 0), qy = py + (plane == 1);
              const std::size_t i = ((std::size_t(view) * 2 + plane) * h + y) * w + x;
              const bool parallel = plane == 0 ? ay == by : ax == bx;
              const double o1 = orient(px, py, qx, qy, ax, ay), o2 = orient(px, py, qx, qy, bx, by);
              const double o3 = orient(ax, ay, bx, by, px, py), o4 = orient(ax, ay, bx, by, qx, qy);
              if (o1 * o2 < 0.0 && o3 * o4 < 0.0) must[i] = 1;
              const double d = std::min({point_segment(ax, ay, px, py, qx, qy), point_segment(bx, by, px, py, qx, qy),
                                         point_segment(px, py, ax, ay, bx, by), point_segment(qx, qy, ax, ay, bx, by)});
              // Beyond 1e6 px the kernel marks the pairs of the edge's bounds instead.
              const bool far_out = std::max({std::fabs(ax), std::fabs(ay), std::fabs(bx), std::fabs(by)}) > 1e6;
              const bool in_bounds = std::max(px, std::min(ax, bx)) <= std::min(qx, std::max(ax, bx)) + 0.01 &&
                                     std::max(py, std::min(ay, by)) <= std::min(qy, std::max(ay, by)) + 0.01;
              if (!parallel && (must[i] || d <= 0.01 || (far_out && in_bounds))) may[i] = 1;
            }
      }
    }
  }
  EXPECT_GT(marked_edges, 0) << name;
  int missing = 0, loose = 0, marked = 0;
  for (std::size_t i = 0; i < must.size(); ++i) {
    marked += work.near_silhouette[i] != 0;
    missing += must[i] && !work.near_silhouette[i];
    loose += work.near_silhouette[i] && !may[i];
  }
  EXPECT_GT(marked, 0) << name;
  EXPECT_EQ(missing, 0) << name << ": pairs a potential edge crosses, not marked";
  EXPECT_EQ(loose, 0) << name << ": marked pairs no potential edge comes near";
}

/// Clip positions [1, 5, 4] and triangles of a tetrahedron A B C D, seen so that its outline is
/// A C B D and the diagonal AB faces the camera, with a fin A B E whose corner E lies behind the
/// eye. AB is shared by three triangles, and only the fin (no facing, so it marks nothing
/// itself) makes it a potential silhouette: the pairs across AB are marked by AB alone.
Mesh tetra_with_hidden_fin() {
  Mesh m;
  m.positions = at::tensor({-0.6, -0.12, 0.0, 1.0, 0.6, 0.12, 0.0, 1.0, -0.3, 0.6, 0.5, 1.0, 0.3, -0.6, 0.5, 1.0,
                            0.0, 0.0, 0.0, -1.0},
                           at::kDouble)
                    .reshape({1, 5, 4});
  m.triangles = at::tensor({0, 1, 2, 0, 3, 1, 0, 2, 3, 1, 3, 2, 0, 1, 4}, at::kInt).reshape({5, 3});
  return m;
}

/// An open fan of triangles around a corner just in front of the eye (w = 1e-9): its screen
/// position is some 1e8 px out, where the mask marks an edge's whole bounds.
Mesh fan_from_the_eye() {
  std::vector<double> v = {0.3, 0.2, 0.0, 1e-9};
  std::vector<std::int32_t> t;
  for (int i = 0; i < 5; ++i) {
    const double a = 0.4 + 0.5 * i;
    v.insert(v.end(), {0.6 * std::cos(a), 0.6 * std::sin(a), 0.0, 1.0});
    if (i > 0) t.insert(t.end(), {0, i, i + 1});
  }
  Mesh m;
  m.positions = at::tensor(v, at::kDouble).reshape({1, -1, 4});
  m.triangles = at::tensor(t, at::kInt).reshape({-1, 3});
  return m;
}

TEST(FastPaths, SilhouetteMaskMarksWhatItsDefinitionMarks) {
  const Mesh fan = fan_from_the_eye();
  expect_mask_as_defined(fan.positions, fan.triangles, 40, 48, "fan from the eye");
  EXPECT_TRUE(expect_same_antialias(fan.positions, fan.triangles, 40, 48, "fan from the eye"));
  const Mesh tetra = tetra_with_hidden_fin();
  EXPECT_EQ(AntialiasTopology::build(tetra.triangles)->edges().irregular.size(), 3u);
  expect_mask_as_defined(tetra.positions, tetra.triangles, 48, 64, "tetra with a hidden fin");
  const Mesh book = book_and_fold(5);
  for (double yaw : {10.0, 70.0, 160.0, 250.0})
    expect_mask_as_defined(clip_of(book.positions, yaw, 20.0, 3.0), book.triangles, 48, 64, "book");
  for (const ClipScene& s : clip_scenes()) expect_mask_as_defined(s.pos, s.triangles, s.height, s.width, s.name);
  const HeadViews& head = head_views();
  expect_mask_as_defined(head.clip, head.triangles, 128, 128, "head");
}

TEST(FastPaths, SilhouetteMaskEqualsWalkingEveryPairOnTheHead) {
  const HeadViews& h = head_views();
  for (int size : {64, 256, 700})
    EXPECT_TRUE(expect_same_antialias(h.clip, h.triangles, size, size, std::to_string(size))) << size;
}

}  // namespace
}  // namespace likeness::raster::test
