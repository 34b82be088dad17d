// AutoencoderKL: encoder, decoder, posterior; loading from folders and single files.
#include "engine/neural/vae.h"

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/neural/checkpoint_keys.h"
#include "engine/neural/detail/loading.h"
#include "engine/neural/detail/model_state.h"
#include "engine/neural/detail/resolve.h"
#include "engine/neural/detail/unet_blocks.h"
#include "engine/neural/model_source.h"

namespace likeness::neural {

namespace fs = std::filesystem;

namespace detail {
namespace {

constexpr double kVaeEps = 1e-6;

MidBlock::Spec vae_mid(const VaeConfig& c, const std::string& path) {
  MidBlock::Spec m;
  m.channels = c.block_out_channels.back();
  m.groups = c.norm_num_groups;
  m.eps = kVaeEps;
  m.cross_attention = false;
  m.vae_attention = c.mid_block_add_attention;
  m.path = path;
  return m;
}

}  // namespace

class VaeEncoder : public torch::nn::Module {
public:
  explicit VaeEncoder(const VaeConfig& c) {
    conv_in = register_module("conv_in", std::make_shared<Conv2d>(c.in_channels, c.block_out_channels[0], 3, 1, 1));
    down_blocks = Children<DownBlock>(*this, "down_blocks");
    std::int64_t out = c.block_out_channels[0];
    for (std::size_t i = 0; i < c.block_out_channels.size(); ++i) {
      DownBlock::Spec s;
      s.in = out;
      s.out = out = c.block_out_channels[i];
      s.layers = c.layers_per_block;
      s.groups = c.norm_num_groups;
      s.eps = kVaeEps;
      s.downsample = i + 1 < c.block_out_channels.size();
      s.downsample_padding = 0;
      down_blocks.add(std::make_shared<DownBlock>(s));
    }
    mid_block = register_module("mid_block", std::make_shared<MidBlock>(vae_mid(c, "encoder.mid_block")));
    conv_norm_out = register_module("conv_norm_out", std::make_shared<GroupNorm>(c.norm_num_groups, out, kVaeEps));
    conv_out = register_module("conv_out", std::make_shared<Conv2d>(out, 2 * c.latent_channels, 3, 1, 1));
  }

  at::Tensor forward(at::Tensor x, const ForwardContext& ctx) const {
    x = conv_in->forward(x);
    ctx.record("encoder.conv_in", x);
    for (std::size_t i = 0; i < down_blocks.size(); ++i) {
      x = down_blocks[i].forward(x, at::Tensor(), at::Tensor(), ctx, nullptr);
      ctx.record("encoder.down_blocks." + std::to_string(i), x);
    }
    x = mid_block->forward(x, at::Tensor(), at::Tensor(), ctx);
    ctx.record("encoder.mid_block", x);
    x = conv_out->forward(at::silu(conv_norm_out->forward(x)));
    ctx.record("encoder.conv_out", x);
    return x;
  }

  std::shared_ptr<Conv2d> conv_in, conv_out;
  Children<DownBlock> down_blocks;
  std::shared_ptr<MidBlock> mid_block;
  std::shared_ptr<GroupNorm> conv_norm_out;
};

class VaeDecoder : public torch::nn::Module {
public:
  explicit VaeDecoder(const VaeConfig& c) {
    const std::int64_t top = c.block_out_channels.back();
    conv_in = register_module("conv_in", std::make_shared<Conv2d>(c.latent_channels, top, 3, 1, 1));
    mid_block = register_module("mid_block", std::make_shared<MidBlock>(vae_mid(c, "decoder.mid_block")));
    up_blocks = Children<UpBlock>(*this, "up_blocks");
    const std::size_t n = c.block_out_channels.size();
    std::int64_t out = top;
    for (std::size_t i = 0; i < n; ++i) {
      UpBlock::Spec s;
      s.in = out;
      s.out = out = c.block_out_channels[n - 1 - i];
      s.layers = c.layers_per_block + 1;
      s.groups = c.norm_num_groups;
      s.eps = kVaeEps;
      s.skips = false;
      s.upsample = i + 1 < n;
      up_blocks.add(std::make_shared<UpBlock>(s));
    }
    conv_norm_out = register_module("conv_norm_out", std::make_shared<GroupNorm>(c.norm_num_groups, out, kVaeEps));
    conv_out = register_module("conv_out", std::make_shared<Conv2d>(out, c.out_channels, 3, 1, 1));
  }

  at::Tensor forward(at::Tensor x, const ForwardContext& ctx) const {
    x = conv_in->forward(x);
    ctx.record("decoder.conv_in", x);
    x = mid_block->forward(x, at::Tensor(), at::Tensor(), ctx);
    ctx.record("decoder.mid_block", x);
    for (std::size_t i = 0; i < up_blocks.size(); ++i) {
      x = up_blocks[i].forward(x, at::Tensor(), at::Tensor(), ctx, nullptr, c10::nullopt);
      ctx.record("decoder.up_blocks." + std::to_string(i), x);
    }
    x = conv_norm_out->forward(x);
    ctx.record("decoder.conv_norm_out", x);
    return conv_out->forward(at::silu(x));
  }

  std::shared_ptr<Conv2d> conv_in, conv_out;
  std::shared_ptr<MidBlock> mid_block;
  Children<UpBlock> up_blocks;
  std::shared_ptr<GroupNorm> conv_norm_out;
};

class VaeModule : public torch::nn::Module {
public:
  explicit VaeModule(const VaeConfig& c) : config(c) {
    encoder = register_module("encoder", std::make_shared<VaeEncoder>(c));
    decoder = register_module("decoder", std::make_shared<VaeDecoder>(c));
    if (c.use_quant_conv)
      quant_conv = register_module("quant_conv", std::make_shared<Conv2d>(2 * c.latent_channels, 2 * c.latent_channels, 1));
    if (c.use_post_quant_conv)
      post_quant_conv = register_module("post_quant_conv", std::make_shared<Conv2d>(c.latent_channels, c.latent_channels, 1));
  }

