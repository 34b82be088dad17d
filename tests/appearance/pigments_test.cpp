#include <gtest/gtest.h>

#include <torch/torch.h>

#include "engine/appearance/skin_pigments.h"

using namespace likeness::appearance;

namespace {

at::Tensor scalar(double v) { return at::full({}, v, at::kFloat); }

double luminance(const at::Tensor& rgb) {
  return 0.2126 * rgb[0].item<double>() + 0.7152 * rgb[1].item<double>() + 0.0722 * rgb[2].item<double>();
}

at::Tensor skin(double m, double h = 0.4, double u = 0.0) {
  return SkinPigmentModel::load_default()->skin_albedo(scalar(m), scalar(h), scalar(u));
}

}  // namespace

TEST(SkinPigments, WhiteReflectorIsWhite) {
  auto model = SkinPigmentModel::load_default();
  at::Tensor white = model->spectrum_to_rgb(at::ones({41}));
  EXPECT_TRUE(at::allclose(white, at::ones({3}), 1e-5, 1e-5)) << white;
  at::Tensor grey = model->spectrum_to_rgb(at::full({41}, 0.18));
  EXPECT_TRUE(at::allclose(grey, at::full({3}, 0.18), 1e-5, 1e-5));
}

TEST(SkinPigments, MelaninSpansVeryLightToVeryDarkSkin) {
  // Measured facial skin albedo runs from about L* 75 (Fitzpatrick I) to about L* 25 (VI):
  // luminance about 0.48 to 0.045.
  const double light = luminance(skin(0.0)), dark = luminance(skin(1.0));
  EXPECT_GT(light, 0.35);
  EXPECT_LT(light, 0.6);
  EXPECT_GT(dark, 0.02);
  EXPECT_LT(dark, 0.07);
  double previous = 1.0;
  for (int i = 0; i <= 10; ++i) {
    const double y = luminance(skin(i / 10.0));
    EXPECT_LT(y, previous) << i;
    previous = y;
  }
  // Skin is reddish at every melanin level: R > G > B.
  for (double m : {0.0, 0.3, 0.6, 1.0}) {
    at::Tensor c = skin(m);
    EXPECT_GT(c[0].item<double>(), c[1].item<double>()) << m;
    EXPECT_GT(c[1].item<double>(), c[2].item<double>()) << m;
  }
}

TEST(SkinPigments, BloodReddensAndUndertoneWarms) {
  at::Tensor pale = skin(0.2, 0.0), ruddy = skin(0.2, 1.0);
  EXPECT_GT(ruddy[0].item<double>() / ruddy[1].item<double>(), pale[0].item<double>() / pale[1].item<double>() * 1.1);
  at::Tensor cool = skin(0.3, 0.4, -1.0), warm = skin(0.3, 0.4, 1.0);
  // Warm/golden: more yellow (less blue relative to green).
  EXPECT_LT(warm[2].item<double>() / warm[1].item<double>(), cool[2].item<double>() / cool[1].item<double>() * 0.97);
}

TEST(SkinPigments, GradientsMatchFiniteDifferences) {
  auto model = SkinPigmentModel::load_default();
  at::Tensor m = scalar(0.4).requires_grad_(true), h = scalar(0.5).requires_grad_(true), u = scalar(0.2).requires_grad_(true);
  const at::Tensor w = at::tensor({0.3f, 0.5f, 0.2f});
  at::Tensor loss = (model->skin_albedo(m, h, u) * w).sum();
  auto grads = torch::autograd::grad({loss}, {m, h, u});
  auto f = [&](double mm, double hh, double uu) { return (model->skin_albedo(scalar(mm), scalar(hh), scalar(uu)) * w).sum().item<double>(); };
  const double e = 1e-3;
  const double fd[3] = {(f(0.4 + e, 0.5, 0.2) - f(0.4 - e, 0.5, 0.2)) / (2 * e), (f(0.4, 0.5 + e, 0.2) - f(0.4, 0.5 - e, 0.2)) / (2 * e),
                        (f(0.4, 0.5, 0.2 + e) - f(0.4, 0.5, 0.2 - e)) / (2 * e)};
  for (int k = 0; k < 3; ++k) {
    const double g = grads[static_cast<std::size_t>(k)].item<double>();
    EXPECT_NEAR(g, fd[k], 0.02 * std::abs(fd[k]) + 1e-4) << k;
    EXPECT_NE(g, 0.0) << k;
  }
}

TEST(SkinPigments, BatchesBroadcast) {
  auto model = SkinPigmentModel::load_default();
  at::Tensor out = model->skin_albedo(at::linspace(0, 1, 5), at::full({5}, 0.4), at::zeros({5}));
  ASSERT_EQ(out.sizes(), (std::vector<long>{5, 3}));
  EXPECT_TRUE(at::allclose(out[0], skin(0.0), 1e-5, 1e-6));
  EXPECT_TRUE(at::isfinite(out).all().item<bool>());
}
