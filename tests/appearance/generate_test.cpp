#include <gtest/gtest.h>

#include <torch/torch.h>

#include <filesystem>
#include <limits>

#include "engine/appearance/appearance_model.h"
#include "engine/appearance/measure.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/face/topology.h"
#include "engine/face/uv_bake.h"
#include "engine/io/image_io.h"

using namespace likeness;
using namespace likeness::appearance;

namespace {

constexpr int kRes = 512;
constexpr std::uint64_t kSeed = 7;

std::shared_ptr<const AppearanceModel> model() { return AppearanceModel::get(kRes, kSeed); }

// A point where every parameter acts: hair, makeup, spots all partly on.
AppearanceParams busy() {
  AppearanceParams p;
  p.set("skin.melanin", 0.3f);
  p.set("skin.age", 52.0f);
  p.set("skin.wrinkles", 0.3f);
  p.set("skin.unevenness", 0.4f);
  p.set("skin.freckles", 0.5f);
  p.set("skin.moles", 0.5f);
  p.set("skin.blush", 0.4f);
  p.set("skin.redness", 0.3f);
  p.set("skin.undertone", 0.2f);
  p.set("brows.arch", 0.1f);
  p.set("hair.coverage", 0.6f);
  p.set("beard.coverage", 0.6f);
  p.set("beard.density", 0.5f);
  p.set("moustache.coverage", 0.6f);
  p.set("moustache.density", 0.5f);
  p.set("stubble.coverage", 0.5f);
  p.set("makeup.eyeshadow.opacity", 0.5f);
  p.set("makeup.eyeliner.opacity", 0.5f);
  p.set("makeup.lipstick.opacity", 0.5f);
  p.set_color("beard.color", {0.35f, 0.25f, 0.2f});
  p.set_color("hair.color", {0.3f, 0.22f, 0.15f});
  p.set_color("moustache.color", {0.33f, 0.24f, 0.2f});
  p.set_color("stubble.color", {0.3f, 0.2f, 0.15f});
  p.set_color("brows.color", {0.3f, 0.2f, 0.16f});
  p.set_color("makeup.eyeshadow.color", {0.5f, 0.3f, 0.45f});
  p.set_color("makeup.eyeliner.color", {0.1f, 0.08f, 0.2f});
  p.set_color("sclera.tint", {0.9f, 0.88f, 0.85f});
  return p;
}

// All three textures as one [8, R, R, 7] tensor.
at::Tensor stacked(const TextureSet& t) { return at::cat({t.albedo, t.normal, t.roughness}, -1); }

at::Tensor covered() { return model()->coverage(); }

}  // namespace

TEST(AppearanceGenerate, ShapesRangesAndFiniteness) {
  TextureSet t = model()->generate(AppearanceParams());
  ASSERT_EQ(t.albedo.sizes(), (std::vector<long>{8, kRes, kRes, 3}));
  ASSERT_EQ(t.normal.sizes(), (std::vector<long>{8, kRes, kRes, 3}));
  ASSERT_EQ(t.roughness.sizes(), (std::vector<long>{8, kRes, kRes, 1}));
  EXPECT_EQ(t.resolution, kRes);
  EXPECT_GE(t.albedo.min().item<float>(), 0.0f);
  EXPECT_LE(t.albedo.max().item<float>(), 1.0f);
  EXPECT_TRUE(at::allclose(t.normal.norm(2, -1), at::ones({8, kRes, kRes}), 1e-4, 1e-4));
  EXPECT_GT(t.normal.select(-1, 2).min().item<float>(), 0.0f);  // tangent space: z out
  EXPECT_GE(t.roughness.min().item<float>(), 0.0f);
  EXPECT_LE(t.roughness.max().item<float>(), 1.0f);
  // Unused tiles stay constant.
  for (int tile : {static_cast<int>(face::kLacrimalTile), 5}) {
    for (const at::Tensor& x : {t.albedo[tile], t.normal[tile], t.roughness[tile]})
      EXPECT_TRUE(at::equal(x, x[0][0].expand_as(x))) << "tile " << tile;
    EXPECT_TRUE(at::equal(t.normal[tile][0][0], at::tensor({0.0f, 0.0f, 1.0f})));
  }
  EXPECT_EQ(model()->textured_tiles(), (std::vector<int>{0, 1, 2, 3, 6, 7}));
}

