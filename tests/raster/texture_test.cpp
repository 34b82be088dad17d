// texture: every filter x boundary x tiling against the tent-filter reference over an avg-pooled
// pyramid, gradients to texels, uvs, uv derivatives and the mip bias against finite differences.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>

#include "engine/raster/cpu_parallel.h"
#include "engine/raster/raster.h"
#include "tests/raster/reference.h"
#include "tests/raster/test_support.h"

namespace likeness::raster::test {
namespace {

struct TextureCase {
  std::string name;
  TextureFilter filter;
  TextureBoundary boundary;
  int tiles;       // 1: a plain texture; more: UDIM
  int tex_views;   // 1: shared; 2: one per view
  bool with_da;
};

struct Inputs {
  at::Tensor tex, uv, uv_da;
};

Inputs make_inputs(const TextureCase& c, std::uint64_t seed, int TH = 8, int TW = 16) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  const int views = 2, H = 6, W = 7;
  Inputs in;
  in.tex = at::rand({c.tex_views, c.tiles, TH, TW, 3}, gen, at::kDouble);
  const at::Tensor r = at::rand({views, H, W, 2}, gen, at::kDouble);
  if (c.tiles > 1) {
    // Mostly inside the tiles, a few outside (zero).
    in.uv = at::stack({r.select(3, 0) * (c.tiles + 0.6) - 0.3, r.select(3, 1) * 2.0 - 0.5}, 3);
  } else {
    in.uv = at::stack({r.select(3, 0) * 4.0 - 1.5, r.select(3, 1) * 3.0 - 1.0}, 3);
  }
  if (c.with_da) {
    // Footprints from a fraction of a texel to the whole texture.
    const at::Tensor scale = at::pow(2.0, at::rand({views, H, W, 1}, gen, at::kDouble) * 7.0 - 1.5);
    const at::Tensor dir = at::randn({views, H, W, 4}, gen, at::kDouble);
    const at::Tensor size = at::tensor({1.0 / TW, 1.0 / TW, 1.0 / TH, 1.0 / TH}, at::kDouble);
    in.uv_da = dir * scale * size;
  }
  return in;
}

TextureOptions options_of(const TextureCase& c, const at::Tensor& uv_da) {
  TextureOptions o;
  o.filter = c.filter;
  o.boundary = c.boundary;
  o.uv_da = uv_da;
  return o;
}

void PrintTo(const TextureCase& c, std::ostream* os) { *os << c.name; }

class TextureCases : public ::testing::TestWithParam<TextureCase> {};

TEST_P(TextureCases, MatchesReference) {
  const TextureCase& c = GetParam();
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const Inputs in = make_inputs(c, seed);
    const at::Tensor out = texture(in.tex, in.uv, options_of(c, in.uv_da));
    ASSERT_EQ(out.sizes(), (at::IntArrayRef{2, 6, 7, 3}));
    const at::Tensor ref = reference_texture(in.tex, in.uv, in.uv_da, c.filter, c.boundary);
    EXPECT_LT((out - ref).abs().max().item<double>(), 1e-10) << c.name << " seed " << seed;
    // float32 runs the same path.
    TextureOptions of = options_of(c, in.uv_da.defined() ? in.uv_da.to(at::kFloat) : at::Tensor());
    const at::Tensor out_f = texture(in.tex.to(at::kFloat), in.uv.to(at::kFloat), of);
    EXPECT_LT((out_f.to(at::kDouble) - ref).abs().max().item<double>(), 2e-4) << c.name << " float32";
  }
}