  VaeConfig config;
  std::shared_ptr<VaeEncoder> encoder;
  std::shared_ptr<VaeDecoder> decoder;
  std::shared_ptr<Conv2d> quant_conv, post_quant_conv;
};

}  // namespace detail

namespace {

const detail::VaeModule& vae_module(const std::shared_ptr<detail::ModelState>& state) {
  if (!state) throw InputError("VAE: used before weights were loaded");
  return static_cast<const detail::VaeModule&>(*state->module);
}

at::ScalarType vae_dtype(const VaeConfig& config, const ModelOptions& options) {
  const at::ScalarType dtype = compute_dtype(options);
  if (config.force_upcast && (dtype == at::kHalf || dtype == at::kBFloat16)) return at::kFloat;
  return dtype;
}

}  // namespace

namespace detail {

Resolved<VaeConfig> resolve_vae(const fs::path& source, const ModelOptions& options) {
  Resolved<VaeConfig> r;
  r.source = source.string();
  if (!is_single_file(source)) {
    const ComponentFiles files = require_component(source, Component::Vae, "AutoencoderKL");
    r.config = VaeConfig::from_json(load_json_file(files.config), files.config.string());
    r.weights = rename_legacy_vae_attention(TensorMap::open(files.weights));
    return r;
  }
  const TensorMap all = open_checkpoint(source);
  if (all.has_prefix(kOriginalVaePrefix))
    r.weights = convert_original_vae(all.with_prefix(kOriginalVaePrefix));
  else if (all.has_prefix("encoder.down.") || all.has_prefix("encoder.down_blocks."))
    r.weights = convert_original_vae(all);  // a standalone VAE file; diffusers names pass through
  else
    throw InputError(at_file(source.string(), std::string("no VAE in this checkpoint (no '") + kOriginalVaePrefix +
                                                  "' tensors; it holds " + top_level_names(all) + ")"));
  const auto given = config_override(options);
  r.config = given ? VaeConfig::from_json(given->first, given->second) : infer_vae_config(r.weights.shapes());
  return r;
}

ShapeMap vae_shapes(const VaeConfig& config) { return expected_shapes(VaeModule(config)); }

}  // namespace detail

Vae Vae::load(const fs::path& source, const ModelOptions& options) {
  auto r = detail::resolve_vae(source, options);
  return from_weights(r.config, r.weights, options, r.source);
}

Vae Vae::from_weights(const VaeConfig& config, const TensorMap& weights, const ModelOptions& options,
                      const std::string& source) {
  const at::ScalarType dtype = vae_dtype(config, options);
  auto module = std::make_shared<detail::VaeModule>(config);
  detail::assign_weights(*module, weights, options.device, dtype, options.trainable, {}, "VAE");
  Vae out;
  out.state_ = detail::make_state(module, options, dtype, source);
  return out;
}

Vae Vae::create(const VaeConfig& config, const ModelOptions& options) {
  const at::ScalarType dtype = vae_dtype(config, options);
  auto module = std::make_shared<detail::VaeModule>(config);
  detail::materialize(*module, options.device, dtype, options.trainable);
  Vae out;
  out.state_ = detail::make_state(module, options, dtype, "created");
  return out;
}

LatentDistribution Vae::encode(const at::Tensor& image, Trace* trace) const {
  const auto& m = vae_module(state_);
  const VaeConfig& c = m.config;
  const std::int64_t factor = downscale_factor();
  if (image.dim() != 4 || image.size(1) != c.in_channels || image.size(2) % factor != 0 || image.size(3) % factor != 0)
    throw InputError("VAE: image has shape " + shape_text(image.sizes().vec()) + ", expected [B, " +
                     std::to_string(c.in_channels) + ", H, W] with H and W multiples of " + std::to_string(factor));
  detail::ForwardContext ctx = state_->context();
  ctx.trace = trace;
  at::Tensor h = m.encoder->forward(detail::to_model(image, *state_), ctx);
  LatentDistribution d;
  d.moments = m.quant_conv ? m.quant_conv->forward(h) : h;
  ctx.record("quant_conv", d.moments);
  auto parts = d.moments.chunk(2, 1);
  d.mean = parts[0];
  d.logvar = parts[1].clamp(-30.0, 20.0);
  d.std = at::exp(0.5 * d.logvar);
  return d;
}

at::Tensor Vae::decode(const at::Tensor& latent, Trace* trace) const {
  const auto& m = vae_module(state_);
  if (latent.dim() != 4 || latent.size(1) != m.config.latent_channels)
    throw InputError("VAE: latent has shape " + shape_text(latent.sizes().vec()) + ", expected [B, " +
                     std::to_string(m.config.latent_channels) + ", h, w]");
  detail::ForwardContext ctx = state_->context();
  ctx.trace = trace;
  at::Tensor z = detail::to_model(latent, *state_);
  if (m.post_quant_conv) z = m.post_quant_conv->forward(z);
  ctx.record("post_quant_conv", z);
  return m.decoder->forward(z, ctx);
}

const VaeConfig& Vae::config() const { return vae_module(state_).config; }

std::int64_t Vae::downscale_factor() const {
  return std::int64_t(1) << (config().block_out_channels.size() - 1);
}

}  // namespace likeness::neural