TEST(AppearanceGenerate, NoNanOrInfAnywhereInRange) {
  auto schema = AppearanceSchema::load_default();
  std::vector<AppearanceParams> cases;
  cases.push_back(AppearanceParams::from_tensor(schema, schema->lower_bounds()));
  cases.push_back(AppearanceParams::from_tensor(schema, schema->upper_bounds()));
  at::manual_seed(3);
  for (int i = 0; i < 3; ++i) {
    at::Tensor u = at::rand({schema->size()});
    cases.push_back(AppearanceParams::from_tensor(schema, schema->lower_bounds() + u * (schema->upper_bounds() - schema->lower_bounds())));
  }
  for (std::uint64_t seed : {1ull, 2ull, 3ull}) cases.push_back(AppearanceParams::sample_prior(seed));
  for (std::size_t i = 0; i < cases.size(); ++i) {
    ASSERT_NO_THROW(cases[i].validate());
    TextureSet t = model()->generate(cases[i], {}, true);
    EXPECT_TRUE(at::isfinite(stacked(t)).all().item<bool>()) << "case " << i;
    for (const auto& [name, layer] : t.layers) EXPECT_TRUE(at::isfinite(layer).all().item<bool>()) << name;
  }
}

TEST(AppearanceGenerate, OutOfRangeIsClampedOrRejected) {
  AppearanceParams p;
  p.set("skin.age", 500.0f);
  p.set("beard.coverage", -3.0f);
  EXPECT_THROW(p.validate(), InputError);
  AppearanceParams q;
  q.set("skin.age", 95.0f);
  q.set("beard.coverage", 0.0f);
  EXPECT_TRUE(at::equal(stacked(model()->generate(p)), stacked(model()->generate(q))));
  // Malformed inputs are rejected with a clear message.
  EXPECT_THROW(model()->generate(AppearanceParams::from_tensor(AppearanceSchema::load_default(), at::zeros({62})).clamped(),
                                 Residuals{at::zeros({8, 4, 5, 3}), {}}),
               InputError);
  EXPECT_THROW(AppearanceModel::get(100), InputError);
  EXPECT_THROW(AppearanceModel::get(8192), InputError);
}

TEST(AppearanceGenerate, DeterministicForASeed) {
  AppearanceParams p = busy();
  at::Tensor a = stacked(model()->generate(p));
  EXPECT_TRUE(at::equal(a, stacked(model()->generate(p))));
  // A model rebuilt from scratch with the same seed gives the same bits.
  auto rebuilt = AppearanceModel::build(face::FaceModel::load_default(), kRes, kSeed);
  EXPECT_TRUE(at::equal(a, stacked(rebuilt->generate(p))));
  // Another seed moves the noise, spots and strands.
  at::Tensor b = stacked(AppearanceModel::get(kRes, kSeed + 1)->generate(p));
  EXPECT_GT((a - b).abs().mean().item<float>(), 1e-4f);
}