TEST_P(TextureCases, GradientsMatchFiniteDifferences) {
  const TextureCase& c = GetParam();
  const Inputs in = make_inputs(c, 9);
  const at::Tensor tex = in.tex.clone().requires_grad_(true);
  const at::Tensor uv = in.uv.clone().requires_grad_(true);
  const at::Tensor uv_da = in.uv_da.defined() ? in.uv_da.clone().requires_grad_(true) : at::Tensor();
  const at::Tensor out = texture(tex, uv, options_of(c, uv_da));
  const at::Tensor w = loss_weights(out, 10);
  (out * w).sum().backward();
  auto loss = [&](const at::Tensor& t, const at::Tensor& u, const at::Tensor& d) {
    return (texture(t, u, options_of(c, d)) * w).sum().item<double>();
  };
  const at::Tensor da = uv_da.defined() ? uv_da.detach() : at::Tensor();
  GradCheck g;
  g.samples = 80;
  g.atol = 1e-7;
  check_gradient([&](const at::Tensor& x) { return loss(x, uv.detach(), da); }, tex, tex.grad(), g, c.name + " tex");
  if (c.filter == TextureFilter::Nearest) {
    EXPECT_EQ(uv.grad().abs().sum().item<double>(), 0.0);
  } else {
    check_gradient([&](const at::Tensor& x) { return loss(tex.detach(), x, da); }, uv, uv.grad(), g, c.name + " uv");
    EXPECT_GT(uv.grad().abs().sum().item<double>(), 0.0);
  }
  if (c.filter == TextureFilter::LinearMipmapLinear && uv_da.defined()) {
    g.rtol = 1e-3;
    check_gradient([&](const at::Tensor& x) { return loss(tex.detach(), uv.detach(), x); }, uv_da, uv_da.grad(), g,
                   c.name + " uv_da");
    EXPECT_GT(uv_da.grad().abs().sum().item<double>(), 0.0);
  }
}

