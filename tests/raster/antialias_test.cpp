// antialias: values against the bisection reference over the scene table, gradients to colours
// and to positions at silhouette and occlusion edges against finite differences.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>

#include "engine/raster/antialias_params.h"
#include "engine/raster/raster.h"
#include "tests/raster/reference.h"
#include "tests/raster/scenes.h"
#include "tests/raster/test_support.h"

namespace likeness::raster::test {
namespace {

class AntialiasScenes : public ::testing::TestWithParam<Scene> {};

/// Colours that differ between triangles: a per-vertex random attribute, interpolated.
at::Tensor scene_colors(const Scene& s, const at::Tensor& rast, std::uint64_t seed) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  const at::Tensor attr = at::rand({s.pos.size(1), 3}, gen, at::kDouble);
  // Background a constant grey so silhouettes against it blend too.
  const at::Tensor c = interpolate(attr, rast, s.triangles).out;
  return c + (rast.select(3, 3) == 0).unsqueeze(3).to(at::kDouble) * 0.5;
}

TEST_P(AntialiasScenes, MatchesBisectionReference) {
  const Scene& s = GetParam();
  const at::Tensor rast = rasterize(s.pos, s.triangles, s.height, s.width).rast;
  const at::Tensor color = scene_colors(s, rast, 3);
  const at::Tensor out = antialias(color, rast, s.pos, s.triangles);
  const at::Tensor ref = reference_antialias(color, rast, s.pos, s.triangles);
  const at::Tensor diff = (out - ref).abs().amax(3);
  const double worst = diff.max().item<double>();
  std::string where;
  if (worst >= 1e-9) {
    const int64_t i = diff.argmax().item<int64_t>();
    where = "view " + std::to_string(i / (s.height * s.width)) + " pixel (" + std::to_string(i % s.width) + ", " +
            std::to_string(i / s.width % s.height) + ")";
  }
  EXPECT_LT(worst, 1e-9) << where;
  // Scenes with silhouettes on screen blend something.
  EXPECT_GT((out - color).abs().sum().item<double>(), 0.0);
}

TEST_P(AntialiasScenes, GradientsMatchFiniteDifferences) {
  const Scene& s = GetParam();
  const at::Tensor rast = rasterize(s.pos, s.triangles, s.height, s.width).rast;
  const at::Tensor color = scene_colors(s, rast, 4).requires_grad_(true);
  const at::Tensor pos = s.pos.clone().requires_grad_(true);
  const auto topology = AntialiasTopology::build(s.triangles, static_cast<int>(s.pos.size(1)));
  const at::Tensor out = antialias(color, rast, pos, s.triangles, topology);
  const at::Tensor w = loss_weights(out, 5);
  (out * w).sum().backward();
  auto loss = [&](const at::Tensor& c, const at::Tensor& p) {
    return (antialias(c, rast, p, s.triangles, topology) * w).sum().item<double>();
  };
  GradCheck g;
  g.samples = 60;
  g.atol = 1e-7;
  check_gradient([&](const at::Tensor& x) { return loss(x, pos.detach()); }, color, color.grad(), g, s.name + " color");
  // Position gradients are sparse: check every vertex that has one, plus random others.
  const at::Tensor gp = pos.grad();
  ASSERT_TRUE(gp.defined());
  EXPECT_TRUE(at::isfinite(gp).all().item<bool>());
  EXPECT_GT(gp.abs().sum().item<double>(), 0.0) << "no silhouette gradient";
  g.samples = static_cast<int>(pos.numel());
  g.rtol = 1e-4;
  g.atol = 1e-6;
  g.h = 1e-7;
  check_gradient([&](const at::Tensor& x) { return loss(color.detach(), x); }, pos, gp, g, s.name + " pos");
}

TEST_P(AntialiasScenes, BackwardReusingTheForwardPairsMatchesAFreshPass) {
  // The autograd wrapper hands the forward pass's pair list to the backward pass; the kernel
  // without it walks every pair again. Both must give the same gradients, and the forward pass
  // must give the same image with or without keeping its work.
  const Scene& s = GetParam();
  const at::Tensor rast = rasterize(s.pos, s.triangles, s.height, s.width).rast.contiguous();
  const at::Tensor color = scene_colors(s, rast, 6).contiguous();
  const at::Tensor pos = s.pos.contiguous();
  const at::Tensor tris = s.triangles.to(at::kInt).contiguous();
  const auto topology = AntialiasTopology::build(s.triangles, static_cast<int>(s.pos.size(1)));
  const at::Tensor grad_out = loss_weights(color, 7).contiguous();
  auto params = [&](AntialiasParams<double>& p) {
    p.color = color.data_ptr<double>();
    p.channels = static_cast<int>(color.size(3));
    p.rast = rast.data_ptr<double>();
    p.pos = pos.data_ptr<double>();
    p.pos_view_stride = pos.size(0) == 1 ? 0 : pos.size(1) * 4;
    p.vertex_count = static_cast<int>(pos.size(1));
    p.triangles = tris.data_ptr<int32_t>();
    p.triangle_count = static_cast<int>(tris.size(0));
    p.topology = &topology->edges();
    p.views = static_cast<int>(color.size(0));
    p.height = static_cast<int>(color.size(1));
    p.width = static_cast<int>(color.size(2));
    p.grad_out = grad_out.data_ptr<double>();
  };
  AntialiasWork work;
  at::Tensor out_kept = at::empty_like(color), out_fresh = at::empty_like(color);
  at::Tensor gc_kept = at::empty_like(color), gc_fresh = at::empty_like(color);
  at::Tensor gp_kept = at::empty_like(pos), gp_fresh = at::empty_like(pos);
  AntialiasParams<double> kept, fresh;
  params(kept);
  params(fresh);
  kept.work = &work;
  kept.out = out_kept.data_ptr<double>();
  fresh.out = out_fresh.data_ptr<double>();
  antialias_forward_cpu(kept);
  antialias_forward_cpu(fresh);
  ASSERT_TRUE(work.ready);
  EXPECT_TRUE(at::equal(out_kept, out_fresh));
  kept.grad_color = gc_kept.data_ptr<double>();
  kept.grad_pos = gp_kept.data_ptr<double>();
  fresh.grad_color = gc_fresh.data_ptr<double>();
  fresh.grad_pos = gp_fresh.data_ptr<double>();
  antialias_backward_cpu(kept);
  antialias_backward_cpu(fresh);
  EXPECT_TRUE(at::equal(gc_kept, gc_fresh));
  EXPECT_LT((gp_kept - gp_fresh).abs().max().item<double>(), 1e-12);
  EXPECT_GT(gp_fresh.abs().sum().item<double>(), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Table, AntialiasScenes, ::testing::ValuesIn(op_scenes()),
                         [](const ::testing::TestParamInfo<Scene>& p) { return p.param.name; });

TEST(Antialias, InteriorEdgesOfASurfaceStayUntouched) {
  // A flat grid facing the camera: its interior edges join same-facing triangles, so only the
  // outer boundary blends; colour is continuous inside.
  Mesh m = grid(6);
  const at::Tensor pos = clip_of(m.positions * 0.8, 0, 0, 3.0);
  const at::Tensor rast = rasterize(pos, m.triangles, 48, 48).rast;
  const at::Tensor color = at::rand({1, 48, 48, 2}, at::kDouble);
  const at::Tensor out = antialias(color, rast, pos, m.triangles);
  const at::Tensor inside = rast.select(3, 3) > 0;
  // Pixels whose four neighbours are covered too are interior.
  at::Tensor interior = inside.clone();
  interior.narrow(1, 1, 46) &= inside.narrow(1, 0, 46) & inside.narrow(1, 2, 46);
  interior.narrow(2, 1, 46) &= inside.narrow(2, 0, 46) & inside.narrow(2, 2, 46);
  interior.select(1, 0).zero_(), interior.select(1, 47).zero_(), interior.select(2, 0).zero_(), interior.select(2, 47).zero_();
  const at::Tensor changed = (out - color).abs().sum(3) > 0;
  EXPECT_EQ((changed & interior).sum().item<int64_t>(), 0);
  EXPECT_GT(changed.sum().item<int64_t>(), 20);
}

TEST(Antialias, SilhouetteMovesWithTheEdge) {
  // A white square over black: moving its right edge by a fraction of a pixel changes the
  // blended column by that fraction.
  auto square = [](double right) {
    return at::tensor({-0.5, -0.5, 0.0, 1.0, right, -0.5, 0.0, 1.0, right, 0.5, 0.0, 1.0, -0.5, 0.5, 0.0, 1.0},
                      at::kDouble)
        .reshape({1, 4, 4});
  };
  const at::Tensor tris = at::tensor({0, 1, 2, 0, 2, 3}, at::kLong).reshape({2, 3});
  const int size = 20;
  // Right edge at NDC 0.5 + 0.35 pixel: pixel column 15 has its centre at 15.5 px = NDC 0.55.
  const double px = 2.0 / size;
  auto render = [&](double right) {
    const at::Tensor pos = square(right);
    const at::Tensor rast = rasterize(pos, tris, size, size).rast;
    const at::Tensor color = (rast.select(3, 3) > 0).unsqueeze(3).to(at::kDouble);
    return antialias(color, rast, pos, tris);
  };
  const at::Tensor a = render(0.5 + 0.35 * px), b = render(0.5 + 0.45 * px);
  // The edge is inside pixel 15's left half: column 15 is empty, column 14 is covered and the
  // edge at 15.35 px lies past their midpoint (15.0): column 15 gets coverage 0.35.
  EXPECT_NEAR(a[0][10][15][0].item<double>(), 0.35, 1e-9);
  EXPECT_NEAR(b[0][10][15][0].item<double>(), 0.45, 1e-9);
  EXPECT_NEAR(a[0][10][14][0].item<double>(), 1.0, 1e-9);
}

TEST(Antialias, TopologyIsReusableAndChecked) {
  Mesh m = icosphere(1);
  const auto topology = AntialiasTopology::build(m.triangles);
  EXPECT_EQ(topology->triangle_count(), m.triangles.size(0));
  // Closed manifold: every edge has exactly one neighbour.
  const EdgeTopology& e = topology->edges();
  for (int64_t i = 0; i < m.triangles.size(0) * 3; ++i) EXPECT_EQ(e.begin[i + 1] - e.begin[i], 1);
  // ... and every undirected edge is listed once with both of its triangles.
  EXPECT_EQ(int64_t(e.edges.size()) * 2, m.triangles.size(0) * 3);
  EXPECT_TRUE(e.irregular.empty());
  const at::Tensor tris = m.triangles.to(at::kLong);
  auto has_edge = [&](int64_t tri, int a, int b) {
    for (int k = 0; k < 3; ++k) {
      const int64_t p = tris[tri][k].item<int64_t>(), q = tris[tri][(k + 1) % 3].item<int64_t>();
      if (std::min(p, q) == a && std::max(p, q) == b) return true;
    }
    return false;
  };
  for (const EdgeTopology::Edge& edge : e.edges) {
    EXPECT_LT(edge.a, edge.b);
    EXPECT_NE(edge.first, edge.second);
    EXPECT_TRUE(has_edge(edge.first, edge.a, edge.b) && has_edge(edge.second, edge.a, edge.b));
  }
  // An open grid: boundary edges have no second triangle.
  const Mesh g = grid(3);
  const auto open = AntialiasTopology::build(g.triangles);
  int boundary = 0;
  for (const EdgeTopology::Edge& edge : open->edges().edges) boundary += edge.second < 0;
  EXPECT_EQ(boundary, 4 * 3);
  const at::Tensor pos = clip_of(m.positions, 0, 0, 3.0);
  const at::Tensor rast = rasterize(pos, m.triangles, 16, 16).rast;
  const at::Tensor color = at::rand({1, 16, 16, 1}, at::kDouble);
  EXPECT_TRUE(at::equal(antialias(color, rast, pos, m.triangles, topology), antialias(color, rast, pos, m.triangles)));
  Mesh other = icosphere(0);
  EXPECT_THROW(antialias(color, rast, pos, m.triangles, AntialiasTopology::build(other.triangles)), std::exception);
}

}  // namespace
}  // namespace likeness::raster::test