TEST(AppearanceGenerate, RegionMasksConfineAttributes) {
  const at::Tensor cov = covered().unsqueeze(-1);
  struct Case {
    const char* param;
    float off, on;
    std::vector<std::string> regions;  // the change must stay inside their union
  };
  const std::vector<Case> cases = {{"beard.coverage", 0.0f, 1.0f, {"beard"}},
                                   {"moustache.coverage", 0.0f, 1.0f, {"moustache"}},
                                   {"stubble.coverage", 0.0f, 1.0f, {"beard", "moustache"}},
                                   {"makeup.lipstick.opacity", 0.0f, 1.0f, {"lips"}},
                                   {"hair.coverage", 0.0f, 1.0f, {"scalp"}},
                                   {"skin.blush", 0.0f, 1.0f, {"cheeks", "cheekbones"}},
                                   {"makeup.eyeshadow.opacity", 0.0f, 1.0f, {"eyelids", "temples", "brows"}},
                                   {"iris.limbal_ring", 0.0f, 1.0f, {"irises", "sclera"}}};
  for (const Case& c : cases) {
    AppearanceParams a = busy(), b = busy();
    a.set(c.param, c.off);
    b.set(c.param, c.on);
    if (std::string(c.param) == "beard.coverage" || std::string(c.param) == "moustache.coverage") {
      a.set("stubble.coverage", 0.0f);
      b.set("stubble.coverage", 0.0f);
    }
    const at::Tensor diff = (stacked(model()->generate(a)) - stacked(model()->generate(b))).abs().amax(-1) * cov.squeeze(-1);
    at::Tensor inside = at::zeros({8, kRes, kRes});
    for (const auto& r : c.regions) inside = at::maximum(inside, model()->region_weights(r));
    const at::Tensor outside = inside < 1e-4;
    EXPECT_LT((diff * outside).max().item<float>(), 1e-4f) << c.param << " changed texels outside " << c.regions[0];
    EXPECT_GT((diff * (inside > 0.5)).max().item<float>(), 0.05f) << c.param << " did nothing";
  }
  // And a beard never reaches the forehead.
  AppearanceParams a = busy(), b = busy();
  a.set("beard.coverage", 0.0f);
  b.set("beard.coverage", 1.0f);
  const at::Tensor fa = region_mean_albedo(model()->generate(a), *model(), "forehead");
  const at::Tensor fb = region_mean_albedo(model()->generate(b), *model(), "forehead");
  EXPECT_TRUE(at::equal(fa, fb));
}

TEST(AppearanceGenerate, SkinToneSpansTheLuminanceRange) {
  AppearanceParams p;
  std::vector<double> lum;
  for (int i = 0; i <= 4; ++i) {
    p.set("skin.melanin", static_cast<float>(i) / 4.0f);
    lum.push_back(region_mean_luminance(model()->generate(p), *model(), "cheeks").item<double>());
  }
  EXPECT_GT(lum.front(), 0.3);
  EXPECT_LT(lum.back(), 0.07);
  for (std::size_t i = 1; i < lum.size(); ++i) EXPECT_LT(lum[i], lum[i - 1]);
}

TEST(AppearanceGenerate, RegionMeansReadTheParameters) {
  AppearanceParams p = busy();
  p.set("makeup.lipstick.opacity", 0.0f);
  p.set_color("iris.color", {0.2f, 0.4f, 0.8f});
  TextureSet t = model()->generate(p, {}, true);
  const at::Tensor lips = region_mean_albedo(t, *model(), "lips"), cheeks = region_mean_albedo(t, *model(), "cheeks");
  EXPECT_GT((lips[0] / lips[1]).item<float>(), (cheeks[0] / cheeks[1]).item<float>());  // lips redder
  const at::Tensor iris = region_mean_albedo(t, *model(), "irises");
  EXPECT_GT(iris[2].item<float>(), iris[0].item<float>() * 2);  // blue eyes read blue
  EXPECT_GT(region_mean_luminance(t, *model(), "sclera").item<float>(), 0.5f);
  // Coverage measurement follows the parameter.
  const double some = layer_coverage(t, *model(), "beard", "beard").item<double>();
  p.set("beard.coverage", 1.0f);
  p.set("beard.density", 1.0f);
  const double full = layer_coverage(model()->generate(p, {}, true), *model(), "beard", "beard").item<double>();
  EXPECT_GT(full, some + 0.1);
  EXPECT_GT(full, 0.6);
  EXPECT_THROW(layer_coverage(model()->generate(p), *model(), "beard", "beard"), InputError);
  EXPECT_THROW(model()->region_weights("elbow"), InputError);
}