TEST_P(TextureCases, Float32MatchesFloat64) {
  // float32 textures sample and differentiate in float arithmetic (a vectorised plan on
  // power-of-two textures, a per-pixel one otherwise): outputs and all gradients agree with the
  // float64 run of the same inputs.
  const TextureCase& c = GetParam();
  for (const auto& [th, tw] : {std::pair<int, int>{8, 16}, {10, 12}}) {
    const Inputs in = make_inputs(c, 5, th, tw);
    struct Run {
      at::Tensor out, tex, uv, uv_da;
    };
    auto run = [&](at::ScalarType type, const at::Tensor& w) {
      Run r;
      const at::Tensor tex = in.tex.to(type).clone().requires_grad_(true);
      const at::Tensor uv = in.uv.to(type).clone().requires_grad_(true);
      const at::Tensor uv_da = in.uv_da.defined() ? in.uv_da.to(type).clone().requires_grad_(true) : at::Tensor();
      r.out = texture(tex, uv, options_of(c, uv_da));
      (r.out * (w.defined() ? w.to(type) : at::ones_like(r.out))).sum().backward();
      r.tex = tex.grad().to(at::kDouble);
      r.uv = uv.grad().to(at::kDouble);
      if (uv_da.defined()) r.uv_da = uv_da.grad().to(at::kDouble);
      r.out = r.out.detach().to(at::kDouble);
      return r;
    };
    const at::Tensor w = loss_weights(texture(in.tex, in.uv, options_of(c, in.uv_da)), 6);
    const Run d = run(at::kDouble, w), f = run(at::kFloat, w);
    auto close = [&](const at::Tensor& a, const at::Tensor& b, double rel, const char* what) {
      const double scale = b.abs().max().item<double>();
      EXPECT_LE((a - b).abs().max().item<double>(), rel * scale + 1e-6)
          << c.name << " " << th << "x" << tw << " " << what << " (largest " << scale << ")";
    };
    close(f.out, d.out, 1e-5, "out");
    close(f.tex, d.tex, 1e-5, "tex");
    close(f.uv, d.uv, 1e-4, "uv");
    if (d.uv_da.defined()) close(f.uv_da, d.uv_da, 1e-3, "uv_da");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, TextureCases,
    ::testing::Values(
        TextureCase{"nearest_wrap", TextureFilter::Nearest, TextureBoundary::Wrap, 1, 1, false},
        TextureCase{"nearest_clamp_udim", TextureFilter::Nearest, TextureBoundary::Clamp, 3, 1, false},
        TextureCase{"linear_wrap", TextureFilter::Linear, TextureBoundary::Wrap, 1, 1, false},
        TextureCase{"linear_clamp", TextureFilter::Linear, TextureBoundary::Clamp, 1, 2, false},
        TextureCase{"linear_zero", TextureFilter::Linear, TextureBoundary::Zero, 1, 1, false},
        TextureCase{"linear_wrap_udim", TextureFilter::Linear, TextureBoundary::Wrap, 3, 1, false},
        TextureCase{"linear_clamp_udim_per_view", TextureFilter::Linear, TextureBoundary::Clamp, 4, 2, false},
        TextureCase{"mip_nearest_wrap", TextureFilter::LinearMipmapNearest, TextureBoundary::Wrap, 1, 1, true},
        TextureCase{"trilinear_wrap", TextureFilter::LinearMipmapLinear, TextureBoundary::Wrap, 1, 1, true},
        TextureCase{"trilinear_clamp_udim", TextureFilter::LinearMipmapLinear, TextureBoundary::Clamp, 3, 2, true},
        TextureCase{"trilinear_zero_udim", TextureFilter::LinearMipmapLinear, TextureBoundary::Zero, 2, 1, true},
        TextureCase{"trilinear_without_derivatives", TextureFilter::LinearMipmapLinear, TextureBoundary::Wrap, 1, 1,
                    false}),
    [](const ::testing::TestParamInfo<TextureCase>& p) { return p.param.name; });

TEST(Texture, ChannelCountsOfTheFastPath) {
  // 1 and 4 channels take the fast path (2 the general one): values against the reference in
  // float64 and float32, texel and uv gradients against finite differences, on a power-of-two
  // texture (vectorised plan) and an odd-sized one, wrap and clamp, bilinear and trilinear.
  for (const int C : {1, 2, 4}) {
    for (const auto& [th, tw] : {std::pair<int, int>{16, 8}, {9, 14}}) {
      for (const TextureFilter filter : {TextureFilter::Linear, TextureFilter::LinearMipmapLinear}) {
        for (const TextureBoundary boundary : {TextureBoundary::Wrap, TextureBoundary::Clamp}) {
          at::Generator gen = at::detail::createCPUGenerator(31 + C);
          const at::Tensor tex = at::rand({2, th, tw, C}, gen, at::kDouble);
          const at::Tensor r = at::rand({1, 5, 9, 2}, gen, at::kDouble);
          const at::Tensor uv = at::stack({r.select(3, 0) * 2.4 - 0.2, r.select(3, 1) * 1.4 - 0.2}, 3);
          const at::Tensor uv_da = at::randn({1, 5, 9, 4}, gen, at::kDouble) *
                                   at::pow(2.0, at::rand({1, 5, 9, 1}, gen, at::kDouble) * 5.0 - 1.0) *
                                   at::tensor({1.0 / tw, 1.0 / tw, 1.0 / th, 1.0 / th}, at::kDouble);
          const std::string name = std::to_string(C) + " channels " + std::to_string(th) + "x" + std::to_string(tw) +
                                   (filter == TextureFilter::Linear ? " linear" : " trilinear") +
                                   (boundary == TextureBoundary::Wrap ? " wrap" : " clamp");
          TextureOptions o;
          o.filter = filter;
          o.boundary = boundary;
          o.uv_da = filter == TextureFilter::Linear ? at::Tensor() : uv_da;
          // The reference pyramid (average pooling) matches the kernel's only for even sizes: on
          // the odd-sized texture the mip-mapped float64 result stands in for it.
          const bool even = filter == TextureFilter::Linear || th == 16;
          const at::Tensor ref =
              even ? reference_texture(tex.unsqueeze(0), uv, o.uv_da, filter, boundary) : texture(tex, uv, o);
          EXPECT_LT((texture(tex, uv, o) - ref).abs().max().item<double>(), 1e-10) << name;
          TextureOptions of = o;
          if (of.uv_da.defined()) of.uv_da = of.uv_da.to(at::kFloat);
          EXPECT_LT((texture(tex.to(at::kFloat), uv.to(at::kFloat), of).to(at::kDouble) - ref).abs().max().item<double>(),
                    2e-4)
              << name << " float32";
          const at::Tensor t = tex.clone().requires_grad_(true), u = uv.clone().requires_grad_(true);
          const at::Tensor out = texture(t, u, o);
          const at::Tensor w = loss_weights(out, 7);
          (out * w).sum().backward();
          GradCheck g;
          g.samples = 30;
          g.atol = 1e-7;
          check_gradient([&](const at::Tensor& x) { return (texture(x, uv, o) * w).sum().item<double>(); }, t,
                         t.grad(), g, name + " tex");
          check_gradient([&](const at::Tensor& x) { return (texture(tex, x, o) * w).sum().item<double>(); }, u,
                         u.grad(), g, name + " uv");
        }
      }
    }
  }
}

TEST(Texture, TexelCentresFollowImageRows) {
  // Texel (x, y), row 0 at the top, sits at u = (x + 0.5) / W, v = 1 - (y + 0.5) / H.
  const at::Tensor tex = at::arange(12, at::kFloat).reshape({3, 4, 1});
  std::vector<float> uv;
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x) uv.insert(uv.end(), {(x + 0.5f) / 4, 1.0f - (y + 0.5f) / 3});
  const at::Tensor out = texture(tex, at::tensor(uv).reshape({1, 3, 4, 2}));
  EXPECT_TRUE(at::allclose(out.reshape({-1}), at::arange(12, at::kFloat), 1e-5, 1e-5));
}

