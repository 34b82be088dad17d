// The noise schedule, classifier-free / score-distillation / InstructPix2Pix guidance, attention
// capture and slicing, ControlNet options, and input gradients checked by finite differences.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/neural/attention_capture.h"
#include "engine/neural/clip.h"
#include "engine/neural/controlnet.h"
#include "engine/neural/detail/attention.h"
#include "engine/neural/guidance.h"
#include "engine/neural/schedule.h"
#include "engine/neural/unet.h"
#include "engine/neural/vae.h"
#include "engine/neural/weights.h"
#include "tests/neural/neural_ref.h"

namespace fs = std::filesystem;
using namespace likeness;
using namespace likeness::neural;
using namespace likeness::neural::test;

namespace {

ModelOptions float64() {
  ModelOptions o;
  o.dtype = at::kDouble;
  return o;
}

// Fills a created model's parameters like the reference does: weights N/sqrt(fan_in), norms near 1.
void randomize(const NeuralModel& model, std::uint64_t seed) {
  at::NoGradGuard no_grad;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (auto& [name, p] : model.named_parameters()) {
    at::Tensor noise = at::randn(p.sizes(), gen, p.options());
    if (name.find("norm") != std::string::npos)
      p.copy_(name.size() > 6 && name.substr(name.size() - 6) == "weight" ? 1 + 0.1 * noise : 0.1 * noise);
    else
      p.copy_(p.dim() > 1 ? noise / std::sqrt(static_cast<double>(p.numel() / p.size(0))) : 0.05 * noise);
  }
}

// d/dh f(x + h d) at 0 by central differences, against the autograd directional derivative.
void expect_gradient_matches(const std::function<at::Tensor(const at::Tensor&)>& f, const at::Tensor& x, std::uint64_t seed,
                             const std::string& what) {
  at::Tensor leaf = x.clone().requires_grad_(true);
  f(leaf).backward();
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (int trial = 0; trial < 3; ++trial) {
    const at::Tensor d = at::randn(x.sizes(), gen, x.options());
    const double h = 1e-5;
    at::NoGradGuard no_grad;
    const double plus = f(x + h * d).item<double>(), minus = f(x - h * d).item<double>();
    ASSERT_TRUE(std::isfinite(plus) && std::isfinite(minus)) << what << ", direction " << trial << ": " << plus << ", " << minus;
    const double numeric = (plus - minus) / (2 * h);
    const double analytic = (leaf.grad() * d).sum().item<double>();
    EXPECT_NEAR(analytic, numeric, 1e-6 * std::max(1.0, std::abs(numeric))) << what << ", direction " << trial;
  }
}

}  // namespace

TEST(Schedule, ScaledLinearBetasAsStableDiffusion) {
  const NoiseSchedule s;
  ASSERT_EQ(s.num_timesteps(), 1000);
  double product = 1;
  const double a = std::sqrt(0.00085), b = std::sqrt(0.012);
  for (int i = 0; i < 1000; ++i) {
    const double beta = std::pow(a + (b - a) * i / 999.0, 2);
    product *= 1 - beta;
    ASSERT_NEAR(s.betas()[i], beta, 1e-8) << i;
    ASSERT_NEAR(s.alphas_cumprod()[i], product, 2e-6 * std::max(product, 1e-3)) << i;
  }
  EXPECT_NEAR(s.alpha_cumprod(0), 0.99915, 1e-7);
  EXPECT_NEAR(s.alpha_cumprod(999), 0.0046, 1e-4);
  EXPECT_THROW(s.alpha_cumprod(1000), InputError);
  const NoiseSchedule linear(ScheduleConfig::from_json(Json{{"beta_schedule", "linear"}, {"beta_start", 0.0001}, {"beta_end", 0.02}}, "s"));
  EXPECT_NEAR(linear.betas()[500], 0.0001 + 0.0199 * 500 / 999.0, 1e-8);
  EXPECT_THROW(ScheduleConfig::from_json(Json{{"beta_schedule", "squaredcos_cap_v2"}}, "s"), InputError);
  EXPECT_THROW(ScheduleConfig::from_json(Json{{"prediction_type", "sample"}}, "s"), InputError);
}

