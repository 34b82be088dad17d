// The kernels compiled for each instruction set (engine/raster/cpu_isa.h) against the baseline
// build, bit for bit: every op forward and backward, on the scene table (double and float), on
// dense random sub-pixel triangles, with odd texture sizes and UDIM tiles, and on the ICT head.
// Also the level selection itself: names, the environment variable's errors, set_isa's checks.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/face/face_model.h"
#include "engine/raster/camera.h"
#include "engine/raster/cpu_isa.h"
#include "engine/raster/raster.h"
#include "engine/raster/shading.h"
#include "tests/raster/scenes.h"
#include "tests/raster/test_support.h"

namespace likeness::raster::test {
namespace {

/// Restores the automatic choice when a test ends, however it ends.
struct IsaGuard {
  ~IsaGuard() { cpu::reset_isa(); }
};

struct Case {
  std::string name;
  at::Tensor pos;        ///< [B, V, 4] clip positions
  at::Tensor triangles;  ///< [T, 3]
  int height, width;
  int tex_size;          ///< texture side (odd sizes take the general mip path)
  int tiles;
};

/// Everything the ops compute for one case, forward and backward: rasterize (with derivatives),
/// interpolate (uv with derivatives, and positions), texture in every filter with wrap and clamp,
/// shading, antialias, then gradients of a weighted sum to positions, attributes and textures.
std::vector<at::Tensor> run_all_ops(const Case& c) {
  at::manual_seed(11);
  const at::ScalarType dtype = c.pos.scalar_type();
  const auto opts = c.pos.options();
  const int64_t vertices = c.pos.size(1);
  const at::Tensor pos = c.pos.clone().requires_grad_(true);
  const at::Tensor uv_attr = (at::rand({vertices, 2}, opts) * at::tensor({double(c.tiles), 1.0}, opts)).requires_grad_(true);
  const at::Tensor tex = at::rand({c.tiles, c.tex_size, c.tex_size, 3}, opts).requires_grad_(true);
  const at::Tensor light = default_sh_lighting(dtype);

  const RasterizeOutput r = rasterize(pos, c.triangles, c.height, c.width, true);
  InterpolateOptions uv_opts;
  uv_opts.rast_db = r.rast_db;
  uv_opts.diff_all = true;
  const InterpolateOutput uv = interpolate(uv_attr, r.rast, c.triangles, uv_opts);
  // Per-view attributes (positions), as a stand-in for normals.
  const at::Tensor normals = interpolate(pos.narrow(2, 0, 3) + 1.0, r.rast, c.triangles).out;
  std::vector<at::Tensor> images = {r.rast, r.rast_db, uv.out, uv.out_da, normals};
  at::Tensor loss = at::zeros({}, opts);
  int k = 0;
  for (TextureFilter filter : {TextureFilter::Nearest, TextureFilter::Linear, TextureFilter::LinearMipmapNearest,
                               TextureFilter::LinearMipmapLinear})
    for (TextureBoundary boundary : {TextureBoundary::Wrap, TextureBoundary::Clamp, TextureBoundary::Zero}) {
      TextureOptions t;
      t.filter = filter;
      t.boundary = boundary;
      t.uv_da = uv.out_da;
      const at::Tensor sampled = texture(tex, uv.out, t);
      images.push_back(sampled);
      loss = loss + (sampled * loss_weights(sampled, 100 + k++)).sum();
    }
  TextureOptions trilinear;
  trilinear.filter = TextureFilter::LinearMipmapLinear;
  trilinear.boundary = TextureBoundary::Clamp;
  trilinear.uv_da = uv.out_da;
  const at::Tensor albedo = texture(tex, uv.out, trilinear);
  const at::Tensor shaded = shade_sh(albedo, normals, light, r.rast);
  const at::Tensor color = antialias(shaded, r.rast, pos, c.triangles);
  images.push_back(shaded);
  images.push_back(color);
  loss = loss + (color * loss_weights(color, 7)).sum() + (normals * loss_weights(normals, 8)).sum();
  loss.backward();
  std::vector<at::Tensor> out;
  for (const at::Tensor& image : images) out.push_back(image.detach().clone());
  out.push_back(pos.grad().clone());
  out.push_back(uv_attr.grad().clone());
  out.push_back(tex.grad().clone());
  return out;
}

std::vector<Case> cases() {
  std::vector<Case> out;
  int i = 0;
  for (const Scene& s : op_scenes()) {
    const int tex = (i % 2) ? 37 : 32, tiles = 1 + i % 3;
    out.push_back({s.name, s.pos, s.triangles, s.height, s.width, tex, tiles});
    out.push_back({s.name + " float", s.pos.to(at::kFloat), s.triangles, s.height, s.width, tex, tiles});
    ++i;
  }
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const Mesh m = random_clip_triangles(2000, 0.03 * double(seed), seed);
    out.push_back({"small" + std::to_string(seed), m.positions.to(at::kFloat), m.triangles,
                   41 + int(seed) * 7, 48, 64, 2});
  }
  return out;
}

void expect_all_levels_equal(const Case& c) {
  IsaGuard guard;
  cpu::set_isa(cpu::Isa::Generic);
  const std::vector<at::Tensor> baseline = run_all_ops(c);
  for (cpu::Isa isa : cpu::available_isas()) {
    if (isa == cpu::Isa::Generic) continue;
    cpu::set_isa(isa);
    const std::vector<at::Tensor> got = run_all_ops(c);
    ASSERT_EQ(got.size(), baseline.size());
    for (std::size_t k = 0; k < got.size(); ++k)
      EXPECT_TRUE(at::equal(got[k], baseline[k])) << c.name << ": output " << k << " differs at " << cpu::isa_name(isa);
  }
}

TEST(Isa, EveryLevelComputesTheBaselineBitForBitOnScenes) {
  if (cpu::available_isas().size() < 2) GTEST_SKIP() << "only the baseline kernels run on this machine";
  for (const Case& c : cases()) expect_all_levels_equal(c);
}

TEST(Isa, EveryLevelComputesTheBaselineBitForBitOnTheHead) {
  if (cpu::available_isas().size() < 2) GTEST_SKIP() << "only the baseline kernels run on this machine";
  const auto model = face::FaceModel::load_default();
  const at::Tensor verts = model->neutral();
  const at::Tensor centre = (std::get<0>(verts.min(0)) + std::get<0>(verts.max(0))) / 2;
  std::vector<OrbitCamera> cams;
  for (double yaw : {0.0, 60.0, 180.0}) {
    OrbitCamera cam;
    cam.yaw_deg = yaw;
    cam.distance_cm = 110;
    cam.fov_y_deg = 20;
    cam.target = {centre[0].item<double>(), centre[1].item<double>(), centre[2].item<double>()};
    cams.push_back(cam);
  }
  const at::Tensor clip = transform_clip(verts, orbit_cameras(cams).clip).contiguous();
  expect_all_levels_equal({"head", clip, model->topology().triangles.to(at::kInt), 256, 256, 128, 2});
}

TEST(Isa, LevelsAreNamedAndChecked) {
  IsaGuard guard;
  for (cpu::Isa isa : {cpu::Isa::Generic, cpu::Isa::Avx2, cpu::Isa::Avx512})
    EXPECT_EQ(cpu::parse_isa(cpu::isa_name(isa)), isa);
  try {
    cpu::parse_isa("sse9");
    ADD_FAILURE() << "an unknown name was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'sse9'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("avx2"), std::string::npos) << e.what();
  }
  const std::vector<cpu::Isa> levels = cpu::available_isas();
  ASSERT_FALSE(levels.empty());
  EXPECT_EQ(levels.front(), cpu::Isa::Generic);
  for (cpu::Isa isa : levels) {
    cpu::set_isa(isa);
    EXPECT_EQ(cpu::isa(), isa);
    // The entry points reach the code compiled for that level.
    EXPECT_STREQ(cpu::kernel_build(), cpu::isa_name(isa));
  }
  for (cpu::Isa isa : {cpu::Isa::Avx2, cpu::Isa::Avx512}) {
    if (!cpu::isa_available(isa)) {
      EXPECT_THROW(cpu::set_isa(isa), std::invalid_argument);
    }
  }
}

/// LIKENESS_RASTER_ISA: an unknown word is an error that names the variable and the word; a
/// known level is used; unset, the highest available level is.
TEST(Isa, TheEnvironmentVariableSelectsOrNamesTheProblem) {
  IsaGuard guard;
  const char* saved = std::getenv("LIKENESS_RASTER_ISA");
  const std::string saved_value = saved ? saved : "";
  struct RestoreEnv {
    bool had;
    std::string value;
    ~RestoreEnv() {
      if (had)
        setenv("LIKENESS_RASTER_ISA", value.c_str(), 1);
      else
        unsetenv("LIKENESS_RASTER_ISA");
      cpu::reset_isa();
    }
  } restore{saved != nullptr, saved_value};

  setenv("LIKENESS_RASTER_ISA", "avx3", 1);
  cpu::reset_isa();
  try {
    cpu::isa();
    ADD_FAILURE() << "an unknown level was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("LIKENESS_RASTER_ISA"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("avx3"), std::string::npos) << e.what();
  }
  setenv("LIKENESS_RASTER_ISA", "generic", 1);
  cpu::reset_isa();
  EXPECT_EQ(cpu::isa(), cpu::Isa::Generic);
  unsetenv("LIKENESS_RASTER_ISA");
  cpu::reset_isa();
  EXPECT_EQ(cpu::isa(), cpu::available_isas().back());
}

}  // namespace
}  // namespace likeness::raster::test