TEST(AppearanceGenerate, GradientsReachEveryParameterAndMatchFiniteDifferences) {
  // Central differences per parameter pick a sample of texels: the 48 that the parameter moves
  // most. One weighted sum over the union of all samples is then differentiated once; its
  // analytic gradient must match its finite difference for every parameter. (Two difference
  // passes so that no full-size difference is kept per parameter.)
  auto schema = AppearanceSchema::load_default();
  AppearanceParams p = busy();
  const at::Tensor lo = schema->lower_bounds(), hi = schema->upper_bounds();
  const auto names = schema->entry_names();
  auto difference = [&](int j) {
    at::NoGradGuard no_grad;
    const double h = 1e-3 * (hi[j].item<double>() - lo[j].item<double>());
    at::Tensor plus = p.values.clone(), minus = p.values.clone();
    plus[j] += h;
    minus[j] -= h;
    const at::Tensor fp = stacked(model()->generate(AppearanceParams::from_tensor(schema, plus))).reshape({-1});
    const at::Tensor fm = stacked(model()->generate(AppearanceParams::from_tensor(schema, minus))).reshape({-1});
    return std::make_pair(fp - fm, 2 * h);
  };
  std::vector<at::Tensor> picks;
  for (int j = 0; j < schema->size(); ++j) {
    const at::Tensor d = difference(j).first.abs();
    const auto [top, where] = d.topk(48);
    ASSERT_GT(top[0].item<double>(), 1e-7) << names[static_cast<std::size_t>(j)] << " changes no texel";
    picks.push_back(where);
  }
  const at::Tensor sample = std::get<0>(at::_unique(at::cat(picks)));
  at::manual_seed(11);
  const at::Tensor w = at::rand({sample.numel()}, at::kDouble) + 0.5;
  at::Tensor values = p.values.clone().requires_grad_(true);
  const at::Tensor out = stacked(model()->generate(AppearanceParams::from_tensor(schema, values))).reshape({-1});
  (out.index_select(0, sample).to(at::kDouble) * w).sum().backward();
  const at::Tensor grad = values.grad();
  for (int j = 0; j < schema->size(); ++j) {
    const auto [d, step] = difference(j);
    const at::Tensor fd = d.index_select(0, sample).to(at::kDouble) / step;
    const double expected = (fd * w).sum().item<double>();
    const double scale = (fd.abs() * w).sum().item<double>();
    EXPECT_NEAR(grad[j].item<double>(), expected, 0.03 * scale + 1e-3) << names[static_cast<std::size_t>(j)];
  }
}

TEST(AppearanceGenerate, ResidualsAddDetailAndRegularize) {
  AppearanceParams p;
  const TextureSet base = model()->generate(p);
  // Zero residuals change nothing; a half-resolution residual is upsampled.
  Residuals zero = Residuals::zeros(kRes / 2);
  EXPECT_TRUE(at::allclose(stacked(model()->generate(p, zero)), stacked(base), 1e-6, 1e-6));
  Residuals r = Residuals::zeros(kRes / 2, true);
  TextureSet t = model()->generate(p, r);
  const at::Tensor w = at::rand({8, kRes, kRes, 3});
  (t.albedo * w).sum().add((t.normal * w).sum()).backward();
  ASSERT_TRUE(r.albedo.grad().defined());
  EXPECT_GT(r.albedo.grad().abs().sum().item<float>(), 0.0f);
  EXPECT_GT(r.normal.grad().abs().sum().item<float>(), 0.0f);
  {
    at::NoGradGuard g;
    Residuals shift{at::full({8, kRes, kRes, 3}, 0.05), {}};
    const at::Tensor moved = model()->generate(p, shift).albedo;
    EXPECT_NEAR((moved - base.albedo).mean().item<float>(), 0.05f, 0.01f);
  }
  // Regularizer: zero for zero residuals, grows with magnitude and roughness, differentiable.
  EXPECT_EQ(residual_regularizer(Residuals::zeros(8)).item<float>(), 0.0f);
  EXPECT_EQ(residual_regularizer(Residuals{}).item<float>(), 0.0f);
  Residuals smooth{at::full({8, 16, 16, 3}, 0.1), {}};
  Residuals noisy{at::rand({8, 16, 16, 3}) * 0.2, {}};
  const float rs = residual_regularizer(smooth, {0.0, 1.0, 1.0}).item<float>();
  const float rn = residual_regularizer(noisy, {0.0, 1.0, 1.0}).item<float>();
  EXPECT_EQ(rs, 0.0f);
  EXPECT_GT(rn, 0.001f);
  Residuals g = Residuals::zeros(16, true);
  {
    at::NoGradGuard ng;
    g.albedo.add_(0.1);
  }
  residual_regularizer(g).backward();
  EXPECT_GT(g.albedo.grad().abs().sum().item<float>(), 0.0f);
  Residuals bad{at::full({8, 4, 4, 3}, std::nanf("")), {}};
  EXPECT_THROW(bad.validate(), InputError);
}