TEST(Texture, UdimTileSelectionAndOutsideTiles) {
  // Tile k is filled with k + 1; u in [k, k + 1) reads it, u outside the tiles reads 0.
  const at::Tensor tex = (at::arange(3, at::kDouble) + 1).reshape({3, 1, 1, 1}).expand({3, 4, 4, 1}).contiguous();
  const at::Tensor uv = at::tensor({0.5, 0.5, 1.01, 0.2, 2.99, 0.7, -0.5, 0.5, 3.2, 0.5}, at::kDouble).reshape({1, 1, 5, 2});
  const at::Tensor out = texture(tex, uv).reshape({-1});
  EXPECT_TRUE(at::allclose(out, at::tensor({1.0, 2.0, 3.0, 0.0, 0.0}, at::kDouble)));
}

TEST(Texture, PyramidsOfUnsampledTilesAreNeitherBuiltNorRead) {
  // Four tiles, pixels only in tiles 1 and 3 (u on and next to the tile borders among them);
  // tiles 0 and 2 hold NaN. Trilinear with footprints up to the whole tile, shared and per-view
  // textures, double and float: the same image as the reference with those tiles zeroed, no
  // NaN anywhere, and no gradient reaching the unsampled tiles.
  at::Generator gen = at::detail::createCPUGenerator(21);
  for (int tex_views : {1, 2})
    for (at::ScalarType dtype : {at::kDouble, at::kFloat}) {
      at::Tensor tex = at::rand({tex_views, 4, 16, 16, 3}, gen, at::kDouble);
      at::Tensor clean = tex.clone();
      for (int t : {0, 2}) {
        tex.select(1, t).fill_(std::numeric_limits<double>::quiet_NaN());
        clean.select(1, t).zero_();
      }
      at::Tensor u = at::rand({2, 5, 6}, gen, at::kDouble) * 0.98 + 0.01;
      u = u + at::where(at::rand({2, 5, 6}, gen) > 0.5, at::full({}, 3.0, at::kDouble), at::full({}, 1.0, at::kDouble));
      u.select(2, 0).fill_(1.0);
      u.select(2, 1).fill_(3.0);
      u.select(2, 2).fill_(1.999999);
      u.select(2, 3).fill_(3.999999);
      const at::Tensor uv = at::stack({u, at::rand({2, 5, 6}, gen, at::kDouble)}, 3);
      const at::Tensor uv_da = at::randn({2, 5, 6, 4}, gen, at::kDouble) * at::pow(2.0, at::rand({2, 5, 6, 1}, gen, at::kDouble) * 5.0 - 5.0);
      TextureOptions o;
      o.filter = TextureFilter::LinearMipmapLinear;
      o.boundary = TextureBoundary::Clamp;
      o.uv_da = uv_da.to(dtype);
      const at::Tensor t = tex.to(dtype).requires_grad_(true);
      const at::Tensor out = texture(t, uv.to(dtype), o);
      const at::Tensor ref = reference_texture(clean, uv, uv_da, o.filter, o.boundary);
      const double tol = dtype == at::kDouble ? 1e-10 : 2e-4;
      ASSERT_TRUE(at::isfinite(out).all().item<bool>()) << tex_views << " " << dtype;
      EXPECT_LT((out.to(at::kDouble) - ref).abs().max().item<double>(), tol) << tex_views << " " << dtype;
      out.sum().backward();
      for (int tile : {0, 2}) EXPECT_EQ(t.grad().select(1, tile).abs().max().item<double>(), 0.0) << tile;
      for (int tile : {1, 3}) EXPECT_GT(t.grad().select(1, tile).abs().max().item<double>(), 0.0) << tile;
    }
}

