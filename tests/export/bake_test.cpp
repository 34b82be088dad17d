#include <gtest/gtest.h>

#include "engine/export/texture_bake.h"
#include "export_fixtures.h"

namespace likeness::exporter {
namespace {

TEST(Bake, CoverageMarksTheUvIslands) {
  const ExportScene s = test::cube_scene();
  const auto cover = uv_coverage(s.mesh, {0}, 64, 64);
  // Material 0 covers faces whose UVs span u in [0, 0.75], v in [0, 0.75]; (0.9, 0.9) is outside all.
  auto at = [&](double u, double v) { return cover[static_cast<std::size_t>((1.0 - v) * 64) * 64 + static_cast<std::size_t>(u * 64)]; };
  EXPECT_EQ(at(0.4, 0.4), 1);
  EXPECT_EQ(at(0.9, 0.9), 0);
  EXPECT_EQ(at(0.9, 0.4), 0) << "that square belongs to material 1";
  const auto cover1 = uv_coverage(s.mesh, {1}, 64, 64);
  EXPECT_EQ(cover1[static_cast<std::size_t>((1.0 - 0.4) * 64) * 64 + static_cast<std::size_t>(0.9 * 64)], 1);
}

TEST(Bake, DilationFillsRingsFromTheIsland) {
  io::Image img;
  img.width = img.height = 9;
  img.channels = 1;
  img.pixels.assign(81, 0.0f);
  std::vector<std::uint8_t> cover(81, 0);
  img.at(4, 4, 0) = 0.75f;
  cover[4 * 9 + 4] = 1;
  dilate(img, cover, 2);
  EXPECT_FLOAT_EQ(img.at(3, 3, 0), 0.75f);
  EXPECT_FLOAT_EQ(img.at(6, 4, 0), 0.75f) << "second ring";
  EXPECT_FLOAT_EQ(img.at(7, 4, 0), 0.0f) << "beyond the padding";
  EXPECT_EQ(cover[4 * 9 + 6], 1);
  EXPECT_EQ(cover[4 * 9 + 7], 0);
}

TEST(Bake, SeamsPaddedSoMipsDoNotBleedBackground) {
  ExportScene s = test::cube_scene();
  // Albedo: island texels red, background bright green.
  auto cover = uv_coverage(s.mesh, {0}, 32, 32);
  for (std::size_t i = 0; i < cover.size(); ++i) {
    s.textures[0].albedo.pixels[3 * i] = cover[i] ? 1.0f : 0.0f;
    s.textures[0].albedo.pixels[3 * i + 1] = cover[i] ? 0.0f : 1.0f;
  }
  BakeOptions o;
  o.resolution = 64;
  o.padding = 8;
  bake_textures(s, o);
  EXPECT_EQ(s.textures[0].albedo.width, 64);
  EXPECT_EQ(s.textures[0].roughness.width, 64);
  // Every texel within 4 texels of an island is now island-coloured (mostly red, little green).
  const auto island = uv_coverage(s.mesh, {0}, 64, 64);
  int bad = 0;
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x) {
      bool near = false;
      for (int dy = -4; dy <= 4; ++dy)
        for (int dx = -4; dx <= 4; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if (nx >= 0 && ny >= 0 && nx < 64 && ny < 64 && island[static_cast<std::size_t>(ny) * 64 + nx]) near = true;
        }
      if (near && s.textures[0].albedo.at(x, y, 1) > 0.5f) ++bad;
    }
  EXPECT_EQ(bad, 0);
}

TEST(Bake, ResampleKeepsMeansAndSizes) {
  const io::Image img = test::procedural_image(40, 20, 3, 3);
  const io::Image small = resample(img, 10, 5), big = resample(img, 80, 40);
  auto mean = [](const io::Image& i) {
    double s = 0;
    for (float v : i.pixels) s += v;
    return s / static_cast<double>(i.pixels.size());
  };
  EXPECT_EQ(small.width, 10);
  EXPECT_EQ(big.height, 40);
  EXPECT_NEAR(mean(small), mean(img), 1e-4);
  EXPECT_NEAR(mean(big), mean(img), 0.02);
}

}  // namespace
}  // namespace likeness::exporter
