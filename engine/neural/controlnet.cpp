// ControlNetModel: module, forward pass and loading.
#include "engine/neural/controlnet.h"

#include <cmath>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/neural/checkpoint_keys.h"
#include "engine/neural/detail/loading.h"
#include "engine/neural/detail/model_state.h"
#include "engine/neural/detail/resolve.h"
#include "engine/neural/detail/unet_module.h"
#include "engine/neural/model_source.h"

namespace likeness::neural {

namespace fs = std::filesystem;

namespace detail {

ConditioningEmbedding::ConditioningEmbedding(std::int64_t in, const std::vector<std::int64_t>& widths, std::int64_t out) {
  conv_in_ = register_module("conv_in", std::make_shared<Conv2d>(in, widths.at(0), 3, 1, 1));
  blocks_ = Children<Conv2d>(*this, "blocks");
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
    blocks_.add(std::make_shared<Conv2d>(widths[i], widths[i], 3, 1, 1));
    blocks_.add(std::make_shared<Conv2d>(widths[i], widths[i + 1], 3, 2, 1));
  }
  conv_out_ = register_module("conv_out", std::make_shared<Conv2d>(widths.back(), out, 3, 1, 1));
}

at::Tensor ConditioningEmbedding::forward(const at::Tensor& x) const {
  at::Tensor h = at::silu(conv_in_->forward(x));
  for (const auto& block : blocks_.items()) h = at::silu(block->forward(h));
  return conv_out_->forward(h);
}

ControlNetModule::ControlNetModule(const ControlNetConfig& c) : config(c), encoder(*this, c.unet) {
  cond_embedding = register_module("controlnet_cond_embedding",
                                   std::make_shared<ConditioningEmbedding>(c.conditioning_channels, c.conditioning_embedding_out_channels,
                                                                           c.unet.block_out_channels[0]));
  down_convs = Children<Conv2d>(*this, "controlnet_down_blocks");
  for (std::int64_t ch : encoder.skip_channels()) down_convs.add(std::make_shared<Conv2d>(ch, ch, 1));
  const std::int64_t mid = c.unet.block_out_channels.back();
  mid_conv = register_module("controlnet_mid_block", std::make_shared<Conv2d>(mid, mid, 1));
}

ControlResiduals ControlNetModule::forward(const at::Tensor& sample, const at::Tensor& timesteps, const at::Tensor& context,
                                           const at::Tensor& condition, double scale, bool guess_mode,
                                           const ForwardContext& ctx) const {
  const UNetConfig& c = config.unet;
  at::Tensor x = c.center_input_sample ? 2 * sample - 1 : sample;
  const at::Tensor emb = encoder.embed_time(c, timesteps, x.size(0), x.scalar_type(), ctx);
  x = encoder.conv_in->forward(x);
  ctx.record("conv_in", x);
  at::Tensor cond = cond_embedding->forward(config.bgr ? condition.flip({1}) : condition);
  ctx.record("controlnet_cond_embedding", cond);
  x = x + cond;
  std::vector<at::Tensor> skips{x};
  for (std::size_t i = 0; i < encoder.down_blocks.size(); ++i) {
    x = encoder.down_blocks[i].forward(x, emb, context, ctx, &skips);
    ctx.record("down_blocks." + std::to_string(i), x);
  }
  x = encoder.mid_block->forward(x, emb, context, ctx);
  ctx.record("mid_block", x);
  ControlResiduals out;
  for (std::size_t i = 0; i < skips.size(); ++i) out.down.push_back(down_convs[i].forward(skips[i]));
  out.mid = mid_conv->forward(x);
  const std::size_t n = out.down.size();
  for (std::size_t i = 0; i <= n; ++i) {
    // guess mode: logspace(-1, 0, n + 1) * scale.
    const double s = guess_mode ? scale * std::pow(10.0, -1.0 + static_cast<double>(i) / static_cast<double>(n)) : scale;
    at::Tensor& r = i < n ? out.down[i] : out.mid;
    if (s != 1.0) r = r * s;
    if (config.global_pool_conditions) r = r.mean({2, 3}, true);
  }
  return out;
}

}  // namespace detail

namespace {

const detail::ControlNetModule& control_module(const std::shared_ptr<detail::ModelState>& state) {
  if (!state) throw InputError("ControlNet: used before weights were loaded");
  return static_cast<const detail::ControlNetModule&>(*state->module);
}

}  // namespace