TEST(AppearanceGenerate, SeamsAreFilledFromTheIslands) {
  const TextureSet t = model()->generate(busy());
  EXPECT_TRUE(at::equal(model()->fill_seams(t.albedo), t.albedo));
  // Every uncovered texel of a textured tile holds a value that some covered texel has.
  const at::Tensor cov = covered()[0];
  const at::Tensor a = t.albedo[0].reshape({-1, 3});
  const at::Tensor outside = (~cov).reshape({-1}).nonzero().reshape({-1});
  ASSERT_GT(outside.numel(), 0);
  const at::Tensor sample = a.index_select(0, outside.slice(0, 0, outside.numel(), outside.numel() / 50 + 1));
  const at::Tensor inside = a.index_select(0, cov.reshape({-1}).nonzero().reshape({-1}));
  for (long i = 0; i < sample.size(0); ++i)
    EXPECT_EQ((inside - sample[i]).abs().sum(-1).min().item<float>(), 0.0f);
  EXPECT_THROW(model()->fill_seams(at::zeros({8, 16, 16, 3})), InputError);
}

namespace {
// Log luminance steps between texels at the same place on the head on either side of the face
// tile / back-of-head tile border: the median of their magnitudes and their median (a systematic
// difference). `window` > 1 compares local means over that many texels (of the island) instead of
// single texels, for fine patterns such as hair strands.
struct SeamStep {
  double magnitude = 0.0, bias = 0.0;
};
SeamStep seam_step(const at::Tensor& albedo, int window) {
  auto face = face::FaceModel::load_default();
  const at::Tensor neutral = face->vertices(at::zeros({face->identity_count()}));
  std::vector<at::Tensor> position(2), luminance(2);
  for (int tile : {0, 1}) {
    const face::UvRaster raster = face::rasterize_uv(face->topology(), tile, kRes, {face::MaterialKind::Skin});
    const at::Tensor cov = raster.coverage();
    const at::Tensor open = at::max_pool2d((~cov).to(at::kFloat).unsqueeze(0), {3, 3}, {1, 1}, {1, 1}).squeeze(0) > 0;
    const at::Tensor border = (cov & open).reshape({-1}).nonzero().reshape({-1});
    position[tile] = face::bake_vertex_attribute(raster, face->topology(), neutral).reshape({-1, 3}).index_select(0, border);
    at::Tensor lum = texel_luminance(albedo[tile].reshape({-1, 3})).reshape({1, kRes, kRes});
    if (window > 1) {
      const at::Tensor w = cov.to(at::kFloat).unsqueeze(0);
      lum = at::avg_pool2d(lum * w, {window, window}, {1, 1}, {window / 2, window / 2}) /
            at::avg_pool2d(w, {window, window}, {1, 1}, {window / 2, window / 2}).clamp_min(1e-6);
    }
    luminance[tile] = lum.reshape({-1}).index_select(0, border);
  }
  const auto [dist, nearest] = at::cdist(position[0], position[1]).min(1);
  const at::Tensor pairs = (dist < 0.1).nonzero().reshape({-1});
  EXPECT_GT(pairs.numel(), 100) << "texels on both sides of the border";
  if (pairs.numel() == 0) return {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  const at::Tensor l0 = luminance[0].index_select(0, pairs), l1 = luminance[1].index_select(0, nearest.index_select(0, pairs));
  const at::Tensor step = at::log(l0) - at::log(l1);
  return {step.abs().median().item<double>(), step.median().item<double>()};
}
}  // namespace

TEST(AppearanceGenerate, NoSeamBetweenFaceAndBackOfHead) {
  // Where the face tile meets the back-of-head tile, texels at the same place on the head must
  // carry the same skin: the solid noise is one field over both tiles.
  AppearanceParams p;
  p.set("skin.unevenness", 1.0f);
  p.set("skin.moles", 0.0f);
  EXPECT_LT(seam_step(model()->generate(p).albedo, 1).magnitude, 0.03) << "median luminance step across the tile 0 / tile 1 border";
  // A full head of hair has the same local mean on both sides (strands are drawn per tile, so
  // single texels differ; 9x9 means of independent strands still differ by about 5 %, but not
  // systematically).
  p.set("hair.coverage", 1.0f);
  p.set_color("hair.color", {0.12f, 0.08f, 0.05f});
  const SeamStep hair = seam_step(model()->generate(p).albedo, 9);
  EXPECT_LT(hair.magnitude, 0.08) << "median step of the 9x9 mean luminance across the border, hair";
  EXPECT_LT(std::abs(hair.bias), 0.03) << "systematic step of the 9x9 mean luminance across the border, hair";
}

TEST(AppearanceGenerate, FullHeadOfHairFillsTheWholeScalp) {
  // Coverage 1 means a full head of hair: the front of the crown (the last to fill in the
  // male-pattern order) is as covered as the sides, not a half-covered light patch. Compared on
  // 9x9 local means of luminance (single hair strands vary), inside the scalp.
  AppearanceParams p;
  p.set("hair.coverage", 1.0f);
  p.set_color("hair.color", {0.08f, 0.05f, 0.03f});
  const TextureSet t = model()->generate(p, {}, true);
  const at::Tensor w = (model()->region_weights("scalp") > 0.9).to(at::kFloat).unsqueeze(1);  // [8, 1, R, R]
  const at::Tensor lum = texel_luminance(t.albedo.reshape({-1, 3})).reshape({8, 1, kRes, kRes});
  const at::Tensor share = at::avg_pool2d(w, {9, 9}, {1, 1}, {4, 4});
  const at::Tensor local = at::avg_pool2d(lum * w, {9, 9}, {1, 1}, {4, 4}) / share.clamp_min(1e-6);
  const at::Tensor inside = local.masked_select(share > 0.99);
  ASSERT_GT(inside.numel(), 10000);
  EXPECT_LT(inside.max().item<double>(), 1.35 * inside.median().item<double>()) << "lightest patch of the scalp vs its median";
  // Partial coverage still recedes in the male-pattern order: the sides keep hair the crown loses.
  p.set("hair.coverage", 0.45f);
  const at::Tensor receded = model()->generate(p, {}, true).layers.at("scalp_hair").masked_select(model()->region_weights("scalp") > 0.95);
  EXPECT_LT(receded.quantile(0.05).item<float>(), 0.1f);
  EXPECT_GT(receded.quantile(0.9).item<float>(), 0.8f);
}

TEST(AppearanceGenerate, GapTexelsBesideDrawnTexelsRepeatTheirNeighbours) {
  // Bilinear and mip lookups at a UV island's border read the gap texels beside it, so those must
  // repeat the island's own texels. Only what is drawn counts as covered: the transparent helper
  // meshes' UVs overlap the face tile (at the top corners under the hairline, inside the mouth),
  // and texels they alone covered used to get skin of their own, a light line along the scalp seam.
  AppearanceParams p;
  p.set("hair.coverage", 1.0f);
  p.set("skin.melanin", 0.1f);
  p.set_color("hair.color", {0.05f, 0.035f, 0.025f});
  const at::Tensor albedo = model()->generate(p).albedo;
  auto face = face::FaceModel::load_default();
  for (int tile : {face::kFaceTile, face::kBackHeadTile}) {
    const at::Tensor drawn = face::rasterize_uv(face->topology(), tile, kRes, face::Topology::textured_kinds()).coverage();
    EXPECT_TRUE(at::equal(drawn, covered()[tile])) << "tile " << tile << ": coverage is what is drawn";
    const at::Tensor lum = texel_luminance(albedo[tile].reshape({-1, 3})).reshape({1, kRes, kRes});
    const at::Tensor big = at::full_like(lum, 1e9);
    // Range of the drawn 8-neighbours' luminance at every texel.
    const at::Tensor hi = at::max_pool2d(at::where(drawn.unsqueeze(0), lum, -big), {3, 3}, {1, 1}, {1, 1});
    const at::Tensor lo = -at::max_pool2d(at::where(drawn.unsqueeze(0), -lum, -big), {3, 3}, {1, 1}, {1, 1});
    const at::Tensor beside = (~drawn).unsqueeze(0) & (hi > -1e8);
    ASSERT_GT(beside.sum().item<long>(), 1000) << tile;
    const at::Tensor outside = beside & ((lum > hi + 1e-5) | (lum < lo - 1e-5));
    EXPECT_EQ(outside.sum().item<long>(), 0) << "tile " << tile << ": gap texels beside an island with a value none of its texels has";
  }
}

TEST(AppearanceGenerate, IrisColourOnlyTouchesTheEyeTile) {
  AppearanceParams a = busy(), b = busy();
  b.set_color("iris.color", {0.1f, 0.6f, 0.3f});
  const at::Tensor diff = (stacked(model()->generate(a)) - stacked(model()->generate(b))).abs().amax({1, 2, 3});
  for (int tile = 0; tile < 8; ++tile) {
    if (tile == face::kEyeTile)
      EXPECT_GT(diff[tile].item<float>(), 0.05f);
    else
      EXPECT_EQ(diff[tile].item<float>(), 0.0f) << tile;
  }
}

TEST(AppearanceTextures, WritesTilesAsImages) {
  const auto dir = std::filesystem::temp_directory_path() / "likeness_appearance_test";
  std::filesystem::remove_all(dir);
  const TextureSet t = model()->generate(busy());
  TextureFiles files = write_textures(dir, t, model()->textured_tiles(), {"head", true, 8, model().get()});
  ASSERT_EQ(files.albedo.size(), 6u);
  EXPECT_EQ(files.albedo.at(0), "head_albedo.1001.png");
  EXPECT_EQ(files.normal.at(7), "head_normal.1008.png");
  io::Image albedo = io::read_image(dir / files.albedo.at(0));
  EXPECT_EQ(albedo.width, kRes);
  EXPECT_EQ(albedo.channels, 3);
  // PNG albedo is sRGB: reading it back (decoded to linear) matches within 8-bit precision.
  const at::Tensor back = at::from_blob(albedo.pixels.data(), {kRes, kRes, 3}, at::kFloat);
  EXPECT_LT((back - t.albedo[0]).abs().max().item<float>(), 0.02f);
  io::Image exr = io::read_image(dir / files.albedo_exr.at(0));
  const at::Tensor exr_t = at::from_blob(exr.pixels.data(), {kRes, kRes, 3}, at::kFloat);
  EXPECT_LT((exr_t - t.albedo[0]).abs().max().item<float>(), 2e-3f);
  io::Image normal = io::read_image(dir / files.normal.at(0), io::ColorEncoding::Linear);
  EXPECT_NEAR(normal.at(kRes / 2, kRes / 2, 2), 0.5f * (t.normal[0][kRes / 2][kRes / 2][2].item<float>() + 1.0f), 0.01f);
  EXPECT_TRUE(std::filesystem::exists(dir / files.roughness.at(3)));
  EXPECT_THROW(write_textures(dir, TextureSet{}, {0}), InputError);
  std::filesystem::remove_all(dir);
}
