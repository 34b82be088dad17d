// UNet building blocks with diffusers 0.24 semantics (see neural-ref/README.md for the details a
// port must match: GroupNorm eps per place, GEGLU, skip order, VAE downsample padding).
#include "engine/neural/detail/unet_blocks.h"

#include <cmath>

namespace likeness::neural::detail {

FeedForward::FeedForward(std::int64_t dim) {
  Children<torch::nn::Module> net(*this, "net");
  auto geglu = std::make_shared<torch::nn::Module>();
  proj_ = geglu->register_module("proj", std::make_shared<Linear>(dim, 8 * dim, true));
  net.add(geglu, 0);
  out_ = std::make_shared<Linear>(4 * dim, dim, true);
  net.add(out_, 2);  // index 1 is nn.Dropout, which has no parameters
}

at::Tensor FeedForward::forward(const at::Tensor& x) const {
  auto halves = proj_->forward(x).chunk(2, -1);
  return out_->forward(halves[0] * at::gelu(halves[1]));
}

BasicTransformerBlock::BasicTransformerBlock(std::int64_t dim, std::int64_t heads, std::int64_t context_dim, bool upcast,
                                             const std::string& path) {
  AttentionSpec self;
  self.query_dim = dim;
  self.heads = heads;
  self.head_dim = dim / heads;
  self.upcast = upcast;
  self.path = path + ".attn1";
  AttentionSpec cross = self;
  cross.context_dim = context_dim;
  cross.path = path + ".attn2";
  norm1_ = register_module("norm1", std::make_shared<LayerNorm>(dim, 1e-5));
  attn1_ = register_module("attn1", std::make_shared<Attention>(self));
  norm2_ = register_module("norm2", std::make_shared<LayerNorm>(dim, 1e-5));
  attn2_ = register_module("attn2", std::make_shared<Attention>(cross));
  norm3_ = register_module("norm3", std::make_shared<LayerNorm>(dim, 1e-5));
  ff_ = register_module("ff", std::make_shared<FeedForward>(dim));
}

at::Tensor BasicTransformerBlock::forward(const at::Tensor& x, const at::Tensor& context, const ForwardContext& ctx,
                                          std::int64_t h, std::int64_t w) const {
  at::Tensor out = x + attn1_->forward(norm1_->forward(x), at::Tensor(), ctx, h, w);
  out = out + attn2_->forward(norm2_->forward(out), context, ctx, h, w);
  return out + ff_->forward(norm3_->forward(out));
}

Transformer2D::Transformer2D(std::int64_t channels, std::int64_t heads, std::int64_t context_dim, std::int64_t depth,
                             std::int64_t groups, bool linear_projection, bool upcast, const std::string& path)
    : linear_(linear_projection) {
  norm_ = register_module("norm", std::make_shared<GroupNorm>(groups, channels, 1e-6));
  if (linear_)
    proj_in_ = register_module("proj_in", std::make_shared<Linear>(channels, channels, true));
  else
    proj_in_ = register_module("proj_in", std::make_shared<Conv2d>(channels, channels, 1));
  blocks_ = Children<BasicTransformerBlock>(*this, "transformer_blocks");
  for (std::int64_t i = 0; i < depth; ++i)
    blocks_.add(std::make_shared<BasicTransformerBlock>(channels, heads, context_dim, upcast,
                                                        path + ".transformer_blocks." + std::to_string(i)));
  if (linear_)
    proj_out_ = register_module("proj_out", std::make_shared<Linear>(channels, channels, true));
  else
    proj_out_ = register_module("proj_out", std::make_shared<Conv2d>(channels, channels, 1));
}

at::Tensor Transformer2D::forward(const at::Tensor& x, const at::Tensor& context, const ForwardContext& ctx) const {
  const std::int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  at::Tensor hs = norm_->forward(x);
  if (linear_) {
    hs = hs.permute({0, 2, 3, 1}).reshape({b, h * w, c});
    hs = static_cast<const Linear&>(*proj_in_).forward(hs);
  } else {
    hs = static_cast<const Conv2d&>(*proj_in_).forward(hs);
    hs = hs.permute({0, 2, 3, 1}).reshape({b, h * w, c});
  }
  for (const auto& block : blocks_.items()) hs = block->forward(hs, context, ctx, h, w);
  if (linear_) {
    hs = static_cast<const Linear&>(*proj_out_).forward(hs);
    hs = hs.reshape({b, h, w, c}).permute({0, 3, 1, 2}).contiguous();
  } else {
    hs = hs.reshape({b, h, w, c}).permute({0, 3, 1, 2}).contiguous();
    hs = static_cast<const Conv2d&>(*proj_out_).forward(hs);
  }
  return hs + x;
}

DownBlock::DownBlock(const Spec& spec) : spec_(spec) {
  resnets_ = Children<ResnetBlock>(*this, "resnets");
  if (spec.attention) attentions_ = Children<Transformer2D>(*this, "attentions");
  for (std::int64_t i = 0; i < spec.layers; ++i) {
    resnets_.add(std::make_shared<ResnetBlock>(i == 0 ? spec.in : spec.out, spec.out, spec.temb, spec.groups, spec.eps));
    if (spec.attention)
      attentions_.add(std::make_shared<Transformer2D>(spec.out, spec.heads, spec.context_dim, spec.depth, spec.groups,
                                                      spec.linear_projection, spec.upcast,
                                                      spec.path + ".attentions." + std::to_string(i)));
  }
  if (spec.downsample) {
    downsampler_ = Children<Downsample>(*this, "downsamplers");
    downsampler_.add(std::make_shared<Downsample>(spec.out, spec.downsample_padding));
  }
}

at::Tensor DownBlock::forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context, const ForwardContext& ctx,
                              std::vector<at::Tensor>* skips) const {
  for (std::size_t i = 0; i < resnets_.size(); ++i) {
    x = resnets_[i].forward(x, temb);
    if (!attentions_.empty()) x = attentions_[i].forward(x, context, ctx);
    if (skips) skips->push_back(x);
  }
  if (!downsampler_.empty()) {
    x = downsampler_[0].forward(x);
    if (skips) skips->push_back(x);
  }
  return x;
}