TEST(Schedule, NoiseAndPredictionConversionsRoundTrip) {
  ScheduleConfig v_config;
  v_config.prediction_type = PredictionType::VPrediction;
  const NoiseSchedule eps_schedule, v_schedule(v_config);
  const at::Tensor x0 = at::randn({3, 4, 5, 6}, at::kDouble), noise = at::randn({3, 4, 5, 6}, at::kDouble);
  const at::Tensor t = at::tensor({10, 500, 990}, at::kLong);
  const at::Tensor x_t = eps_schedule.add_noise(x0, noise, t);
  const double a = eps_schedule.alpha_cumprod(500);
  EXPECT_TRUE(at::allclose(x_t[1], std::sqrt(a) * x0[1] + std::sqrt(1 - a) * noise[1]));
  EXPECT_TRUE(at::allclose(eps_schedule.x0_from_output(noise, x_t, t), x0));
  const at::Tensor v = v_schedule.velocity(x0, noise, t);
  EXPECT_TRUE(at::allclose(v_schedule.epsilon_from_output(v, x_t, t), noise));
  EXPECT_TRUE(at::allclose(v_schedule.x0_from_output(v, x_t, t), x0));
  EXPECT_TRUE(at::allclose(eps_schedule.epsilon_from_output(noise, x_t, t), noise));
  const at::Tensor w = eps_schedule.sds_weight(t, SdsWeighting::OneMinusAlphaBar, x0);
  EXPECT_EQ(w.sizes(), (std::vector<std::int64_t>{3, 1, 1, 1}));
  EXPECT_NEAR(w[1].item<double>(), 1 - a, 1e-12);
  EXPECT_NEAR(eps_schedule.sds_weight(t, SdsWeighting::SqrtAlphaBar, x0)[1].item<double>(), std::sqrt(a) * (1 - a), 1e-12);
  EXPECT_THROW(eps_schedule.add_noise(x0, noise, at::tensor({1, 2}, at::kLong)), InputError);
}

TEST(Guidance, ClassifierFreeAndInstructPix2PixFormulas) {
  const at::Tensor u = at::randn({2, 4}), c = at::randn({2, 4}), i = at::randn({2, 4});
  EXPECT_TRUE(at::allclose(classifier_free_guidance(u, c, 1.0), c));
  EXPECT_TRUE(at::allclose(classifier_free_guidance(u, c, 0.0), u));
  EXPECT_TRUE(at::allclose(classifier_free_guidance(u, c, 7.5), u + 7.5 * (c - u)));
  EXPECT_TRUE(at::allclose(instruct_pix2pix_guidance(c, i, u, 1.0, 1.0), c));
  EXPECT_TRUE(at::allclose(instruct_pix2pix_guidance(c, i, u, 15, 2), u + 15 * (c - i) + 2 * (i - u)));
}

TEST(Guidance, ScoreDistillationGradientIsWeightedNoiseResidual) {
  const Reference ref("unet");
  const UNet unet = UNet::load(ref.dir());
  const NoiseSchedule schedule;
  const at::Tensor latents = ref.get("input.sample").narrow(0, 0, 2).clone().requires_grad_(true);
  const at::Tensor noise = at::randn(latents.sizes());
  const at::Tensor t = at::tensor({200, 700}, at::kLong);
  const at::Tensor cond = ref.get("input.encoder_hidden_states").narrow(0, 0, 1);
  const at::Tensor uncond = ref.get("input.encoder_hidden_states").narrow(0, 2, 1);
  SdsOptions options;
  options.guidance_scale = 7.5;
  const at::Tensor grad = sds_gradient(unet, schedule, latents, t, noise, cond, uncond, options);
  EXPECT_FALSE(grad.requires_grad()) << "SDS skips the UNet Jacobian";
  // By hand: noise, run the [uncond; cond] pair, guide, weigh.
  const at::Tensor x_t = schedule.add_noise(latents.detach(), noise, t);
  const at::Tensor out = unet.forward(at::cat({x_t, x_t}), at::cat({t, t}), at::cat({uncond.expand({2, -1, -1}), cond.expand({2, -1, -1})}));
  const at::Tensor eps = out.narrow(0, 0, 2) + 7.5 * (out.narrow(0, 2, 2) - out.narrow(0, 0, 2));
  const at::Tensor expected = schedule.sds_weight(t, SdsWeighting::OneMinusAlphaBar, eps) * (eps - noise);
  EXPECT_TRUE(close(grad, expected, 1e-5));
  sds_surrogate_loss(latents, grad).backward();
  EXPECT_TRUE(at::equal(latents.grad(), grad));
}