TEST(Texture, MipLevelsOfOddSizesPreserveTheMean) {
  // 5 x 3 texture: levels 2 x 1 and 1 x 1 use fractional footprints; a constant stays constant
  // and the coarsest level is the mean.
  at::Generator gen = at::detail::createCPUGenerator(3);
  const at::Tensor tex = at::rand({3, 5, 2}, gen, at::kDouble);
  TextureOptions o;
  o.filter = TextureFilter::LinearMipmapNearest;
  o.mip_level_bias = at::full({1, 1, 1}, 10.0, at::kDouble);  // the coarsest level
  const at::Tensor out = texture(tex, at::full({1, 1, 1, 2}, 0.3, at::kDouble), o);
  EXPECT_TRUE(at::allclose(out.reshape({2}), tex.mean(std::vector<int64_t>{0, 1})));
  const at::Tensor ones = texture(at::ones({3, 5, 1}, at::kDouble), at::rand({1, 4, 4, 2}, gen, at::kDouble),
                                  [] {
                                    TextureOptions t;
                                    t.filter = TextureFilter::LinearMipmapLinear;
                                    t.mip_level_bias = at::full({1, 4, 4}, 0.7, at::kDouble);
                                    return t;
                                  }());
  EXPECT_TRUE(at::allclose(ones, at::ones_like(ones)));
}

TEST(Texture, MipBiasGradient) {
  at::Generator gen = at::detail::createCPUGenerator(4);
  const at::Tensor tex = at::rand({2, 16, 16, 2}, gen, at::kDouble).requires_grad_(true);
  const at::Tensor uv = at::rand({1, 5, 5, 2}, gen, at::kDouble) * at::tensor({2.0, 1.0}, at::kDouble);
  const at::Tensor bias = (at::rand({1, 5, 5}, gen, at::kDouble) * 3.6 + 0.2).requires_grad_(true);
  auto run = [&](const at::Tensor& t, const at::Tensor& b) {
    TextureOptions o;
    o.filter = TextureFilter::LinearMipmapLinear;
    o.mip_level_bias = b;
    return texture(t, uv, o);
  };
  const at::Tensor out = run(tex, bias);
  const at::Tensor w = loss_weights(out, 2);
  (out * w).sum().backward();
  GradCheck g;
  g.samples = 25;
  EXPECT_EQ(check_gradient([&](const at::Tensor& x) { return (run(tex.detach(), x) * w).sum().item<double>(); }, bias,
                           bias.grad(), g, "bias"),
            25);
  check_gradient([&](const at::Tensor& x) { return (run(x, bias.detach()) * w).sum().item<double>(); }, tex, tex.grad(),
                 g, "tex through the pyramid");
}

/// The texel gradient of sum(texture(tex) * w), by linearity in tex: one forward pass per texel
/// with a one-hot texture (independent of the backward pass and its sparse gradient pyramid).
at::Tensor dense_texel_gradient(const at::Tensor& tex, const at::Tensor& uv, const TextureOptions& o,
                                const at::Tensor& w) {
  at::Tensor grad = at::zeros_like(tex);
  at::Tensor flat = grad.view({-1});
  at::Tensor basis = at::zeros_like(tex);
  at::Tensor basis_flat = basis.view({-1});
  for (int64_t i = 0; i < flat.numel(); ++i) {
    basis_flat[i] = 1.0;
    flat[i] = (texture(basis, uv, o) * w).sum().item<double>();
    basis_flat[i] = 0.0;
  }
  return grad;
}