std::vector<std::int64_t> DownBlock::skip_channels() const { return std::vector<std::int64_t>(skip_count(), spec_.out); }

UpBlock::UpBlock(const Spec& spec) : spec_(spec) {
  resnets_ = Children<ResnetBlock>(*this, "resnets");
  if (spec.attention) attentions_ = Children<Transformer2D>(*this, "attentions");
  for (std::int64_t i = 0; i < spec.layers; ++i) {
    std::int64_t in = 0;
    if (spec.skips) {
      const std::int64_t skip = i == spec.layers - 1 ? spec.in : spec.out;
      in = (i == 0 ? spec.prev : spec.out) + skip;
    } else {
      in = i == 0 ? spec.in : spec.out;
    }
    resnets_.add(std::make_shared<ResnetBlock>(in, spec.out, spec.temb, spec.groups, spec.eps));
    if (spec.attention)
      attentions_.add(std::make_shared<Transformer2D>(spec.out, spec.heads, spec.context_dim, spec.depth, spec.groups,
                                                      spec.linear_projection, spec.upcast,
                                                      spec.path + ".attentions." + std::to_string(i)));
  }
  if (spec.upsample) {
    upsampler_ = Children<Upsample>(*this, "upsamplers");
    upsampler_.add(std::make_shared<Upsample>(spec.out));
  }
}

at::Tensor UpBlock::forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context, const ForwardContext& ctx,
                            std::vector<at::Tensor>* skips, c10::optional<at::IntArrayRef> size) const {
  for (std::size_t i = 0; i < resnets_.size(); ++i) {
    if (spec_.skips) {
      x = at::cat({x, skips->back()}, 1);
      skips->pop_back();
    }
    x = resnets_[i].forward(x, temb);
    if (!attentions_.empty()) x = attentions_[i].forward(x, context, ctx);
  }
  if (!upsampler_.empty()) x = upsampler_[0].forward(x, size);
  return x;
}