TEST(Guidance, ScoreDistillationReachesTheImageThroughTheVae) {
  const Vae vae = Vae::load(Reference("vae").dir());
  const UNet unet = UNet::load(Reference("unet").dir());
  const Reference unet_ref("unet");
  at::Tensor image = at::rand({1, 3, 48, 64}).mul(2).sub(1).requires_grad_(true);
  const at::Tensor latents = vae.encode(image).mean * vae.config().scaling_factor;
  const at::Tensor ehs = unet_ref.get("input.encoder_hidden_states");
  const at::Tensor grad =
      sds_gradient(unet, NoiseSchedule(), latents, at::tensor({500}, at::kLong), at::randn(latents.sizes()), ehs.narrow(0, 0, 1),
                   ehs.narrow(0, 1, 1));
  sds_surrogate_loss(latents, grad).backward();
  ASSERT_TRUE(image.grad().defined());
  EXPECT_TRUE(image.grad().isfinite().all().item<bool>());
  EXPECT_GT(image.grad().abs().max().item<double>(), 0);
}

TEST(Guidance, VPredictionIsConvertedToNoise) {
  const Reference ref("unet");
  ModelOptions v_options;
  v_options.prediction_type = PredictionType::VPrediction;
  const UNet unet = UNet::load(ref.dir(), v_options);
  ScheduleConfig config;
  config.prediction_type = PredictionType::VPrediction;
  const NoiseSchedule schedule(config);
  const at::Tensor x_t = ref.get("input.sample").narrow(0, 0, 1), t = at::tensor({300}, at::kLong);
  const at::Tensor ehs = ref.get("input.encoder_hidden_states");
  SdsOptions o;
  o.guidance_scale = 1.0;  // the conditional branch alone
  const at::Tensor eps = guided_noise(unet, schedule, x_t, t, ehs.narrow(0, 0, 1), ehs.narrow(0, 1, 1), o);
  const at::Tensor v = unet.forward(x_t, t, ehs.narrow(0, 0, 1));
  const double a = schedule.alpha_cumprod(300);
  EXPECT_TRUE(close(eps, std::sqrt(a) * v + std::sqrt(1 - a) * x_t, 1e-5));
}

