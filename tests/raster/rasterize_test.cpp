// rasterize: values against the ray-solve reference, derivatives, gradients against finite
// differences, over the scene table, in float64 and float32.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/raster/raster.h"
#include "tests/raster/reference.h"
#include "tests/raster/scenes.h"
#include "tests/raster/test_support.h"

namespace likeness::raster::test {
namespace {

class RasterizeScenes : public ::testing::TestWithParam<Scene> {};

struct Comparison {
  int64_t compared = 0, covered = 0, id_mismatch = 0, value_mismatch = 0;
  double max_value_error = 0;
  std::string first_mismatch;
};

Comparison compare(const at::Tensor& rast_in, const ReferenceRaster& ref, double tol) {
  Comparison c;
  const at::Tensor rast = rast_in.to(at::kDouble);
  auto r = rast.accessor<double, 4>();
  auto e = ref.rast.accessor<double, 4>();
  auto amb = ref.ambiguous.accessor<bool, 3>();
  for (int64_t b = 0; b < rast.size(0); ++b)
    for (int64_t y = 0; y < rast.size(1); ++y)
      for (int64_t x = 0; x < rast.size(2); ++x) {
        if (amb[b][y][x]) continue;
        ++c.compared;
        if (r[b][y][x][3] != e[b][y][x][3]) {
          if (c.id_mismatch == 0)
            c.first_mismatch = "view " + std::to_string(b) + " pixel (" + std::to_string(x) + ", " + std::to_string(y) +
                               "): triangle " + std::to_string(r[b][y][x][3]) + " z/w " + std::to_string(r[b][y][x][2]) +
                               " vs reference " + std::to_string(e[b][y][x][3]) + " z/w " + std::to_string(e[b][y][x][2]);
          ++c.id_mismatch;
          continue;
        }
        if (e[b][y][x][3] == 0) continue;
        ++c.covered;
        for (int k = 0; k < 3; ++k) {
          const double err = std::fabs(r[b][y][x][k] - e[b][y][x][k]);
          c.max_value_error = std::max(c.max_value_error, err);
          if (err > tol) ++c.value_mismatch;
        }
      }
  return c;
}

TEST_P(RasterizeScenes, MatchesRayReferenceInDouble) {
  const Scene& s = GetParam();
  const RasterizeOutput out = rasterize(s.pos, s.triangles, s.height, s.width);
  ASSERT_EQ(out.rast.sizes(), (at::IntArrayRef{s.pos.size(0), s.height, s.width, 4}));
  const ReferenceRaster ref = reference_rasterize(s.pos, s.triangles, s.height, s.width);
  const Comparison c = compare(out.rast, ref, 1e-9);
  EXPECT_GT(c.compared, 0.9 * s.pos.size(0) * s.height * s.width) << "too many ambiguous pixels";
  EXPECT_GT(c.covered, 20);
  EXPECT_EQ(c.id_mismatch, 0) << c.first_mismatch;
  EXPECT_EQ(c.value_mismatch, 0) << "max error " << c.max_value_error;
}

TEST_P(RasterizeScenes, MatchesRayReferenceInFloat) {
  const Scene& s = GetParam();
  const at::Tensor pos = s.pos.to(at::kFloat);
  const RasterizeOutput out = rasterize(pos, s.triangles.to(at::kInt), s.height, s.width);
  EXPECT_EQ(out.rast.scalar_type(), at::kFloat);
  // The reference sees the same float-rounded positions.
  const ReferenceRaster ref = reference_rasterize(pos.to(at::kDouble), s.triangles, s.height, s.width, 1e-5);
  const Comparison c = compare(out.rast, ref, 2e-4);
  EXPECT_EQ(c.id_mismatch, 0) << c.first_mismatch;
  EXPECT_EQ(c.value_mismatch, 0) << "max error " << c.max_value_error;
}

TEST_P(RasterizeScenes, DerivativesMatchReference) {
  const Scene& s = GetParam();
  const RasterizeOutput out = rasterize(s.pos, s.triangles, s.height, s.width, true);
  ASSERT_TRUE(out.rast_db.defined());
  const at::Tensor ref = reference_rast_db(s.pos, s.triangles, out.rast);
  const at::Tensor covered = (out.rast.select(3, 3) > 0).unsqueeze(3);
  const at::Tensor err = ((out.rast_db - ref).abs() - 1e-6 - 1e-5 * ref.abs()).masked_fill(~covered, 0);
  EXPECT_LE(err.max().item<double>(), 0.0);
  EXPECT_TRUE((out.rast_db.masked_fill(covered, 0) == 0).all().item<bool>()) << "derivatives outside coverage";
}

TEST_P(RasterizeScenes, GradientsMatchFiniteDifferences) {
  const Scene& s = GetParam();
  const at::Tensor pos = s.pos.clone().requires_grad_(true);
  const RasterizeOutput out = rasterize(pos, s.triangles, s.height, s.width, true);
  const at::Tensor w = loss_weights(out.rast, 3), wdb = loss_weights(out.rast_db, 4);
  const at::Tensor ids = out.rast.select(3, 3).detach().clone();
  w.select(3, 3).zero_();  // the id channel carries no gradient
  auto loss_of = [&](const RasterizeOutput& o) {
    return ((o.rast * w).sum() + (o.rast_db * wdb).sum() * 0.01);
  };
  loss_of(out).backward();
  const at::Tensor grad = pos.grad();
  ASSERT_TRUE(grad.defined());
  EXPECT_TRUE(at::isfinite(grad).all().item<bool>());
  GradCheck options;
  options.samples = 60;
  options.rtol = 1e-4;
  options.atol = 1e-6;
  // Only vertices of triangles that cover pixels have a gradient worth checking; random samples
  // include the others, whose gradient must then be zero.
  const int checked = check_gradient(
      [&](const at::Tensor& x) {
        const RasterizeOutput o = rasterize(x, s.triangles, s.height, s.width, true);
        if (!at::equal(o.rast.select(3, 3), ids)) return std::numeric_limits<double>::quiet_NaN();
        return loss_of(o).item<double>();
      },
      pos, grad, options, s.name);
  EXPECT_GT(checked, 30);
  EXPECT_GT(grad.abs().sum().item<double>(), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Table, RasterizeScenes, ::testing::ValuesIn(op_scenes()),
                         [](const ::testing::TestParamInfo<Scene>& p) { return p.param.name; });

TEST(Rasterize, BarycentricsOfAKnownTriangle) {
  // A screen-filling triangle at w = 1: u, v are the affine barycentrics of the pixel centre.
  const at::Tensor pos = at::tensor({-1.0, -1.0, 0.5, 1.0, 3.0, -1.0, 0.5, 1.0, -1.0, 3.0, -0.5, 1.0}, at::kDouble)
                             .reshape({3, 4});
  const at::Tensor tris = at::tensor({0, 1, 2}, at::kInt).reshape({1, 3});
  const at::Tensor rast = rasterize(pos, tris, 4, 4).rast;
  ASSERT_EQ(rast.sizes(), (at::IntArrayRef{1, 4, 4, 4}));
  // Pixel (x, y) centre in NDC: ((x + 0.5) / 2 - 1, (y + 0.5) / 2 - 1) = p0 + v1 * (4, 0) + v2 * (0, 4).
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) {
      const double nx = (x + 0.5) / 2 - 1, ny = (y + 0.5) / 2 - 1;
      const double b1 = (nx + 1) / 4, b2 = (ny + 1) / 4, b0 = 1 - b1 - b2;
      EXPECT_NEAR(rast[0][y][x][0].item<double>(), b0, 1e-12);
      EXPECT_NEAR(rast[0][y][x][1].item<double>(), b1, 1e-12);
      EXPECT_NEAR(rast[0][y][x][2].item<double>(), 0.5 * b0 + 0.5 * b1 - 0.5 * b2, 1e-12);
      EXPECT_EQ(rast[0][y][x][3].item<double>(), 1.0);
    }
}

TEST(Rasterize, RowZeroIsTheBottom) {
  // A triangle covering only the lower half of NDC lands in the low rows.
  const at::Tensor pos = at::tensor({-1.0, -1.0, 0.0, 1.0, 1.0, -1.0, 0.0, 1.0, 0.0, -0.1, 0.0, 1.0}, at::kFloat)
                             .reshape({3, 4});
  const at::Tensor tris = at::tensor({0, 1, 2}, at::kLong).reshape({1, 3});
  const at::Tensor ids = rasterize(pos, tris, 16, 16).rast.select(3, 3);
  EXPECT_GT(ids.narrow(1, 0, 4).sum().item<double>(), 0.0);
  EXPECT_EQ(ids.narrow(1, 8, 8).sum().item<double>(), 0.0);
}

TEST(Rasterize, DepthTestKeepsTheNearerTriangle) {
  // Two overlapping full-screen triangles; the second is nearer and must win everywhere.
  const at::Tensor pos = at::tensor({-1.0, -1.0, 0.5, 1.0, 3.0, -1.0, 0.5, 1.0, -1.0, 3.0, 0.5, 1.0,  //
                                     -1.0, -1.0, 0.2, 1.0, 3.0, -1.0, 0.2, 1.0, -1.0, 3.0, 0.2, 1.0},
                                    at::kFloat)
                             .reshape({6, 4});
  const at::Tensor tris = at::tensor({0, 1, 2, 3, 4, 5}, at::kInt).reshape({2, 3});
  const at::Tensor rast = rasterize(pos, tris, 8, 8).rast;
  EXPECT_TRUE((rast.select(3, 3) == 2).all().item<bool>());
  EXPECT_TRUE((rast.select(3, 2) - 0.2).abs().lt(1e-6).all().item<bool>());
  // Equal depth: the lower index wins.
  const at::Tensor same = pos.clone();
  same.narrow(0, 3, 3).select(1, 2).fill_(0.5);
  EXPECT_TRUE((rasterize(same, tris, 8, 8).rast.select(3, 3) == 1).all().item<bool>());
}

TEST(Rasterize, BatchedViewsEqualSeparateCalls) {
  Mesh m = icosphere(2);
  const at::Tensor views = at::cat({clip_of(m.positions, 0, 0, 3), clip_of(m.positions, 90, 0, 3)}).to(at::kFloat);
  const at::Tensor both = rasterize(views, m.triangles, 32, 32, true).rast;
  for (int b = 0; b < 2; ++b)
    EXPECT_TRUE(at::equal(both[b], rasterize(views[b], m.triangles, 32, 32).rast[0]));
}

TEST(Rasterize, VerticesFarOutsideTheViewportInsideTheGuardBand) {
  // Projected vertices up to 20000 image widths away (inside the guard band of 2^20 pixels, so
  // unclipped, with fixed-point coordinates near 2^27): a fan of four triangles around a point in
  // the image, at different w, covers every pixel exactly once and matches the reference.
  const int width = 40, height = 30;
  const double far = 20000.0;
  const double ndc[5][3] = {{0.1, -0.2, 1.0}, {-far, -far, 2.0}, {far, -far, 0.5}, {far, far, 1.5}, {-far, far, 3.0}};
  std::vector<double> values;
  for (const auto& v : ndc) {
    const double w = v[2];
    values.insert(values.end(), {v[0] * w, v[1] * w, 0.3 * w, w});
  }
  const at::Tensor pos = at::tensor(values, at::kDouble).reshape({1, 5, 4});
  const at::Tensor tris = at::tensor({0, 1, 2, 0, 2, 3, 0, 3, 4, 0, 4, 1}, at::kInt).reshape({4, 3});
  for (const at::ScalarType type : {at::kDouble, at::kFloat}) {
    const RasterizeOutput out = rasterize(pos.to(type), tris, height, width, true);
    EXPECT_EQ((out.rast.select(3, 3) == 0).sum().item<int64_t>(), 0) << "every pixel covered";
    const ReferenceRaster ref = reference_rasterize(pos.to(type).to(at::kDouble), tris, height, width);
    const Comparison c = compare(out.rast, ref, type == at::kDouble ? 1e-9 : 1e-5);
    EXPECT_GT(c.covered, width * height / 2);
    EXPECT_EQ(c.id_mismatch, 0) << c.first_mismatch;
    EXPECT_EQ(c.value_mismatch, 0) << c.max_value_error;
  }
}

TEST(Rasterize, ThreadCountDoesNotChangeTheResult) {
  Mesh m = icosphere(3);
  const at::Tensor pos = clip_of(m.positions, 20, 10, 2.5).to(at::kFloat);
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const at::Tensor one = rasterize(pos, m.triangles, 70, 90).rast;
  at::set_num_threads(std::max(2, threads));
  const at::Tensor many = rasterize(pos, m.triangles, 70, 90).rast;
  at::set_num_threads(threads);
  EXPECT_TRUE(at::equal(one, many));
}

}  // namespace
}  // namespace likeness::raster::test
