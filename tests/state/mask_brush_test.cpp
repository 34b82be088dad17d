// The edit-mask brush: falloff shape, ray picking against an independent plane intersection,
// sphere and UV dabs, erase, stroke spacing.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/state/mask_brush.h"

namespace likeness::state {
namespace {

// A flat grid in the z = 0 plane, n x n vertices spaced 1 cm, two triangles per cell.
struct Grid {
  std::vector<float> positions;
  std::vector<std::uint32_t> triangles;
  std::vector<float> uvs;
  std::vector<std::int32_t> uv_vertex;
  int n = 0;
  explicit Grid(int size) : n(size) {
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        positions.insert(positions.end(), {static_cast<float>(x), static_cast<float>(y), 0.0f});
        uvs.insert(uvs.end(), {2.0f + static_cast<float>(x) / (n - 1), static_cast<float>(y) / (n - 1)});  // tile 2
        uv_vertex.push_back(y * n + x);
      }
    for (int y = 0; y + 1 < n; ++y)
      for (int x = 0; x + 1 < n; ++x) {
        const std::uint32_t a = static_cast<std::uint32_t>(y * n + x), b = a + 1, c = a + static_cast<std::uint32_t>(n), d = c + 1;
        triangles.insert(triangles.end(), {a, b, d, a, d, c});
      }
  }
};

TEST(MaskBrush, FalloffIsFullInsideSmoothToTheRimAndZeroBeyond) {
  Brush b;
  b.radius = 2.0f;
  b.hardness = 0.5f;
  EXPECT_FLOAT_EQ(brush_falloff(b, 0.0f), 1.0f);
  EXPECT_FLOAT_EQ(brush_falloff(b, 1.0f), 1.0f);
  EXPECT_NEAR(brush_falloff(b, 1.5f), 0.5f, 1e-6f);
  EXPECT_FLOAT_EQ(brush_falloff(b, 2.0f), 0.0f);
  EXPECT_FLOAT_EQ(brush_falloff(b, 5.0f), 0.0f);
  float last = 1.0f;
  for (float d = 0.0f; d < 2.0f; d += 0.05f) {
    const float f = brush_falloff(b, d);
    EXPECT_LE(f, last + 1e-6f);
    last = f;
  }
  b.hardness = 1.0f;
  EXPECT_FLOAT_EQ(brush_falloff(b, 1.99f), 1.0f);
}

TEST(MaskBrush, PickingMatchesAPlaneIntersection) {
  const Grid g(11);
  const Vec3 origin{3.3f, 4.6f, 10.0f};
  const Vec3 dir{0.1f, -0.2f, -1.0f};
  auto hit = pick_surface(g.positions, g.triangles, origin, dir);
  ASSERT_TRUE(hit.has_value());
  // The plane z = 0 is reached at t = 10 along the unnormalised direction.
  EXPECT_NEAR(hit->point[0], 3.3f + 0.1f * 10.0f, 1e-4f);
  EXPECT_NEAR(hit->point[1], 4.6f - 0.2f * 10.0f, 1e-4f);
  EXPECT_NEAR(hit->point[2], 0.0f, 1e-5f);
  EXPECT_NEAR(hit->distance, 10.0f * std::sqrt(1.0f + 0.01f + 0.04f), 1e-3f);
  EXPECT_NEAR(hit->barycentric[0] + hit->barycentric[1] + hit->barycentric[2], 1.0f, 1e-5f);
  // From behind (both faces count) and misses.
  EXPECT_TRUE(pick_surface(g.positions, g.triangles, {5.0f, 5.0f, -3.0f}, {0.0f, 0.0f, 1.0f}).has_value());
  EXPECT_FALSE(pick_surface(g.positions, g.triangles, {5.0f, 5.0f, 3.0f}, {0.0f, 0.0f, 1.0f}).has_value());
  EXPECT_FALSE(pick_surface(g.positions, g.triangles, {50.0f, 5.0f, 3.0f}, {0.0f, 0.0f, -1.0f}).has_value());
  EXPECT_FALSE(pick_surface(g.positions, g.triangles, {5.0f, 5.0f, 3.0f}, {0.0f, 0.0f, 0.0f}).has_value());
}

TEST(MaskBrush, PickingTakesTheNearestSurface) {
  Grid g(5);
  // A second sheet at z = 2 over the same area: a ray from above hits it first.
  Grid top(5);
  const std::uint32_t offset = static_cast<std::uint32_t>(g.positions.size() / 3);
  for (std::size_t i = 2; i < top.positions.size(); i += 3) top.positions[i] = 2.0f;
  g.positions.insert(g.positions.end(), top.positions.begin(), top.positions.end());
  for (std::uint32_t t : top.triangles) g.triangles.push_back(t + offset);
  auto hit = pick_surface(g.positions, g.triangles, {2.2f, 2.2f, 10.0f}, {0.0f, 0.0f, -1.0f});
  ASSERT_TRUE(hit.has_value());
  EXPECT_NEAR(hit->point[2], 2.0f, 1e-5f);
  EXPECT_GE(hit->triangle, static_cast<int>(top.triangles.size() / 3));
}

TEST(MaskBrush, SphereDabPaintsWithinTheRadiusAndEraseLowers) {
  const Grid g(21);
  std::vector<float> mask(g.positions.size() / 3, 0.0f);
  Brush b;
  b.radius = 3.0f;
  b.hardness = 0.5f;
  const int changed = paint_sphere(mask, g.positions, {10.0f, 10.0f, 0.0f}, b);
  EXPECT_GT(changed, 20);
  auto at = [&](int x, int y) { return mask[static_cast<std::size_t>(y * g.n + x)]; };
  EXPECT_FLOAT_EQ(at(10, 10), 1.0f);
  EXPECT_FLOAT_EQ(at(11, 10), 1.0f);          // inside the hard core (1.5 cm)
  EXPECT_GT(at(12, 10), 0.0f);                // in the falloff
  EXPECT_LT(at(12, 10), 1.0f);
  EXPECT_FLOAT_EQ(at(13, 10), 0.0f);          // on the rim
  EXPECT_FLOAT_EQ(at(0, 0), 0.0f);
  // Painting again never lowers; a weaker brush keeps the stronger value.
  Brush weak = b;
  weak.strength = 0.3f;
  EXPECT_EQ(paint_sphere(mask, g.positions, {10.0f, 10.0f, 0.0f}, weak), 0);
  // Erase at full strength clears the core.
  Brush eraser = b;
  eraser.erase = true;
  eraser.radius = 1.2f;
  eraser.hardness = 1.0f;
  paint_sphere(mask, g.positions, {10.0f, 10.0f, 0.0f}, eraser);
  EXPECT_FLOAT_EQ(at(10, 10), 0.0f);
  EXPECT_FLOAT_EQ(at(11, 10), 0.0f);
  EXPECT_FLOAT_EQ(at(10, 12), at(12, 10));  // outside the eraser: untouched (and symmetric)
}

TEST(MaskBrush, UvDabPaintsOnlyItsTile) {
  const Grid g(11);
  std::vector<float> mask(g.positions.size() / 3, 0.0f);
  Brush b;
  b.radius = 0.15f;
  b.hardness = 1.0f;
  EXPECT_EQ(paint_uv(mask, g.uvs, g.uv_vertex, 0, {0.5f, 0.5f}, b), 0) << "the grid lies in tile 2";
  const int changed = paint_uv(mask, g.uvs, g.uv_vertex, 2, {0.5f, 0.5f}, b);
  EXPECT_GT(changed, 4);
  EXPECT_FLOAT_EQ(mask[static_cast<std::size_t>(5 * g.n + 5)], 1.0f);
  EXPECT_FLOAT_EQ(mask[0], 0.0f);
  // A seam vertex (two UV points) is painted by its nearer one.
  std::vector<float> uvs = g.uvs;
  std::vector<std::int32_t> uv_vertex = g.uv_vertex;
  uvs.insert(uvs.end(), {2.5f, 0.5f});
  uv_vertex.push_back(0);
  std::vector<float> seam(mask.size(), 0.0f);
  paint_uv(seam, uvs, uv_vertex, 2, {0.5f, 0.5f}, b);
  EXPECT_FLOAT_EQ(seam[0], 1.0f);
}

TEST(MaskBrush, StrokesLeaveNoGaps) {
  const Grid g(41);
  std::vector<float> mask(g.positions.size() / 3, 0.0f);
  Brush b;
  b.radius = 1.0f;
  b.hardness = 0.8f;
  int dabs = 0;
  stroke_dabs(Vec3{2.0f, 20.0f, 0.0f}, Vec3{38.0f, 20.0f, 0.0f}, b.radius, [&](const Vec3& p) {
    paint_sphere(mask, g.positions, p, b);
    ++dabs;
  });
  EXPECT_GE(dabs, 36 * 4 - 1);
  for (int x = 3; x <= 38; ++x) EXPECT_FLOAT_EQ(mask[static_cast<std::size_t>(20 * g.n + x)], 1.0f) << x;
  EXPECT_FLOAT_EQ(mask[static_cast<std::size_t>(25 * g.n + 20)], 0.0f);
}

}  // namespace
}  // namespace likeness::state