TEST(Guidance, ScoreDistillationWithControlNet) {
  const UNet unet = UNet::load(Reference("unet").dir());
  const Reference ref("controlnet");
  const ControlNet controlnet = ControlNet::load(ref.dir());
  const NoiseSchedule schedule;
  const at::Tensor latents = ref.get("input.sample").narrow(0, 0, 1), noise = at::randn(latents.sizes());
  const at::Tensor image = ref.get("input.controlnet_cond").narrow(0, 0, 1);
  const at::Tensor ehs = ref.get("input.encoder_hidden_states"), t = at::tensor({400}, at::kLong);
  SdsOptions o;
  o.guidance_scale = 3;
  o.controlnet = &controlnet;
  o.control_image = image;
  o.control_scale = 0.8;
  const at::Tensor grad = sds_gradient(unet, schedule, latents, t, noise, ehs.narrow(0, 0, 1), ehs.narrow(0, 1, 1), o);
  const at::Tensor x_t = schedule.add_noise(latents, noise, t);
  const at::Tensor x2 = at::cat({x_t, x_t}), t2 = at::cat({t, t}), e2 = at::cat({ehs.narrow(0, 1, 1), ehs.narrow(0, 0, 1)});
  const ControlResiduals r = controlnet.forward(x2, t2, e2, at::cat({image, image}), 0.8);
  UNetCall call;
  call.control = &r;
  const at::Tensor out = unet.forward(x2, t2, e2, call);
  const at::Tensor eps = classifier_free_guidance(out.narrow(0, 0, 1), out.narrow(0, 1, 1), 3);
  EXPECT_TRUE(close(grad, schedule.sds_weight(t, SdsWeighting::OneMinusAlphaBar, eps) * (eps - noise), 1e-5));
  SdsOptions without = o;
  without.controlnet = nullptr;
  EXPECT_FALSE(close(sds_gradient(unet, schedule, latents, t, noise, ehs.narrow(0, 0, 1), ehs.narrow(0, 1, 1), without), grad, 1e-3));
}

TEST(Guidance, InstructPix2PixThreeBranches) {
  UNetConfig config = UNetConfig::from_json(load_json_file(Reference("unet").dir() / "config.json"), "config");
  const std::int64_t c = config.in_channels, tokens = Reference("unet").get("input.encoder_hidden_states").size(1);
  config.in_channels = 2 * c;  // latent + image latent
  const UNet unet = UNet::create(config);
  randomize(unet, 7);
  const NoiseSchedule schedule;
  const at::Tensor x_t = at::randn({1, c, 8, 16}), image = at::randn({1, c, 8, 16}), t = at::tensor({600}, at::kLong);
  const at::Tensor text = at::randn({1, tokens, config.cross_attention_dim[0]}), uncond = at::randn({1, tokens, config.cross_attention_dim[0]});
  Pix2PixOptions o;
  o.text_scale = 15;
  o.image_scale = 2;
  const at::Tensor eps = pix2pix_noise(unet, schedule, x_t, t, text, uncond, image, o);
  const at::Tensor e_text = unet.forward(at::cat({x_t, image}, 1), t, text);
  const at::Tensor e_image = unet.forward(at::cat({x_t, image}, 1), t, uncond);
  const at::Tensor e_none = unet.forward(at::cat({x_t, at::zeros_like(image)}, 1), t, uncond);
  EXPECT_TRUE(close(eps, e_none + 15 * (e_text - e_image) + 2 * (e_image - e_none), 1e-4));
  const at::Tensor noise = at::randn({1, c, 8, 16}), latents = at::randn({1, c, 8, 16});
  const at::Tensor grad = pix2pix_sds_gradient(unet, schedule, latents, t, noise, text, uncond, image, o);
  const at::Tensor expected = pix2pix_noise(unet, schedule, schedule.add_noise(latents, noise, t), t, text, uncond, image, o) - noise;
  EXPECT_TRUE(close(grad, (1 - schedule.alpha_cumprod(600)) * expected, 1e-4));
  const UNet plain = UNet::load(Reference("unet").dir());
  EXPECT_THROW(pix2pix_noise(plain, schedule, x_t, t, text, uncond, image, o), InputError);
}

TEST(AttentionCapture, IdenticalTokensGiveUniformMaps) {
  const Reference ref("unet");
  const UNet unet = UNet::load(ref.dir());
  AttentionCapture capture(16, 16);
  UNetCall call;
  call.capture = &capture;
  const at::Tensor given = ref.get("input.encoder_hidden_states");
  const std::int64_t batch = given.size(0), tokens = given.size(1);
  const at::Tensor ehs = given.narrow(1, 3, 1).expand(given.sizes()).contiguous();
  unet.forward(ref.get("input.sample"), ref.get("input.timesteps"), ehs, call);
  const at::Tensor maps = capture.maps();
  ASSERT_EQ(maps.sizes(), (std::vector<std::int64_t>{batch, tokens, 16, 16}));
  EXPECT_TRUE(close(maps, at::full_like(maps, 1.0 / double(tokens)), 1e-6));
  EXPECT_EQ(capture.captured_layers(), unet.cross_attention_layers());
}

