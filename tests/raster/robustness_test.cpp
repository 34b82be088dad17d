// Degenerate input: zero-area triangles, triangles behind the camera or through the eye plane,
// non-finite positions, empty views; and clear errors for malformed arguments.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/raster/raster.h"
#include "tests/raster/test_support.h"

namespace likeness::raster::test {
namespace {

struct DegenerateCase {
  std::string name;
  std::vector<double> pos;  // (x, y, z, w) per vertex
  bool expect_coverage;
};

/// Runs all four ops forward and backward; every output and gradient must be finite.
void run_all_ops(const at::Tensor& pos_in, const at::Tensor& tris, int size, at::Tensor* rast_out = nullptr) {
  const at::Tensor pos = pos_in.clone().requires_grad_(true);
  const RasterizeOutput r = rasterize(pos, tris, size, size, true);
  const at::Tensor attr = at::rand({pos.size(-2), 2}, at::kDouble).requires_grad_(true);
  InterpolateOptions io;
  io.rast_db = r.rast_db;
  io.diff_all = true;
  const InterpolateOutput uv = interpolate(attr, r.rast, tris, io);
  TextureOptions to;
  to.filter = TextureFilter::LinearMipmapLinear;
  to.uv_da = uv.out_da;
  const at::Tensor tex = at::rand({8, 8, 3}, at::kDouble).requires_grad_(true);
  const at::Tensor color = texture(tex, uv.out, to);
  const at::Tensor aa = antialias(color, r.rast, pos, tris);
  for (const at::Tensor& t : {r.rast, r.rast_db, uv.out, uv.out_da, color, aa})
    EXPECT_TRUE(at::isfinite(t).all().item<bool>());
  (aa.sum() + r.rast.narrow(3, 0, 3).sum()).backward();
  for (const at::Tensor* t : {&pos, &attr, &tex}) {
    ASSERT_TRUE(t->grad().defined());
    EXPECT_TRUE(at::isfinite(t->grad()).all().item<bool>());
  }
  if (rast_out) *rast_out = r.rast;
}

void PrintTo(const DegenerateCase& c, std::ostream* os) { *os << c.name; }

class Degenerate : public ::testing::TestWithParam<DegenerateCase> {};

TEST_P(Degenerate, FiniteAndCorrectCoverage) {
  const DegenerateCase& c = GetParam();
  const int64_t V = static_cast<int64_t>(c.pos.size() / 4);
  const at::Tensor pos = at::tensor(c.pos, at::kDouble).reshape({1, V, 4});
  const at::Tensor tris = at::arange(V, at::kLong).reshape({V / 3, 3});
  at::Tensor rast;
  run_all_ops(pos, tris, 16, &rast);
  EXPECT_EQ((rast.select(3, 3) > 0).any().item<bool>(), c.expect_coverage) << c.name;
}

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

INSTANTIATE_TEST_SUITE_P(
    Table, Degenerate,
    ::testing::Values(
        DegenerateCase{"one_point", {0.1, 0.1, 0, 1, 0.1, 0.1, 0, 1, 0.1, 0.1, 0, 1}, false},
        DegenerateCase{"collinear", {-0.5, -0.5, 0, 1, 0, 0, 0, 1, 0.5, 0.5, 0, 1}, false},
        DegenerateCase{"two_equal_vertices", {-0.5, -0.5, 0, 1, -0.5, -0.5, 0, 1, 0.5, 0.9, 0, 1}, false},
        // Behind the eye (w < 0): x/w, y/w would land on screen, but nothing may be drawn.
        DegenerateCase{"behind_camera", {0.5, 0.5, 0.5, -1, -0.5, 0.5, 0.5, -1, 0, -0.5, 0.5, -1}, false},
        DegenerateCase{"all_w_zero", {0.5, 0.5, 0, 0, -0.5, 0.5, 0, 0, 0, -0.5, 0, 0}, false},
        DegenerateCase{"one_w_zero", {-0.5, -0.5, 0, 1, 0.5, -0.5, 0, 1, 0.0, 0.5, 0.0, 0.0}, true},
        DegenerateCase{"through_eye_plane", {-0.5, -0.5, 0, 1, 0.5, -0.5, 0, 1, 0.1, 0.5, 0.5, -0.5}, true},
        DegenerateCase{"beyond_far", {-0.5, -0.5, 2, 1, 0.5, -0.5, 2, 1, 0, 0.5, 2, 1}, false},
        DegenerateCase{"nan_vertex", {kNan, 0, 0, 1, 0.5, -0.5, 0, 1, 0, 0.5, 0, 1, -1, -1, 0, 1, 1, -1, 0, 1, 0, 1, 0, 1},
                       true},
        DegenerateCase{"inf_vertex", {kInf, 0, 0, 1, 0.5, -0.5, 0, 1, 0, 0.5, 0, 1}, false},
        DegenerateCase{"huge_coordinates", {-1e30, -1e30, 0, 1, 1e30, -1e30, 0, 1, 0, 1e30, 0, 1}, true},
        DegenerateCase{"outside_the_view", {5, 5, 0, 1, 6, 5, 0, 1, 5, 6, 0, 1}, false}),
    [](const ::testing::TestParamInfo<DegenerateCase>& p) { return p.param.name; });

TEST(EmptyViews, NoTrianglesAndViewsSeeingNothing) {
  // No triangles at all.
  const at::Tensor pos = at::rand({2, 3, 4}, at::kDouble);
  const at::Tensor none = at::zeros({0, 3}, at::kLong);
  const RasterizeOutput r = rasterize(pos, none, 8, 8, true);
  EXPECT_EQ(r.rast.abs().sum().item<double>(), 0.0);
  EXPECT_EQ(r.rast_db.abs().sum().item<double>(), 0.0);
  // Two views: the second looks away from everything.
  Mesh m = icosphere(1);
  const at::Tensor views = at::cat({clip_of(m.positions, 0, 0, 3.0), clip_of(m.positions, 0, 0, 3.0) * -1.0});
  at::Tensor rast;
  run_all_ops(views, m.triangles, 16, &rast);
  EXPECT_GT(rast[0].select(2, 3).gt(0).sum().item<int64_t>(), 0);
  EXPECT_EQ(rast[1].select(2, 3).gt(0).sum().item<int64_t>(), 0);
}

TEST(Errors, MalformedArgumentsNameTheProblem) {
  const at::Tensor pos = at::rand({4, 4});
  const at::Tensor tris = at::tensor({0, 1, 2}, at::kInt).reshape({1, 3});
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no InputError");
  };
  EXPECT_NE(message([&] { rasterize(at::rand({4, 3}), tris, 8, 8); }).find("clip_pos"), std::string::npos);
  EXPECT_NE(message([&] { rasterize(pos, at::tensor({0, 1, 9}, at::kInt).reshape({1, 3}), 8, 8); }).find("9"),
            std::string::npos);
  EXPECT_NE(message([&] { rasterize(pos, at::tensor({0, 1, -1}, at::kLong).reshape({1, 3}), 8, 8); }).find("-1"),
            std::string::npos);
  EXPECT_NE(message([&] { rasterize(pos, tris.to(at::kFloat), 8, 8); }).find("int32 or int64"), std::string::npos);
  EXPECT_NE(message([&] { rasterize(pos.to(at::kHalf), tris, 8, 8); }).find("float32 or float64"), std::string::npos);
  EXPECT_NE(message([&] { rasterize(pos, tris, 0, 8); }).find("image size"), std::string::npos);
  EXPECT_NE(message([&] { rasterize(pos.to(at::kMeta), tris, 8, 8); }).find("device"), std::string::npos);
  const at::Tensor rast = rasterize(pos, tris, 8, 8).rast;
  EXPECT_NE(message([&] { interpolate(at::rand({4, 2}, at::kDouble), rast, tris); }).find("rast"), std::string::npos);
  InterpolateOptions io;
  io.diff_all = true;
  EXPECT_NE(message([&] { interpolate(at::rand({4, 2}), rast, tris, io); }).find("rast_db"), std::string::npos);
  io.diff_all = false;
  io.diff_channels = {5};
  EXPECT_NE(message([&] { interpolate(at::rand({4, 2}), rast, tris, io); }).find("diff_channels"), std::string::npos);
  EXPECT_NE(message([&] { texture(at::rand({4, 4}), at::rand({1, 2, 2, 2})); }).find("tex"), std::string::npos);
  EXPECT_NE(message([&] { texture(at::rand({4, 4, 3}), at::rand({1, 2, 2, 3})); }).find("uv"), std::string::npos);
  TextureOptions to;
  to.filter = TextureFilter::LinearMipmapLinear;
  to.uv_da = at::rand({1, 2, 2, 2});
  EXPECT_NE(message([&] { texture(at::rand({4, 4, 3}), at::rand({1, 2, 2, 2}), to); }).find("uv_da"), std::string::npos);
  EXPECT_NE(message([&] { antialias(at::rand({1, 4, 8, 3}), rast, pos, tris); }).find("color"), std::string::npos);
}

}  // namespace
}  // namespace likeness::raster::test
