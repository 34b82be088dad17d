// The kernels' shortcuts (engine/raster/fast_paths.h) against the long way, bit for bit: on the
// scene table, on dense random sub-pixel triangles and on the ICT head in several views. The
// antialias shortcut is checked on its outputs and on both gradients.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <array>

#include "engine/face/face_model.h"
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

TEST(FastPaths, SilhouetteMaskEqualsWalkingEveryPairOnTheHead) {
  const HeadViews& h = head_views();
  for (int size : {64, 256, 700})
    EXPECT_TRUE(expect_same_antialias(h.clip, h.triangles, size, size, std::to_string(size))) << size;
}

}  // namespace
}  // namespace likeness::raster::test