TEST(AttentionCapture, LayerSelectionSumsToOneAndLeavesTheOutput) {
  const Reference ref("unet");
  const UNet unet = UNet::load(ref.dir());
  const at::Tensor sample = ref.get("input.sample"), t = ref.get("input.timesteps"), ehs = ref.get("input.encoder_hidden_states");
  const at::Tensor plain = unet.forward(sample, t, ehs);
  const std::int64_t downsamplers = static_cast<std::int64_t>(unet.config().block_out_channels.size()) - 1;
  const std::int64_t mid_h = sample.size(2) >> downsamplers, mid_w = sample.size(3) >> downsamplers;
  AttentionCapture up(8, 12, {"up_blocks"}), mid(mid_h, mid_w, {"mid_block"});
  for (AttentionCapture* c : {&up, &mid}) {
    UNetCall call;
    call.capture = c;
    EXPECT_TRUE(at::equal(unet.forward(sample, t, ehs, call), plain)) << "capture changes nothing";
    EXPECT_TRUE(close(c->maps().sum(1), at::ones({sample.size(0), c->maps().size(2), c->maps().size(3)}), 1e-5));
  }
  // Each attending up block has layers_per_block + 1 attentions.
  const UNetConfig& config = unet.config();
  std::size_t up_layers = 0;
  for (std::size_t i = 0; i < config.up_block_types.size(); ++i)
    if (config.up_has_attention(i))
      up_layers += static_cast<std::size_t>(config.layers_per_block[config.layers_per_block.size() - 1 - i] + 1) *
                   static_cast<std::size_t>(config.transformer_layers_per_block[config.layers_per_block.size() - 1 - i]);
  EXPECT_EQ(up.captured_layers().size(), up_layers);
  for (const auto& l : up.captured_layers()) EXPECT_EQ(l.rfind("up_blocks.", 0), 0u) << l;
  ASSERT_EQ(mid.captured_layers().size(), 1u);
  EXPECT_EQ(mid.captured_layers()[0], "mid_block.attentions.0.transformer_blocks.0.attn2");
  // Captured at the mid block's native size (the latent over 2^downsamplers), nothing is resized.
  EXPECT_EQ(mid.maps().sizes(), (std::vector<std::int64_t>{sample.size(0), ehs.size(1), mid_h, mid_w}));
  mid.clear();
  EXPECT_FALSE(mid.maps().defined());

  const at::Tensor mask = token_attention_mask(up.maps(), {1, 2});
  EXPECT_EQ(mask.sizes(), (std::vector<std::int64_t>{sample.size(0), 8, 12}));
  EXPECT_NEAR(mask.min().item<double>(), 0.0, 1e-7);
  EXPECT_NEAR(mask.max().item<double>(), 1.0, 1e-7);
  EXPECT_THROW(token_attention_mask(up.maps(), {ehs.size(1)}), InputError);
  EXPECT_THROW(AttentionCapture(0, 4), InputError);
}

