// Every module, loaded from ../shared/neural-ref, reproduces the stored outputs, input gradients
// and per-block intermediates of diffusers / transformers within a small multiple of the float64
// gap recorded in the manifest.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "engine/core/json_util.h"
#include "engine/neural/clip.h"
#include "engine/neural/controlnet.h"
#include "engine/neural/unet.h"
#include "engine/neural/vae.h"
#include "tests/neural/neural_ref.h"

using namespace likeness;
using namespace likeness::neural;
using likeness::neural::test::close;
using likeness::neural::test::Reference;
using likeness::neural::test::tolerance_for;

namespace {

at::Tensor leaf(const at::Tensor& t) { return t.clone().requires_grad_(true); }

// Every debug.<path> intermediate against the trace recorded under <path>.
void expect_trace_matches(const Reference& ref, const Trace& trace, const std::string& prefix = "") {
  int checked = 0;
  for (const std::string& name : ref.names_with_prefix("debug." + prefix)) {
    const std::string path = name.substr(6);
    auto it = trace.find(path);
    ASSERT_NE(it, trace.end()) << "no intermediate recorded for " << path;
    EXPECT_TRUE(close(it->second, ref.get(name), tolerance_for(ref, name))) << path;
    ++checked;
  }
  EXPECT_GT(checked, 0) << "no debug." << prefix << " tensors in the reference";
}

}  // namespace

TEST(UNetReference, ConfigIsReadFromTheFolder) {
  Reference ref("unet");
  const UNet unet = UNet::load(ref.dir());
  const Json config = load_json_file(ref.dir() / "config.json");
  EXPECT_EQ(unet.config().block_out_channels, config.at("block_out_channels").get<std::vector<std::int64_t>>());
  EXPECT_EQ(unet.config().norm_num_groups, config.at("norm_num_groups").get<std::int64_t>());
  EXPECT_EQ(unet.config().attention_heads[0], config.at("attention_head_dim").get<std::int64_t>());
  EXPECT_EQ(unet.config().cross_attention_dim[0], config.at("cross_attention_dim").get<std::int64_t>());
  EXPECT_EQ(unet.prediction_type(), PredictionType::Epsilon);
  EXPECT_EQ(unet.named_parameters().size(), 686u) << "the SD 1.5 key set";
  EXPECT_EQ(unet.skip_channels().size(), 12u);
  EXPECT_EQ(unet.cross_attention_layers().size(), 16u);
}

TEST(UNetReference, NoisePredictionGradientsAndEveryBlock) {
  Reference ref("unet");
  const UNet unet = UNet::load(ref.dir());
  at::Tensor sample = leaf(ref.get("input.sample"));
  at::Tensor context = leaf(ref.get("input.encoder_hidden_states"));
  Trace trace;
  UNetCall call;
  call.trace = &trace;
  const at::Tensor out = unet.forward(sample, ref.get("input.timesteps"), context, call);
  EXPECT_TRUE(close(out, ref.get("output.sample"), tolerance_for(ref, "output.sample")));
  const at::Tensor loss = (out * ref.get("input.grad_weight")).sum();
  EXPECT_TRUE(close(loss, ref.get("output.loss"), tolerance_for(ref, "output.loss")));
  loss.backward();
  EXPECT_TRUE(close(sample.grad(), ref.get("grad.sample"), tolerance_for(ref, "grad.sample")));
  EXPECT_TRUE(close(context.grad(), ref.get("grad.encoder_hidden_states"), tolerance_for(ref, "grad.encoder_hidden_states")));
  expect_trace_matches(ref, trace);
  for (const auto& [name, p] : unet.named_parameters()) ASSERT_FALSE(p.requires_grad()) << name;
}

TEST(VaeReference, EncoderPosteriorAndImageGradient) {
  Reference ref("vae");
  const Vae vae = Vae::load(ref.dir());
  const Json config = load_json_file(ref.dir() / "config.json");
  EXPECT_DOUBLE_EQ(vae.config().scaling_factor, config.at("scaling_factor").get<double>());
  EXPECT_EQ(vae.downscale_factor(), std::int64_t{1} << (config.at("block_out_channels").size() - 1));
  at::Tensor image = leaf(ref.get("input.image"));
  Trace trace;
  const LatentDistribution d = vae.encode(image, &trace);
  for (const auto& [name, t] : {std::pair<std::string, at::Tensor>{"output.moments", d.moments},
                                {"output.mean", d.mean},
                                {"output.logvar", d.logvar},
                                {"output.std", d.std},
                                {"output.latent_sample", d.sample(ref.get("input.posterior_eps"))}})
    EXPECT_TRUE(close(t, ref.get(name), tolerance_for(ref, name))) << name;
  const at::Tensor loss = (d.mean * ref.get("input.grad_weight_mean")).sum();
  EXPECT_TRUE(close(loss, ref.get("output.loss_mean"), tolerance_for(ref, "output.loss_mean")));
  loss.backward();
  EXPECT_TRUE(close(image.grad(), ref.get("grad.image"), tolerance_for(ref, "grad.image")));
  expect_trace_matches(ref, trace, "encoder.");
  expect_trace_matches(ref, trace, "quant_conv");
}

