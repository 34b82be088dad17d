// The kernels' shortcuts (engine/raster/fast_paths.h) against the long way, bit for bit: on the
// scene table, on dense random sub-pixel triangles and on the ICT head in several views.
#include <gtest/gtest.h>
#include <torch/torch.h>

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

}  // namespace
}  // namespace likeness::raster::test