TEST(AttentionSlicing, SameResultsAndGradientsInSlices) {
  const Reference ref("unet");
  UNet unet = UNet::load(ref.dir());
  auto run = [&](AttentionCapture* capture) {
    at::Tensor sample = ref.get("input.sample").clone().requires_grad_(true);
    UNetCall call;
    call.capture = capture;
    const at::Tensor out = unet.forward(sample, ref.get("input.timesteps"), ref.get("input.encoder_hidden_states"), call);
    (out * ref.get("input.grad_weight")).sum().backward();
    return std::make_pair(out.detach(), sample.grad());
  };
  AttentionCapture whole_capture(ref.get("input.sample").size(2), ref.get("input.sample").size(3));
  AttentionCapture sliced_capture(ref.get("input.sample").size(2), ref.get("input.sample").size(3));
  const auto whole = run(&whole_capture);
  // A limit of 100 query rows of the first level's self-attention (batch x heads x its tokens per
  // row): that attention now runs in uneven slices, the smaller ones stay whole.
  const Json config = load_json_file(ref.dir() / "config.json");
  const at::Tensor sample = ref.get("input.sample");
  const std::int64_t tokens = sample.size(2) * sample.size(3);
  const std::int64_t heads = config.at("attention_head_dim").is_array() ? config.at("attention_head_dim")[0].get<std::int64_t>()
                                                                        : config.at("attention_head_dim").get<std::int64_t>();
  const std::int64_t limit = sample.size(0) * heads * tokens * 100;
  ASSERT_GT(tokens, 100);
  unet.set_attention_slice_elements(limit);
  EXPECT_EQ(unet.attention_slice_elements(), limit);
  const auto sliced = run(&sliced_capture);
  ASSERT_TRUE(whole.first.isfinite().all().item<bool>());
  ASSERT_TRUE(whole_capture.maps().isfinite().all().item<bool>());
  ASSERT_TRUE(sliced.first.isfinite().all().item<bool>());
  ASSERT_TRUE(sliced_capture.maps().isfinite().all().item<bool>());
  EXPECT_TRUE(close(sliced.first, whole.first, 1e-5));
  EXPECT_TRUE(close(sliced.second, whole.second, 1e-5));
  EXPECT_TRUE(close(sliced_capture.maps(), whole_capture.maps(), 1e-6));
}

TEST(AttentionSlicing, ScoresIgnoreWhatTheAllocatorLeftBehind) {
  // diffusers' baddbmm(empty, q, k^T, beta=0), even on zeros, returned NaN now and then in
  // LibTorch 1.13 on the CPU when the memory it got had held NaNs (a 2-token self-attention in
  // float64 failed within a few dozen tries).
  const auto o = at::TensorOptions().dtype(at::kDouble);
  const std::int64_t heads = 4, d = 8, tokens = 2;
  const at::Tensor q = at::randn({1, tokens, heads * d}, o), k = at::randn({1, tokens, heads * d}, o),
                   v = at::randn({1, tokens, heads * d}, o);
  auto four = [&](const at::Tensor& x) { return x.reshape({1, tokens, heads, d}).permute({0, 2, 1, 3}); };
  const double scale = 1.0 / std::sqrt(double(d));
  const at::Tensor expected =
      at::matmul(at::softmax(at::matmul(four(q), four(k).transpose(-1, -2)) * scale, -1), four(v)).permute({0, 2, 1, 3}).reshape(
          {1, tokens, heads * d});
  auto poison = [&] {  // freed blocks of the score matrix's size, full of NaN, for the next allocations
    std::vector<at::Tensor> blocks;
    for (int i = 0; i < 4; ++i) blocks.push_back(at::full({heads, tokens, tokens}, std::nan(""), o));
  };
  for (int i = 0; i < 300; ++i) {
    poison();
    ASSERT_TRUE(close(likeness::neural::detail::multihead_attention(q, k, v, heads, scale, false, 0), expected, 1e-12)) << i;
  }
}