TEST(Texture, SparseTexelGradientEqualsDenseGradient) {
  // Samples crowd into a corner of one tile, at levels 0 to 3, so most texel rows of every level
  // are never touched: the rows that are must still add up exactly as the dense transpose does,
  // and the rest must read zero. Power-of-two tiles (the row-sparse walk) and odd sizes (the
  // general filter), one worker and three.
  for (const auto& [th, tw] : {std::pair<int, int>{16, 16}, {12, 10}}) {
    at::Generator gen = at::detail::createCPUGenerator(21);
    const at::Tensor tex = at::rand({2, th, tw, 2}, gen, at::kDouble).requires_grad_(true);
    const at::Tensor r = at::rand({2, 5, 6, 2}, gen, at::kDouble);
    const at::Tensor uv = at::stack({r.select(3, 0) * 0.3 + 1.05, r.select(3, 1) * 0.25 + 0.7}, 3);
    const at::Tensor scale = at::pow(2.0, at::rand({2, 5, 6, 1}, gen, at::kDouble) * 3.5);
    const at::Tensor uv_da = at::randn({2, 5, 6, 4}, gen, at::kDouble) * scale *
                             at::tensor({1.0 / tw, 1.0 / tw, 1.0 / th, 1.0 / th}, at::kDouble);
    TextureOptions o;
    o.filter = TextureFilter::LinearMipmapLinear;
    o.boundary = TextureBoundary::Clamp;
    o.uv_da = uv_da;
    const at::Tensor w = loss_weights(texture(tex.detach(), uv, o), 5);
    const at::Tensor dense = dense_texel_gradient(tex.detach(), uv, o, w);
    EXPECT_GT(dense.abs().sum().item<double>(), 0.0);
    EXPECT_GT((dense == 0).sum().item<int64_t>(), dense.numel() / 4) << "the samples should leave texels untouched";
    for (const int threads : {1, 3}) {
      const int saved = at::get_num_threads();
      at::set_num_threads(threads);
      cpu::set_round_robin_schedule(threads > 1);
      tex.mutable_grad().reset();
      (texture(tex, uv, o) * w).sum().backward();
      cpu::set_round_robin_schedule(false);
      at::set_num_threads(saved);
      EXPECT_LT((tex.grad() - dense).abs().max().item<double>(), 1e-13) << th << "x" << tw << ", " << threads << " threads";
      EXPECT_TRUE(at::equal(tex.grad() == 0, dense == 0)) << th << "x" << tw << ", " << threads << " threads";
    }
  }
}

TEST(Texture, RecycledBuffersCarryNothingOver) {
  // Textures large enough that the pyramid and the texel gradient reuse storage between calls:
  // a gradient after a call that touched other texels (and a texture edited in place) equals
  // the first one exactly.
  at::Generator gen = at::detail::createCPUGenerator(22);
  const at::Tensor tex = at::rand({2, 256, 256, 3}, gen, at::kFloat).requires_grad_(true);
  const at::Tensor uv_a = at::rand({1, 16, 16, 2}, gen, at::kFloat) * 0.2f + 0.1f;
  const at::Tensor uv_b = at::rand({1, 16, 16, 2}, gen, at::kFloat) * 0.5f + at::tensor({1.4f, 0.4f});
  const at::Tensor uv_da = at::full({1, 16, 16, 4}, 1.5f / 256, at::kFloat);
  TextureOptions o;
  o.filter = TextureFilter::LinearMipmapLinear;
  o.uv_da = uv_da;
  auto run = [&](const at::Tensor& uv) {
    tex.mutable_grad().reset();
    const at::Tensor out = texture(tex, uv, o);
    (out * out).sum().backward();
    // Copies: the next call may reuse the gradient's storage once the leaf lets go of it.
    return std::pair<at::Tensor, at::Tensor>{out.detach().clone(), tex.grad().clone()};
  };
  const auto [out_a, grad_a] = run(uv_a);
  const auto [out_b, grad_b] = run(uv_b);
  EXPECT_FALSE(at::equal(grad_a, grad_b));
  const auto [out_a2, grad_a2] = run(uv_a);
  EXPECT_TRUE(at::equal(out_a, out_a2));
  EXPECT_TRUE(at::equal(grad_a, grad_a2));
  // An in-place edit of the texture is seen by the next call.
  {
    at::NoGradGuard no_grad;
    tex.mul_(0.5f);
  }
  const auto [out_half, grad_half] = run(uv_a);
  EXPECT_TRUE(at::allclose(out_half, out_a * 0.5f, 1e-6, 1e-6));
  const at::Tensor fresh = texture(tex.detach().clone(), uv_a, o);
  EXPECT_TRUE(at::equal(out_half, fresh));
}

TEST(Texture, NonFiniteUvReadsZero) {
  const at::Tensor tex = at::ones({4, 4, 3}, at::kFloat);
  const at::Tensor uv = at::tensor({NAN, 0.5f, 0.5f, INFINITY}, at::kFloat).reshape({1, 1, 2, 2}).requires_grad_(true);
  const at::Tensor out = texture(tex, uv);
  EXPECT_EQ(out.abs().sum().item<float>(), 0.0f);
  out.sum().backward();
  EXPECT_TRUE(at::isfinite(uv.grad()).all().item<bool>());
}

}  // namespace
}  // namespace likeness::raster::test
