// interpolate: values and derivatives against the reference, separate attribute indices,
// batched attributes, gradients to attributes, barycentrics and derivatives.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/raster/raster.h"
#include "tests/raster/reference.h"
#include "tests/raster/scenes.h"
#include "tests/raster/test_support.h"

namespace likeness::raster::test {
namespace {

class InterpolateScenes : public ::testing::TestWithParam<Scene> {};

at::Tensor random_attr(int64_t rows, int64_t channels, std::uint64_t seed) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  return at::randn({rows, channels}, gen, at::kDouble);
}

TEST_P(InterpolateScenes, ValuesAndDerivativesMatchReference) {
  const Scene& s = GetParam();
  const RasterizeOutput r = rasterize(s.pos, s.triangles, s.height, s.width, true);
  const at::Tensor attr = random_attr(s.pos.size(1), 5, 21);
  InterpolateOptions options;
  options.rast_db = r.rast_db;
  options.diff_all = true;
  const InterpolateOutput out = interpolate(attr, r.rast, s.triangles, options);
  EXPECT_LT((out.out - reference_interpolate(attr, r.rast, s.triangles)).abs().max().item<double>(), 1e-12);
  const at::Tensor ref_da = reference_interpolate_da(attr, r.rast, r.rast_db, s.triangles);
  EXPECT_LT((out.out_da - ref_da).abs().max().item<double>(), 1e-9);
  // A subset of channels, in the order asked.
  options.diff_all = false;
  options.diff_channels = {3, 1};
  const at::Tensor some = interpolate(attr, r.rast, s.triangles, options).out_da;
  ASSERT_EQ(some.size(3), 4);
  EXPECT_TRUE(at::allclose(some.narrow(3, 0, 2), ref_da.narrow(3, 6, 2)));
  EXPECT_TRUE(at::allclose(some.narrow(3, 2, 2), ref_da.narrow(3, 2, 2)));
}

TEST_P(InterpolateScenes, GradientsMatchFiniteDifferences) {
  const Scene& s = GetParam();
  const RasterizeOutput r = rasterize(s.pos, s.triangles, s.height, s.width, true);
  const at::Tensor attr = random_attr(s.pos.size(1), 3, 22).requires_grad_(true);
  const at::Tensor uv = r.rast.narrow(3, 0, 2).detach().clone().requires_grad_(true);
  const at::Tensor rest = r.rast.narrow(3, 2, 2).detach();
  const at::Tensor db = r.rast_db.detach().clone().requires_grad_(true);
  auto run = [&](const at::Tensor& a, const at::Tensor& u, const at::Tensor& d) {
    InterpolateOptions options;
    options.rast_db = d;
    options.diff_channels = {0, 2};
    return interpolate(a, at::cat({u, rest}, 3), s.triangles, options);
  };
  const InterpolateOutput o = run(attr, uv, db);
  const at::Tensor w = loss_weights(o.out, 5), wda = loss_weights(o.out_da, 6);
  ((o.out * w).sum() + (o.out_da * wda).sum()).backward();
  auto loss = [&](const at::Tensor& a, const at::Tensor& u, const at::Tensor& d) {
    const InterpolateOutput x = run(a, u, d);
    return ((x.out * w).sum() + (x.out_da * wda).sum()).item<double>();
  };
  GradCheck g;
  g.atol = 1e-7;
  EXPECT_GT(check_gradient([&](const at::Tensor& x) { return loss(x, uv.detach(), db.detach()); }, attr, attr.grad(),
                           g, s.name + " attr"),
            0);
  // Barycentric and derivative gradients only exist on covered pixels; check there.
  g.samples = 400;
  check_gradient([&](const at::Tensor& x) { return loss(attr.detach(), x, db.detach()); }, uv, uv.grad(), g,
                 s.name + " uv");
  check_gradient([&](const at::Tensor& x) { return loss(attr.detach(), uv.detach(), x); }, db, db.grad(), g,
                 s.name + " rast_db");
  const at::Tensor empty = r.rast.select(3, 3) == 0;
  EXPECT_EQ(uv.grad().select(3, 0).masked_select(empty).abs().sum().item<double>(), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Table, InterpolateScenes, ::testing::ValuesIn(op_scenes()),
                         [](const ::testing::TestParamInfo<Scene>& p) { return p.param.name; });

TEST(Interpolate, SeparateAttributeIndicesShareTriangleIds) {
  // Positions indexed one way, "uvs" with their own rows and indices (as a mesh with UV seams).
  Mesh m = icosphere(1);
  const at::Tensor pos = clip_of(m.positions, 10, 5, 3.0);
  const RasterizeOutput r = rasterize(pos, m.triangles, 32, 32);
  const int64_t T = m.triangles.size(0);
  const at::Tensor uv_tris = at::arange(T * 3, at::kLong).reshape({T, 3});  // every corner its own row
  const at::Tensor per_vertex = random_attr(m.positions.size(0), 2, 5);
  const at::Tensor per_corner = per_vertex.index_select(0, m.triangles.reshape({-1}));
  const at::Tensor a = interpolate(per_vertex, r.rast, m.triangles).out;
  const at::Tensor b = interpolate(per_corner, r.rast, uv_tris.to(at::kInt)).out;
  EXPECT_LT((a - b).abs().max().item<double>(), 1e-12);
  EXPECT_TRUE(at::allclose(b, reference_interpolate(per_corner, r.rast, uv_tris)));
}

TEST(Interpolate, BatchedAttributesPerView) {
  Mesh m = icosphere(1);
  const at::Tensor pos = at::cat({clip_of(m.positions, 0, 0, 3.0), clip_of(m.positions, 45, 0, 3.0)});
  const RasterizeOutput r = rasterize(pos, m.triangles, 24, 24);
  const at::Tensor attr = at::stack({random_attr(m.positions.size(0), 4, 1), random_attr(m.positions.size(0), 4, 2)});
  const at::Tensor out = interpolate(attr, r.rast, m.triangles).out;
  EXPECT_TRUE(at::allclose(out, reference_interpolate(attr, r.rast, m.triangles)));
  for (int b = 0; b < 2; ++b)
    EXPECT_TRUE(at::allclose(out[b], interpolate(attr[b], r.rast.narrow(0, b, 1), m.triangles).out[0]));
}

TEST(Interpolate, EmptyPixelsAreZero) {
  Mesh m = icosphere(1);
  const RasterizeOutput r = rasterize(clip_of(m.positions, 0, 0, 6.0), m.triangles, 32, 32);
  const at::Tensor out = interpolate(at::ones({m.positions.size(0), 2}, at::kDouble), r.rast, m.triangles).out;
  const at::Tensor covered = r.rast.select(3, 3) > 0;
  EXPECT_LT((out.select(3, 0) - covered.to(at::kDouble)).abs().max().item<double>(), 1e-12);
  EXPECT_GT(covered.sum().item<int64_t>(), 10);
  EXPECT_LT(covered.sum().item<int64_t>(), 32 * 32);
}

}  // namespace
}  // namespace likeness::raster::test
