// UNet2DConditionModel: module, forward pass and loading.
#include "engine/neural/unet.h"

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/neural/attention_capture.h"
#include "engine/neural/checkpoint_keys.h"
#include "engine/neural/detail/loading.h"
#include "engine/neural/detail/model_state.h"
#include "engine/neural/detail/resolve.h"
#include "engine/neural/detail/unet_module.h"
#include "engine/neural/model_source.h"

namespace likeness::neural {

namespace fs = std::filesystem;

namespace detail {

UNetModule::UNetModule(const UNetConfig& c) : config(c), encoder(*this, c) {
  up_blocks = Children<UpBlock>(*this, "up_blocks");
  const std::size_t n = c.block_out_channels.size();
  std::vector<std::int64_t> reversed(c.block_out_channels.rbegin(), c.block_out_channels.rend());
  std::int64_t out = reversed[0];
  for (std::size_t i = 0; i < n; ++i) {
    UpBlock::Spec s;
    s.prev = out;
    s.out = out = reversed[i];
    s.in = reversed[std::min(i + 1, n - 1)];
    s.layers = c.layers_per_block[n - 1 - i] + 1;
    s.temb = c.time_embed_dim();
    s.groups = c.norm_num_groups;
    s.eps = c.norm_eps;
    s.attention = c.up_has_attention(i);
    s.upsample = i + 1 < n;
    s.heads = c.attention_heads[n - 1 - i];
    s.context_dim = c.cross_attention_dim[n - 1 - i];
    s.depth = c.transformer_layers_per_block[n - 1 - i];
    s.linear_projection = c.use_linear_projection;
    s.upcast = c.upcast_attention;
    s.path = "up_blocks." + std::to_string(i);
    up_blocks.add(std::make_shared<UpBlock>(s));
  }
  conv_norm_out = register_module("conv_norm_out", std::make_shared<GroupNorm>(c.norm_num_groups, c.block_out_channels[0], c.norm_eps));
  conv_out = register_module("conv_out", std::make_shared<Conv2d>(c.block_out_channels[0], c.out_channels, c.conv_out_kernel, 1,
                                                                  (c.conv_out_kernel - 1) / 2));
}

at::Tensor UNetModule::forward(const at::Tensor& sample, const at::Tensor& timesteps, const at::Tensor& context,
                               const ControlResiduals* control, const ForwardContext& ctx) const {
  at::Tensor x = config.center_input_sample ? 2 * sample - 1 : sample;
  const at::Tensor emb = encoder.embed_time(config, timesteps, x.size(0), x.scalar_type(), ctx);
  x = encoder.conv_in->forward(x);
  ctx.record("conv_in", x);
  std::vector<at::Tensor> skips{x};
  for (std::size_t i = 0; i < encoder.down_blocks.size(); ++i) {
    x = encoder.down_blocks[i].forward(x, emb, context, ctx, &skips);
    ctx.record("down_blocks." + std::to_string(i), x);
  }
  if (control) {
    if (control->down.size() != skips.size())
      throw InputError("UNet: " + std::to_string(control->down.size()) + " ControlNet residuals for " +
                       std::to_string(skips.size()) + " skips");
    for (std::size_t i = 0; i < skips.size(); ++i) {
      if (control->down[i].sizes() != skips[i].sizes())
        throw InputError("UNet: ControlNet residual " + std::to_string(i) + " has shape " +
                         shape_text(control->down[i].sizes().vec()) + ", the skip " + shape_text(skips[i].sizes().vec()));
      skips[i] = skips[i] + control->down[i].to(skips[i].scalar_type());
    }
  }
  x = encoder.mid_block->forward(x, emb, context, ctx);
  ctx.record("mid_block", x);
  if (control && control->mid.defined()) x = x + control->mid.to(x.scalar_type());
  // When the latent is not a multiple of 2^upsamplers, each upsampler targets its skip's size.
  const std::int64_t factor = std::int64_t(1) << (up_blocks.size() - 1);
  const bool forward_size = sample.size(2) % factor != 0 || sample.size(3) % factor != 0;
  for (std::size_t i = 0; i < up_blocks.size(); ++i) {
    std::vector<std::int64_t> size;
    const std::size_t layers = up_blocks[i].layer_count();
    if (forward_size && i + 1 < up_blocks.size() && skips.size() > layers) {
      const at::Tensor& next = skips[skips.size() - layers - 1];
      size = {next.size(2), next.size(3)};
    }
    x = up_blocks[i].forward(x, emb, context, ctx, &skips,
                             size.empty() ? c10::optional<at::IntArrayRef>() : c10::optional<at::IntArrayRef>(size));
    ctx.record("up_blocks." + std::to_string(i), x);
  }
  x = conv_norm_out->forward(x);
  ctx.record("conv_norm_out", x);
  x = conv_out->forward(at::silu(x));
  ctx.record("conv_out", x);
  return x;
}

}  // namespace detail

namespace detail {

Resolved<UNetConfig> resolve_unet(const fs::path& source, const ModelOptions& options) {
  Resolved<UNetConfig> r;
  r.source = source.string();
  if (is_single_file(source)) {
    const TensorMap all = open_checkpoint(source);
    const auto given = config_override(options);
    if (all.has_prefix(kOriginalUNetPrefix)) {
      const TensorMap original = all.with_prefix(kOriginalUNetPrefix);
      r.config = given ? UNetConfig::from_json(given->first, given->second) : infer_unet_config(original.shapes());
      r.weights = convert_original_unet(original, r.config);
    } else if (all.contains("conv_in.weight") && all.has_prefix("up_blocks.")) {
      if (!given)
        throw InputError(at_file(source.string(), "a diffusers-named UNet without its config.json: give it (ModelOptions::config_file)"));
      r.config = UNetConfig::from_json(given->first, given->second);
      r.weights = all;
    } else {
      throw InputError(at_file(source.string(), std::string("no UNet in this checkpoint (no '") + kOriginalUNetPrefix +
                                                    "' tensors; it holds " + top_level_names(all) + ")"));
    }
  } else {
    const ComponentFiles files = require_component(source, Component::UNet, "UNet2DConditionModel");
    const Json raw = load_json_file(files.config);
    r.config = UNetConfig::from_json(raw, files.config.string());
    if (!raw.contains("prediction_type")) r.config.prediction_type = find_schedule_config(files.config.parent_path()).prediction_type;
    r.weights = TensorMap::open(files.weights);
  }
  if (options.prediction_type) r.config.prediction_type = *options.prediction_type;
  return r;
}

ShapeMap unet_shapes(const UNetConfig& config) { return expected_shapes(UNetModule(config)); }

}  // namespace detail

UNet UNet::load(const fs::path& source, const ModelOptions& options) {
  auto r = detail::resolve_unet(source, options);
  return from_weights(r.config, r.weights, options, r.source);
}

UNet UNet::from_weights(const UNetConfig& config, const TensorMap& weights, const ModelOptions& options,
                        const std::string& source) {
  const at::ScalarType dtype = compute_dtype(options);
  auto module = std::make_shared<detail::UNetModule>(config);
  detail::assign_weights(*module, weights, options.device, dtype, options.trainable, {}, "UNet");
  UNet out;
  out.state_ = detail::make_state(module, options, dtype, source);
  return out;
}

UNet UNet::create(const UNetConfig& config, const ModelOptions& options) {
  config.validate("UNet config");
  const at::ScalarType dtype = compute_dtype(options);
  auto module = std::make_shared<detail::UNetModule>(config);
  detail::materialize(*module, options.device, dtype, options.trainable);
  UNet out;
  out.state_ = detail::make_state(module, options, dtype, "created");
  return out;
}

at::Tensor UNet::forward(const at::Tensor& sample, const at::Tensor& timesteps, const at::Tensor& encoder_hidden_states,
                         const UNetCall& call) const {
  const auto& module = static_cast<const detail::UNetModule&>(*state_->module);
  const UNetConfig& c = module.config;
  if (sample.dim() != 4 || sample.size(1) != c.in_channels)
    throw InputError("UNet: sample has shape " + shape_text(sample.sizes().vec()) + ", expected [B, " +
                     std::to_string(c.in_channels) + ", H, W]");
  if (encoder_hidden_states.dim() != 3 || encoder_hidden_states.size(0) != sample.size(0) ||
      encoder_hidden_states.size(2) != c.cross_attention_dim[0])
    throw InputError("UNet: encoder_hidden_states has shape " + shape_text(encoder_hidden_states.sizes().vec()) +
                     ", expected [" + std::to_string(sample.size(0)) + ", tokens, " + std::to_string(c.cross_attention_dim[0]) + "]");
  if (timesteps.numel() != 1 && timesteps.numel() != sample.size(0))
    throw InputError("UNet: " + std::to_string(timesteps.numel()) + " timesteps for a batch of " + std::to_string(sample.size(0)));
  detail::ForwardContext ctx = state_->context();
  ctx.capture = call.capture;
  ctx.trace = call.trace;
  return module.forward(detail::to_model(sample, *state_), timesteps, detail::to_model(encoder_hidden_states, *state_),
                        call.control, ctx);
}

const UNetConfig& UNet::config() const {
  if (!state_) throw InputError("UNet: used before weights were loaded");
  return static_cast<const detail::UNetModule&>(*state_->module).config;
}

std::vector<std::int64_t> UNet::skip_channels() const {
  return static_cast<const detail::UNetModule&>(*state_->module).encoder.skip_channels();
}

std::vector<std::string> UNet::cross_attention_layers() const {
  const UNetConfig& c = config();
  std::vector<std::string> out;
  auto add = [&](const std::string& block, std::int64_t attentions, std::int64_t depth) {
    for (std::int64_t a = 0; a < attentions; ++a)
      for (std::int64_t d = 0; d < depth; ++d)
        out.push_back(block + ".attentions." + std::to_string(a) + ".transformer_blocks." + std::to_string(d) + ".attn2");
  };
  const std::size_t n = c.block_out_channels.size();
  for (std::size_t i = 0; i < n; ++i)
    if (c.down_has_attention(i)) add("down_blocks." + std::to_string(i), c.layers_per_block[i], c.transformer_layers_per_block[i]);
  add("mid_block", 1, c.transformer_layers_per_block.back());
  for (std::size_t i = 0; i < n; ++i)
    if (c.up_has_attention(i))
      add("up_blocks." + std::to_string(i), c.layers_per_block[n - 1 - i] + 1, c.transformer_layers_per_block[n - 1 - i]);
  return out;
}

}  // namespace likeness::neural