TEST(ControlNetOptions, ScaleGuessModeAndChannelOrder) {
  const Reference ref("controlnet");
  const ControlNet controlnet = ControlNet::load(ref.dir());
  const at::Tensor s = ref.get("input.sample"), t = ref.get("input.timesteps"), e = ref.get("input.encoder_hidden_states");
  const at::Tensor c = ref.get("input.controlnet_cond");
  const ControlResiduals one = controlnet.forward(s, t, e, c, 1.0);
  const ControlResiduals half = controlnet.forward(s, t, e, c, 0.5);
  const ControlResiduals guess = controlnet.forward(s, t, e, c, 1.0, true);
  for (std::size_t i = 0; i < one.down.size(); ++i) {
    EXPECT_TRUE(close(half.down[i], 0.5 * one.down[i], 1e-6)) << i;
    EXPECT_TRUE(close(guess.down[i], std::pow(10.0, -1.0 + double(i) / 12.0) * one.down[i], 1e-5)) << i;
  }
  EXPECT_TRUE(close(guess.mid, one.mid, 1e-6)) << "the mid block keeps scale 1";
  // A "bgr" ControlNet flips the condition's channels first.
  Json config = load_json_file(ref.dir() / "config.json");
  config["controlnet_conditioning_channel_order"] = "bgr";
  const ControlNet bgr = ControlNet::from_weights(ControlNetConfig::from_json(config, "bgr config"),
                                                  TensorMap::open(ref.dir() / "diffusion_pytorch_model.safetensors"));
  EXPECT_TRUE(close(bgr.forward(s, t, e, c.flip({1})).mid, one.mid, 1e-6));
}

TEST(UNetShapes, LatentsNotAMultipleOfEight) {
  const Reference ref("unet");
  const UNet unet = UNet::load(ref.dir());
  const at::Tensor out = unet.forward(at::randn({1, 4, 12, 20}), at::tensor({10}, at::kLong),
                                      ref.get("input.encoder_hidden_states").narrow(0, 0, 1));
  EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{1, 4, 12, 20}));
  EXPECT_TRUE(out.isfinite().all().item<bool>());
  // A scalar timestep is broadcast over the batch.
  const at::Tensor a = unet.forward(ref.get("input.sample"), at::scalar_tensor(500, at::kLong), ref.get("input.encoder_hidden_states"));
  const at::Tensor b = unet.forward(ref.get("input.sample"), at::full({3}, 500, at::kLong), ref.get("input.encoder_hidden_states"));
  EXPECT_TRUE(at::equal(a, b));
}

TEST(Gradients, FiniteDifferencesThroughVisionControlNetAndVae) {
  // In float64 the central differences are exact to ~1e-9, so the autograd gradients of every
  // module are checked, not just those the reference stores.
  const ClipVisionModel vision = ClipVisionModel::load(Reference("image_encoder").dir(), float64());
  const at::Tensor pixels = Reference("image_encoder").get("input.pixel_values").narrow(0, 0, 1).to(at::kDouble);
  expect_gradient_matches([&](const at::Tensor& x) { return vision.forward(x).image_embeds.pow(2).sum(); }, pixels, 1, "vision tower");

  const Reference cref("controlnet");
  const ControlNet controlnet = ControlNet::load(cref.dir(), float64());
  const at::Tensor sample = cref.get("input.sample").narrow(0, 0, 1).to(at::kDouble);
  const at::Tensor cond = cref.get("input.controlnet_cond").narrow(0, 0, 1).to(at::kDouble);
  const at::Tensor ehs = cref.get("input.encoder_hidden_states").narrow(0, 0, 1).to(at::kDouble);
  const at::Tensor t = cref.get("input.timesteps").narrow(0, 0, 1);
  auto total = [](const ControlResiduals& r) {
    at::Tensor s = r.mid.pow(2).sum();
    for (const auto& d : r.down) s = s + d.sum();
    return s;
  };
  expect_gradient_matches([&](const at::Tensor& x) { return total(controlnet.forward(x, t, ehs, cond)); }, sample, 2, "controlnet sample");
  expect_gradient_matches([&](const at::Tensor& x) { return total(controlnet.forward(sample, t, ehs, x)); }, cond, 3, "controlnet condition");

  const Vae vae = Vae::load(Reference("vae").dir(), float64());
  const at::Tensor image = Reference("vae").get("input.image").narrow(0, 0, 1).to(at::kDouble);
  expect_gradient_matches([&](const at::Tensor& x) { return vae.encode(x).std.sum() + vae.encode(x).mean.pow(2).sum(); }, image, 4, "vae encoder");
}
