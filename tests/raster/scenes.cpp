#include "tests/raster/scenes.h"

#include <torch/torch.h>

#include <random>

#include "engine/raster/camera.h"
#include "tests/raster/test_support.h"

namespace likeness::raster::test {
namespace {

/// Random triangles in eye space (camera at the origin looking down -z), projected with a
/// perspective of the given near/far; points may lie behind the camera.
Scene eye_space_triangles(const std::string& name, int count, double z_near_side, double z_far_side, double near_cm,
                          double far_cm, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> xy(-1.5, 1.5), z(z_far_side, z_near_side), jitter(-0.8, 0.8);
  at::Tensor eye = at::empty({count * 3, 3}, at::kDouble);
  auto e = eye.accessor<double, 2>();
  for (int i = 0; i < count; ++i) {
    const double cx = xy(rng), cy = xy(rng), cz = z(rng);
    for (int k = 0; k < 3; ++k) {
      e[i * 3 + k][0] = cx + jitter(rng);
      e[i * 3 + k][1] = cy + jitter(rng);
      e[i * 3 + k][2] = cz + 2.0 * jitter(rng);
    }
  }
  const at::Tensor proj = perspective(60.0, 1.0, near_cm, far_cm, at::kDouble);
  Scene s;
  s.name = name;
  s.pos = transform_clip(eye, proj);
  s.triangles = at::arange(count * 3, at::kLong).reshape({count, 3});
  s.height = 40;
  s.width = 36;
  return s;
}

}  // namespace

std::vector<Scene> op_scenes() {
  std::vector<Scene> scenes;
  {
    Mesh m = random_clip_triangles(40, 0.9, 7);
    scenes.push_back({"random_overlapping", m.positions, m.triangles, 40, 48});
  }
  {
    Mesh m = icosphere(2);
    scenes.push_back({"icosphere_perspective", clip_of(m.positions, 30, 10, 3.0), m.triangles, 64, 64});
  }
  scenes.push_back(eye_space_triangles("near_and_eye_plane", 30, 1.0, -3.0, 0.5, 100.0, 11));
  scenes.push_back(eye_space_triangles("far_plane", 30, -6.0, -12.0, 0.5, 9.0, 13));
  {
    Mesh m = icosphere(4);
    scenes.push_back({"subpixel_triangles", clip_of(m.positions, 0, 0, 6.0), m.triangles, 32, 32});
  }
  {
    Mesh m = icosphere(1);
    const at::Tensor views = at::cat({clip_of(m.positions, 0, 0, 3.0), clip_of(m.positions, 60, 20, 2.5),
                                      clip_of(m.positions, -120, -30, 4.0)});
    scenes.push_back({"three_views", views, m.triangles, 24, 40});
  }
  return scenes;
}

}  // namespace likeness::raster::test