MidBlock::MidBlock(const Spec& spec) : spec_(spec) {
  resnets_ = Children<ResnetBlock>(*this, "resnets");
  if (spec.cross_attention)
    transformers_ = Children<Transformer2D>(*this, "attentions");
  else if (spec.vae_attention)
    vae_attentions_ = Children<Attention>(*this, "attentions");
  resnets_.add(std::make_shared<ResnetBlock>(spec.channels, spec.channels, spec.temb, spec.groups, spec.eps, spec.output_scale));
  for (std::int64_t i = 0; i < spec.layers; ++i) {
    const std::string path = spec.path + ".attentions." + std::to_string(i);
    if (spec.cross_attention) {
      transformers_.add(std::make_shared<Transformer2D>(spec.channels, spec.heads, spec.context_dim, spec.depth, spec.groups,
                                                        spec.linear_projection, spec.upcast, path));
    } else if (spec.vae_attention) {
      AttentionSpec a;
      a.query_dim = spec.channels;
      a.heads = 1;
      a.head_dim = spec.channels;
      a.qkv_bias = true;
      a.upcast = true;
      a.norm_groups = spec.groups;
      a.norm_eps = spec.eps;
      a.residual = true;
      a.path = path;
      vae_attentions_.add(std::make_shared<Attention>(a));
    }
    resnets_.add(std::make_shared<ResnetBlock>(spec.channels, spec.channels, spec.temb, spec.groups, spec.eps, spec.output_scale));
  }
}

at::Tensor MidBlock::forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context, const ForwardContext& ctx) const {
  x = resnets_[0].forward(x, temb);
  for (std::size_t i = 1; i < resnets_.size(); ++i) {
    if (!transformers_.empty())
      x = transformers_[i - 1].forward(x, context, ctx);
    else if (!vae_attentions_.empty())
      x = vae_attentions_[i - 1].forward(x, at::Tensor(), ctx);
    x = resnets_[i].forward(x, temb);
  }
  return x;
}

UNetEncoder::UNetEncoder(torch::nn::Module& owner, const UNetConfig& c) {
  const std::int64_t temb = c.time_embed_dim();
  conv_in = owner.register_module(
      "conv_in", std::make_shared<Conv2d>(c.in_channels, c.block_out_channels[0], c.conv_in_kernel, 1, (c.conv_in_kernel - 1) / 2));
  time_embedding = owner.register_module("time_embedding", std::make_shared<TimestepEmbedding>(c.block_out_channels[0], temb));
  down_blocks = Children<DownBlock>(owner, "down_blocks");
  const std::size_t n = c.block_out_channels.size();
  std::int64_t out = c.block_out_channels[0];
  for (std::size_t i = 0; i < n; ++i) {
    DownBlock::Spec s;
    s.in = out;
    s.out = out = c.block_out_channels[i];
    s.layers = c.layers_per_block[i];
    s.temb = temb;
    s.groups = c.norm_num_groups;
    s.eps = c.norm_eps;
    s.attention = c.down_has_attention(i);
    s.downsample = i + 1 < n;
    s.heads = c.attention_heads[i];
    s.context_dim = c.cross_attention_dim[i];
    s.depth = c.transformer_layers_per_block[i];
    s.downsample_padding = c.downsample_padding;
    s.linear_projection = c.use_linear_projection;
    s.upcast = c.upcast_attention;
    s.path = "down_blocks." + std::to_string(i);
    down_blocks.add(std::make_shared<DownBlock>(s));
  }
  MidBlock::Spec m;
  m.channels = c.block_out_channels.back();
  m.temb = temb;
  m.groups = c.norm_num_groups;
  m.eps = c.norm_eps;
  m.output_scale = c.mid_block_scale_factor;
  m.cross_attention = true;
  m.heads = c.attention_heads.back();
  m.context_dim = c.cross_attention_dim.back();
  m.depth = c.transformer_layers_per_block.back();
  m.linear_projection = c.use_linear_projection;
  m.upcast = c.upcast_attention;
  m.path = "mid_block";
  mid_block = owner.register_module("mid_block", std::make_shared<MidBlock>(m));
}

at::Tensor UNetEncoder::embed_time(const UNetConfig& c, const at::Tensor& timesteps, std::int64_t batch, at::ScalarType dtype,
                                   const ForwardContext& ctx) const {
  at::Tensor t = timesteps.reshape({-1}).to(conv_in->weight.device());
  if (t.numel() == 1) t = t.expand({batch});
  at::Tensor features = timestep_features(t, c.block_out_channels[0], c.flip_sin_to_cos, c.freq_shift);
  ctx.record("time_proj", features);
  at::Tensor emb = time_embedding->forward(features.to(dtype));
  ctx.record("time_embedding", emb);
  return emb;
}

std::vector<std::int64_t> UNetEncoder::skip_channels() const {
  std::vector<std::int64_t> out{conv_in->weight.size(0)};
  for (const auto& b : down_blocks.items())
    for (std::int64_t ch : b->skip_channels()) out.push_back(ch);
  return out;
}

}  // namespace likeness::neural::detail
