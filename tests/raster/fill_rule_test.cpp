// Coverage: the top-left fill rule draws every pixel of a closed tiling exactly once, including
// centres exactly on shared edges and shared vertices, under perspective and near-plane clipping.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <random>

#include "engine/raster/raster.h"
#include "tests/raster/reference.h"
#include "tests/raster/test_support.h"

namespace likeness::raster::test {
namespace {

/// How many triangles cover each pixel centre when each is rasterized alone: [B, H, W].
at::Tensor coverage_count(const at::Tensor& pos, const at::Tensor& tris, int height, int width) {
  at::Tensor count = at::zeros({pos.size(0), height, width}, at::kLong);
  for (int64_t k = 0; k < tris.size(0); ++k)
    count += (rasterize(pos, tris.narrow(0, k, 1), height, width).rast.select(3, 3) > 0).to(at::kLong);
  return count;
}

/// Grid vertices in pixel units moved onto lattice points, then to clip space with per-vertex w.
at::Tensor grid_clip(const Mesh& m, int size, double offset_px, double jitter_px, bool perspective, std::uint64_t seed,
                     double subpixel) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> jitter(-jitter_px, jitter_px), wdist(0.5, 3.0);
  const int64_t V = m.positions.size(0);
  const int n = static_cast<int>(std::lround(std::sqrt(double(V)))) - 1;
  at::Tensor pos = at::empty({1, V, 4}, at::kDouble);
  for (int64_t i = 0; i < V; ++i) {
    const int gx = static_cast<int>(i % (n + 1)), gy = static_cast<int>(i / (n + 1));
    double px = double(gx) * size / n, py = double(gy) * size / n;
    const bool border_x = gx == 0 || gx == n, border_y = gy == 0 || gy == n;
    if (!border_x) px += offset_px + jitter(rng);
    if (!border_y) py += offset_px + jitter(rng);
    if (subpixel > 0) px = std::round(px / subpixel) * subpixel, py = std::round(py / subpixel) * subpixel;
    // Border vertices reach past the image so the tiling covers every centre.
    if (gx == 0) px = -1.0;
    if (gx == n) px = size + 1.0;
    if (gy == 0) py = -1.0;
    if (gy == n) py = size + 1.0;
    const double w = perspective ? wdist(rng) : 1.0;
    pos[0][i][0] = (px / size * 2 - 1) * w;
    pos[0][i][1] = (py / size * 2 - 1) * w;
    pos[0][i][2] = 0.25 * w;
    pos[0][i][3] = w;
  }
  return pos;
}

struct TilingCase {
  std::string name;
  int size;
  int cells;
  double offset_px;  // interior vertices moved by this (0.5: onto pixel centres)
  double jitter_px;  // random move per coordinate; below cell / (4 sqrt 2) no triangle folds over
  bool perspective;
  double subpixel;   // snap interior vertices to this lattice (pixels); 0 = no snap
};

void PrintTo(const TilingCase& c, std::ostream* os) { *os << c.name; }

class FillRule : public ::testing::TestWithParam<TilingCase> {};

TEST_P(FillRule, EveryPixelExactlyOnce) {
  const TilingCase& c = GetParam();
  const Mesh m = grid(c.cells);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const at::Tensor pos = grid_clip(m, c.size, c.offset_px, c.jitter_px, c.perspective, seed, c.subpixel);
    const at::Tensor count = coverage_count(pos, m.triangles, c.size, c.size);
    EXPECT_EQ(count.min().item<int64_t>(), 1) << c.name << " seed " << seed << ": a pixel was missed";
    EXPECT_EQ(count.max().item<int64_t>(), 1) << c.name << " seed " << seed << ": a pixel was drawn twice";
    // Drawn together, every pixel is covered.
    EXPECT_TRUE((rasterize(pos, m.triangles, c.size, c.size).rast.select(3, 3) > 0).all().item<bool>());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, FillRule,
    ::testing::Values(TilingCase{"edges_on_pixel_corners", 32, 8, 0.0, 0.0, false, 0},
                      TilingCase{"vertices_on_pixel_centres", 32, 8, 0.5, 0.0, false, 0},
                      TilingCase{"centres_with_perspective", 32, 8, 0.5, 0.0, true, 0},
                      TilingCase{"jitter_on_half_pixels", 30, 6, 0.0, 1.2, false, 0.5},
                      TilingCase{"jitter_on_subpixel_lattice", 24, 6, 0.0, 0.9, true, 1.0 / 256},
                      TilingCase{"jitter_free", 31, 7, 0.0, 1.0, true, 0}),
    [](const ::testing::TestParamInfo<TilingCase>& p) { return p.param.name; });

TEST(FillRuleFan, SharedVertexOnAPixelCentre) {
  // Seven triangles around a vertex exactly at the centre of pixel (8, 8), with spokes through
  // other pixel centres: the hub pixel and the spoke pixels are drawn once.
  const int size = 17;
  std::vector<double> data;
  auto push = [&](double px, double py) {
    data.insert(data.end(), {px / size * 2 - 1, py / size * 2 - 1, 0.0, 1.0});
  };
  push(8.5, 8.5);
  const double rim[7][2] = {{-2, 8.5}, {-2, -2}, {8.5, -2}, {20, -2}, {20, 8.5}, {20, 20}, {-2, 20}};
  for (const auto& p : rim) push(p[0], p[1]);
  const at::Tensor pos = at::tensor(data, at::kDouble).reshape({1, 8, 4});
  std::vector<int64_t> t;
  for (int k = 0; k < 7; ++k) t.insert(t.end(), {0, 1 + k, 1 + (k + 1) % 7});
  const at::Tensor tris = at::tensor(t, at::kLong).reshape({7, 3});
  const at::Tensor count = coverage_count(pos, tris, size, size);
  EXPECT_EQ(count.min().item<int64_t>(), 1);
  EXPECT_EQ(count.max().item<int64_t>(), 1);
  // The same fan wound the other way (back faces) covers the same pixels once.
  const at::Tensor flipped = tris.index_select(1, at::tensor({0, 2, 1}, at::kLong));
  const at::Tensor count_back = coverage_count(pos, flipped, size, size);
  EXPECT_TRUE(at::equal(count, count_back));
}

TEST(FillRuleClipping, SharedEdgesCrossingTheNearPlane) {
  // A quad strip in eye space reaching from in front of the camera to behind it: clipped edges
  // shared by two triangles must still be drawn once, and coverage must match the reference.
  const int size = 33;
  const at::Tensor proj = at::tensor(std::vector<double>{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -1.02, -0.202, 0, 0, -1, 0}, at::kDouble)
                              .reshape({4, 4});  // near 0.1, far 10, 90 degrees
  std::vector<double> eye;
  const int n = 6;
  for (int j = 0; j <= n; ++j)
    for (int i = 0; i <= n; ++i) eye.insert(eye.end(), {-3.0 + 6.0 * i / n, -1.0 + 0.1 * i, 1.0 - 5.0 * j / n});
  const at::Tensor e = at::tensor(eye, at::kDouble).reshape({-1, 3});
  const at::Tensor pos = at::cat({e, at::ones({e.size(0), 1}, at::kDouble)}, 1).matmul(proj.t()).unsqueeze(0);
  const Mesh g = grid(n);
  const at::Tensor count = coverage_count(pos, g.triangles, size, size);
  EXPECT_LE(count.max().item<int64_t>(), 1);
  const ReferenceRaster ref = reference_rasterize(pos, g.triangles, size, size, 1e-9);
  const at::Tensor ref_cover = ref.rast.select(3, 3) > 0;
  const at::Tensor differ = ((count > 0) != ref_cover) & ~ref.ambiguous;
  EXPECT_EQ(differ.sum().item<int64_t>(), 0);
  EXPECT_GT(ref_cover.sum().item<int64_t>(), 50);
}

}  // namespace
}  // namespace likeness::raster::test
