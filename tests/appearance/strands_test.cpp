// Strands are sized on the surface, not in texels: where texels are stretched along the growth
// direction (a UV band squeezed across the hair's flow), strands are as long in cm as elsewhere.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "engine/appearance/detail/strands.h"
#include "engine/appearance/detail/texel_domain.h"

using namespace likeness::appearance::detail;

namespace {

// A fully covered square of R x R texels, each `cm_x` wide and `cm_y` tall on a flat surface
// (x along +u, texel rows running down -y).
TexelDomain flat_domain(int res, float cm_x, float cm_y) {
  TexelDomain d;
  d.tile = 0;
  d.resolution = res;
  const std::size_t n = static_cast<std::size_t>(res) * static_cast<std::size_t>(res);
  d.row_of.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    d.texels.push_back(static_cast<std::int64_t>(i));
    d.row_of[i] = static_cast<std::int32_t>(i);
    const float x = static_cast<float>(i % static_cast<std::size_t>(res)), y = static_cast<float>(i / static_cast<std::size_t>(res));
    d.position.insert(d.position.end(), {x * cm_x, -y * cm_y, 0.0f});
    d.normal.insert(d.normal.end(), {0.0f, 0.0f, 1.0f});
    d.du.insert(d.du.end(), {cm_x, 0.0f, 0.0f});
    d.dv.insert(d.dv.end(), {0.0f, -cm_y, 0.0f});
    d.parts.push_back(0);
    d.material.push_back(0);
  }
  return d;
}

// Mean extent, in texels along `axis` (0: x, 1: y), of single strands grown from the middle of the
// domain along the 3D `direction`, over several seeds.
double mean_extent(const TexelDomain& d, const float direction[3], int axis, const StrandStyle& style) {
  const int res = d.resolution;
  std::vector<float> support(d.size(), 0.0f);
  support[static_cast<std::size_t>(res / 2 * res + res / 2)] = 1.0f;  // one strand, through the middle
  std::vector<float> dir(3 * d.size());
  for (std::size_t i = 0; i < d.size(); ++i) std::copy(direction, direction + 3, &dir[3 * i]);
  double sum = 0.0;
  const int seeds = 24;
  for (int seed = 0; seed < seeds; ++seed) {
    const StrandField f = draw_strands(d, support, dir, style, static_cast<std::uint64_t>(seed));
    int lo = res, hi = -1;
    for (std::size_t i = 0; i < d.size(); ++i)
      if (f.alpha[0][i] > 0.0f) {
        const int c = axis == 0 ? static_cast<int>(i % static_cast<std::size_t>(res)) : static_cast<int>(i / static_cast<std::size_t>(res));
        lo = std::min(lo, c);
        hi = std::max(hi, c);
      }
    EXPECT_GE(hi, lo) << "seed " << seed << ": the strand drew nothing";
    sum += hi - lo + 1;
  }
  return sum / seeds;
}

}  // namespace

TEST(Strands, LengthIsMeasuredOnTheSurfaceAlongTheGrowthDirection) {
  // Texels 0.01 cm wide and 0.04 cm tall: a 0.8 cm strand spans about 80 texels growing sideways
  // and about 20 growing up (lengths vary by +-40 % per strand, so compare means).
  const TexelDomain d = flat_domain(256, 0.01f, 0.04f);
  StrandStyle style;
  style.length_cm = 0.8f;
  style.width_cm = 0.005f;
  style.curl = 0.0f;
  const float up[3] = {0.0f, 1.0f, 0.0f}, sideways[3] = {1.0f, 0.0f, 0.0f};
  const double along_y = mean_extent(d, up, 1, style), along_x = mean_extent(d, sideways, 0, style);
  EXPECT_NEAR(along_y, 20.0, 5.0);
  EXPECT_NEAR(along_x, 80.0, 16.0);
}

TEST(Strands, CoverageIsTheSameShareOfTexelsWhateverTheTexelShape) {
  // The same style over square and over stretched texels covers about the same share of texels:
  // strands are fewer where each is longer in texels.
  StrandStyle style;
  style.length_cm = 0.5f;
  style.width_cm = 0.005f;
  style.coverage = 1.0f;
  const float up[3] = {0.0f, 1.0f, 0.0f};
  auto covered_share = [&](const TexelDomain& d) {
    std::vector<float> support(d.size(), 1.0f), dir(3 * d.size());
    for (std::size_t i = 0; i < d.size(); ++i) std::copy(up, up + 3, &dir[3 * i]);
    const StrandField f = draw_strands(d, support, dir, style, 3);
    double covered = 0.0;
    for (float a : f.alpha[0]) covered += a > 0.0f;
    return covered / static_cast<double>(d.size());
  };
  const double square = covered_share(flat_domain(128, 0.02f, 0.02f));
  const double stretched = covered_share(flat_domain(128, 0.01f, 0.04f));
  EXPECT_GT(square, 0.3);
  EXPECT_NEAR(stretched, square, 0.1 * square);
}

TEST(Strands, HairIsAsDenseAtAnIslandsEdgesAsInside) {
  // Hair grows up the square (rows decreasing); the bottom rows are the upstream edge, where the
  // hair would come from a neighbouring island across a UV seam, the top rows the downstream one.
  // Neither a thin light line (no strands reach there) nor a dark one (strands rooted at the edge
  // pile up) may show at either.
  const int res = 160;
  const TexelDomain d = flat_domain(res, 0.03f, 0.03f);
  StrandStyle style;
  style.length_cm = 0.6f;  // 20 texels
  style.width_cm = 0.01f;
  style.coverage = 2.0f;
  const float up[3] = {0.0f, 1.0f, 0.0f};
  std::vector<float> support(d.size(), 1.0f), dir(3 * d.size());
  for (std::size_t i = 0; i < d.size(); ++i) std::copy(up, up + 3, &dir[3 * i]);
  const StrandField f = draw_strands(d, support, dir, style, 11);
  auto band = [&](int y0, int y1) {  // mean composite alpha of two strands over rows [y0, y1)
    double sum = 0.0;
    for (int y = y0; y < y1; ++y)
      for (int x = 0; x < res; ++x) {
        const std::size_t i = static_cast<std::size_t>(y * res + x);
        sum += 1.0 - (1.0 - f.alpha[0][i]) * (1.0 - f.alpha[1][i]);
      }
    return sum / ((y1 - y0) * res);
  };
  const double inside = band(50, 110), edge = band(res - 6, res);
  EXPECT_GT(inside, 0.4);
  EXPECT_NEAR(edge, inside, 0.12 * inside) << "upstream edge vs inside";
  // Nor at the downstream edge, where the hair leaves for the neighbouring island.
  EXPECT_NEAR(band(0, 6), inside, 0.12 * inside) << "downstream edge vs inside";
}