namespace detail {

Resolved<ControlNetConfig> resolve_controlnet(const fs::path& source, const ModelOptions& options) {
  Resolved<ControlNetConfig> r;
  r.source = source.string();
  if (!is_single_file(source)) {
    const ComponentFiles files = require_component(source, Component::ControlNet, "ControlNetModel");
    r.config = ControlNetConfig::from_json(load_json_file(files.config), files.config.string());
    r.weights = TensorMap::open(files.weights);
    return r;
  }
  const TensorMap all = open_checkpoint(source);
  const auto given = config_override(options);
  if (all.has_prefix(kOriginalControlPrefix)) {
    const TensorMap original = all.with_prefix(kOriginalControlPrefix);
    r.config = given ? ControlNetConfig::from_json(given->first, given->second) : infer_controlnet_config(original.shapes());
    r.weights = convert_original_controlnet(original, r.config);
  } else if (all.has_prefix("controlnet_cond_embedding.")) {
    if (!given)
      throw InputError(at_file(source.string(), "a diffusers-named ControlNet without its config.json: give it "
                                                "(ModelOptions::config_file)"));
    r.config = ControlNetConfig::from_json(given->first, given->second);
    r.weights = all;
  } else {
    throw InputError(at_file(source.string(), std::string("no ControlNet in this file (no '") + kOriginalControlPrefix +
                                                  "' or 'controlnet_cond_embedding.' tensors; it holds " +
                                                  top_level_names(all) + ")"));
  }
  return r;
}

ShapeMap controlnet_shapes(const ControlNetConfig& config) { return expected_shapes(ControlNetModule(config)); }

}  // namespace detail

ControlNet ControlNet::load(const fs::path& source, const ModelOptions& options) {
  auto r = detail::resolve_controlnet(source, options);
  return from_weights(r.config, r.weights, options, r.source);
}

ControlNet ControlNet::from_weights(const ControlNetConfig& config, const TensorMap& weights, const ModelOptions& options,
                                    const std::string& source) {
  const at::ScalarType dtype = compute_dtype(options);
  auto module = std::make_shared<detail::ControlNetModule>(config);
  detail::assign_weights(*module, weights, options.device, dtype, options.trainable, {}, "ControlNet");
  ControlNet out;
  out.state_ = detail::make_state(module, options, dtype, source);
  return out;
}

ControlNet ControlNet::create(const ControlNetConfig& config, const ModelOptions& options) {
  const at::ScalarType dtype = compute_dtype(options);
  auto module = std::make_shared<detail::ControlNetModule>(config);
  detail::materialize(*module, options.device, dtype, options.trainable);
  ControlNet out;
  out.state_ = detail::make_state(module, options, dtype, "created");
  return out;
}

ControlResiduals ControlNet::forward(const at::Tensor& sample, const at::Tensor& timesteps,
                                     const at::Tensor& encoder_hidden_states, const at::Tensor& condition, double scale,
                                     bool guess_mode, Trace* trace) const {
  const auto& m = control_module(state_);
  const UNetConfig& c = m.config.unet;
  if (sample.dim() != 4 || sample.size(1) != c.in_channels)
    throw InputError("ControlNet: sample has shape " + shape_text(sample.sizes().vec()) + ", expected [B, " +
                     std::to_string(c.in_channels) + ", h, w]");
  const std::int64_t f = condition_scale_factor();
  if (condition.dim() != 4 || condition.size(0) != sample.size(0) || condition.size(1) != m.config.conditioning_channels ||
      condition.size(2) != sample.size(2) * f || condition.size(3) != sample.size(3) * f)
    throw InputError("ControlNet: condition has shape " + shape_text(condition.sizes().vec()) + ", expected [" +
                     std::to_string(sample.size(0)) + ", " + std::to_string(m.config.conditioning_channels) + ", " +
                     std::to_string(sample.size(2) * f) + ", " + std::to_string(sample.size(3) * f) + "] (" +
                     std::to_string(f) + " times the latent)");
  if (encoder_hidden_states.dim() != 3 || encoder_hidden_states.size(0) != sample.size(0) ||
      encoder_hidden_states.size(2) != c.cross_attention_dim[0])
    throw InputError("ControlNet: encoder_hidden_states has shape " + shape_text(encoder_hidden_states.sizes().vec()) +
                     ", expected [" + std::to_string(sample.size(0)) + ", tokens, " + std::to_string(c.cross_attention_dim[0]) + "]");
  detail::ForwardContext ctx = state_->context();
  ctx.trace = trace;
  return m.forward(detail::to_model(sample, *state_), timesteps, detail::to_model(encoder_hidden_states, *state_),
                   detail::to_model(condition, *state_), scale, guess_mode, ctx);
}

const ControlNetConfig& ControlNet::config() const { return control_module(state_).config; }

std::int64_t ControlNet::condition_scale_factor() const {
  return std::int64_t(1) << (config().conditioning_embedding_out_channels.size() - 1);
}

}  // namespace likeness::neural
