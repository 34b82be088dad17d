#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "engine/face/lash_cards.h"
#include "engine/face/uv_bake.h"
#include "tests/face/face_fixture.h"

using namespace likeness;
using likeness::test::head_model;

namespace {

at::Tensor lash_vertex_mask() {
  const at::Tensor tris = head_model()->topology().triangles_of({face::MaterialKind::Lashes}).to(at::kLong);
  at::Tensor mask = at::zeros({head_model()->vertex_count()}, at::kBool);
  mask.index_fill_(0, tris.flatten(), true);
  return mask;
}

}  // namespace

TEST(LashCards, RootToTipPerCard) {
  const at::Tensor p = face::lash_card_parameter(*head_model());
  ASSERT_EQ(p.sizes(), (at::IntArrayRef{head_model()->vertex_count(), 2}));
  const at::Tensor lash = lash_vertex_mask();
  ASSERT_GT(lash.sum().item<long>(), 100);
  // Off the cards: -1; on them: t and the relative card length in [0, 1].
  EXPECT_TRUE(p.index({~lash}).eq(-1.0f).all().item<bool>());
  const at::Tensor on = p.index({lash});
  EXPECT_GE(on.min().item<float>(), 0.0f);
  EXPECT_LE(on.max().item<float>(), 1.0f);
  // Roots sit on the lid, tips away from it: the vertices with t near 0 are closer to the eye
  // (the lid margin) than those near 1, and both ends exist.
  const at::Tensor t = on.select(1, 0);
  EXPECT_GT(t.lt(0.05f).sum().item<long>(), 20);
  EXPECT_GT(t.gt(0.95f).sum().item<long>(), 20);
  // Upper lids carry longer cards than lower ones: both kinds are present.
  const at::Tensor length = on.select(1, 1);
  EXPECT_GT(length.lt(0.6f).sum().item<long>(), 50);
  EXPECT_GT(length.gt(0.9f).sum().item<long>(), 50);
  // The tips of the long cards rise above their roots (upper lashes point up and out).
  const at::Tensor pos = head_model()->neutral().index({lash});
  const at::Tensor upper = length.gt(0.9f);
  const float root_y = pos.index({upper & t.lt(0.1f)}).select(1, 1).mean().item<float>();
  const float tip_y = pos.index({upper & t.gt(0.9f)}).select(1, 1).mean().item<float>();
  EXPECT_GT(tip_y, root_y);
}

TEST(LashCards, CoverageIsStrandsOnTheCardsOnly) {
  const int res = 512;
  const at::Tensor a = face::lash_coverage(*head_model(), res, 7);
  ASSERT_EQ(a.sizes(), (at::IntArrayRef{res, res}));
  EXPECT_GE(a.min().item<float>(), 0.0f);
  EXPECT_LE(a.max().item<float>(), 1.0f);
  const face::UvRaster raster =
      face::rasterize_uv(head_model()->topology(), face::kLashesTile, res, {face::MaterialKind::Lashes});
  const at::Tensor cards = raster.coverage();
  EXPECT_EQ(a.index({~cards}).abs().sum().item<float>(), 0.0f) << "coverage outside the lash cards";
  // Strands with gaps: on the cards, many texels clear, many opaque, neither a film nor empty.
  const at::Tensor on = a.index({cards});
  const double clear = on.lt(0.05f).to(at::kFloat).mean().item<double>();
  const double solid = on.gt(0.7f).to(at::kFloat).mean().item<double>();
  EXPECT_GT(clear, 0.3);
  EXPECT_GT(solid, 0.05);
  EXPECT_LT(on.mean().item<double>(), 0.5);
  // Deterministic for a seed; another seed moves the strands.
  EXPECT_TRUE(at::equal(a, face::lash_coverage(*head_model(), res, 7)));
  EXPECT_FALSE(at::equal(a, face::lash_coverage(*head_model(), res, 8)));
}

TEST(LashCards, DenseAtTheRootSparseAtTheTipAndOnLowerLids) {
  const int res = 512;
  const face::Topology& topo = head_model()->topology();
  const face::UvRaster raster = face::rasterize_uv(topo, face::kLashesTile, res, {face::MaterialKind::Lashes});
  const at::Tensor baked =
      face::bake_vertex_attribute(raster, topo, face::lash_card_parameter(*head_model()).clamp_min(0.0f));
  const at::Tensor cards = raster.coverage();
  const at::Tensor t = baked.select(2, 0), length = baked.select(2, 1);
  const at::Tensor a = face::lash_coverage(*head_model(), res, 3);
  auto mean_where = [&](const at::Tensor& m) { return a.index({cards & m}).mean().item<double>(); };
  EXPECT_GT(mean_where(t.lt(0.3f)), 1.5 * mean_where(t.gt(0.8f)));
  EXPECT_GT(mean_where(length.gt(0.8f)), 1.3 * mean_where(length.lt(0.5f)));
}

TEST(LashCards, RejectsABadResolution) {
  EXPECT_THROW(face::lash_coverage(*head_model(), 0, 1), std::exception);
}