TEST(VaeReference, DecoderAndLatentGradient) {
  Reference ref("vae");
  const Vae vae = Vae::load(ref.dir());
  at::Tensor latent = leaf(ref.get("input.latent"));
  Trace trace;
  const at::Tensor decoded = vae.decode(latent, &trace);
  EXPECT_TRUE(close(decoded, ref.get("output.decoded"), tolerance_for(ref, "output.decoded")));
  const at::Tensor loss = (decoded * ref.get("input.grad_weight_decode")).sum();
  EXPECT_TRUE(close(loss, ref.get("output.loss_decode"), tolerance_for(ref, "output.loss_decode")));
  loss.backward();
  EXPECT_TRUE(close(latent.grad(), ref.get("grad.latent"), tolerance_for(ref, "grad.latent")));
  expect_trace_matches(ref, trace, "decoder.");
  expect_trace_matches(ref, trace, "post_quant_conv");
}

TEST(ClipReference, TextTowerWithProjection) {
  Reference ref("text_encoder");
  const ClipTextModel clip = ClipTextModel::load(ref.dir());
  EXPECT_TRUE(clip.has_projection());
  EXPECT_EQ(clip.config().eos_token_id, 2) << "legacy config: argmax pooling";
  const ClipTextOutput out = clip.forward(ref.get("input.input_ids"), true);
  EXPECT_TRUE(close(out.last_hidden_state, ref.get("output.last_hidden_state"), tolerance_for(ref, "output.last_hidden_state")));
  EXPECT_TRUE(close(out.pooler_output, ref.get("output.pooler_output"), tolerance_for(ref, "output.pooler_output")));
  EXPECT_TRUE(close(out.text_embeds, ref.get("output.text_embeds"), tolerance_for(ref, "output.text_embeds")));
  const auto states = ref.names_with_prefix("output.hidden_states.");
  ASSERT_EQ(out.hidden_states.size(), states.size());
  for (std::size_t i = 0; i < states.size(); ++i) {
    const std::string name = "output.hidden_states." + std::to_string(i);
    EXPECT_TRUE(close(out.hidden_states[i], ref.get(name), tolerance_for(ref, name))) << name;
  }
}

TEST(ClipReference, VisionTowerWithProjectionAndPixelGradient) {
  Reference ref("image_encoder");
  const ClipVisionModel clip = ClipVisionModel::load(ref.dir());
  EXPECT_TRUE(clip.has_projection());
  at::Tensor pixels = leaf(ref.get("input.pixel_values"));
  const ClipVisionOutput out = clip.forward(pixels, true);
  EXPECT_TRUE(close(out.image_embeds, ref.get("output.image_embeds"), tolerance_for(ref, "output.image_embeds")));
  EXPECT_TRUE(close(out.pooler_output, ref.get("output.pooler_output"), tolerance_for(ref, "output.pooler_output")));
  EXPECT_TRUE(close(out.last_hidden_state, ref.get("output.last_hidden_state"), tolerance_for(ref, "output.last_hidden_state")));
  const auto states = ref.names_with_prefix("output.hidden_states.");
  ASSERT_EQ(out.hidden_states.size(), states.size());
  for (std::size_t i = 0; i < states.size(); ++i) {
    const std::string name = "output.hidden_states." + std::to_string(i);
    EXPECT_TRUE(close(out.hidden_states[i], ref.get(name), tolerance_for(ref, name))) << name;
  }
  // A CLIP loss reaches the pixels.
  (1 - at::cosine_similarity(out.image_embeds, out.image_embeds.flip({0}), 1)).sum().backward();
  ASSERT_TRUE(pixels.grad().defined());
  EXPECT_GT(pixels.grad().abs().sum().item<double>(), 0);
}

TEST(ControlNetReference, ResidualsAndTheUNetWithControl) {
  Reference ref("controlnet");
  const ControlNet controlnet = ControlNet::load(ref.dir());
  EXPECT_EQ(controlnet.condition_scale_factor(), 8);
  Trace trace;
  const ControlResiduals r = controlnet.forward(ref.get("input.sample"), ref.get("input.timesteps"),
                                                ref.get("input.encoder_hidden_states"), ref.get("input.controlnet_cond"),
                                                ref.get("input.conditioning_scale").item<double>(), false, &trace);
  const auto names = ref.names_with_prefix("output.down_block_res_samples.");
  ASSERT_EQ(r.down.size(), names.size());
  for (std::size_t i = 0; i < r.down.size(); ++i) {
    const std::string name = "output.down_block_res_samples." + std::to_string(i);
    EXPECT_TRUE(close(r.down[i], ref.get(name), tolerance_for(ref, name))) << name;
  }
  EXPECT_TRUE(close(r.mid, ref.get("output.mid_block_res_sample"), tolerance_for(ref, "output.mid_block_res_sample")));
  expect_trace_matches(ref, trace);

  const UNet unet = UNet::load(Reference("unet").dir());
  UNetCall call;
  call.control = &r;
  const at::Tensor out =
      unet.forward(ref.get("input.sample"), ref.get("input.timesteps"), ref.get("input.encoder_hidden_states"), call);
  EXPECT_TRUE(close(out, ref.get("output.unet_sample_with_control"), tolerance_for(ref, "output.unet_sample_with_control")));
}
