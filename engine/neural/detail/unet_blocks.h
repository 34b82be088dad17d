#pragma once
// Internal: the UNet's blocks (diffusers' Transformer2DModel, BasicTransformerBlock, GEGLU
// FeedForward, Cross-attention/plain down, up and mid blocks) and the encoder half that the UNet
// and the ControlNet share.
#include "engine/neural/configs.h"
#include "engine/neural/detail/attention.h"

namespace likeness::neural::detail {

/// FeedForward with GEGLU: net.0.proj (dim -> 8 dim), value * gelu(gate), net.2 (4 dim -> dim).
class FeedForward : public torch::nn::Module {
public:
  explicit FeedForward(std::int64_t dim);
  at::Tensor forward(const at::Tensor& x) const;

private:
  std::shared_ptr<Linear> proj_, out_;
};

/// x += attn1(norm1 x); x += attn2(norm2 x, context); x += ff(norm3 x).
class BasicTransformerBlock : public torch::nn::Module {
public:
  BasicTransformerBlock(std::int64_t dim, std::int64_t heads, std::int64_t context_dim, bool upcast, const std::string& path);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context, const ForwardContext& ctx, std::int64_t h,
                     std::int64_t w) const;

private:
  std::shared_ptr<LayerNorm> norm1_, norm2_, norm3_;
  std::shared_ptr<Attention> attn1_, attn2_;
  std::shared_ptr<FeedForward> ff_;
};

/// Transformer2DModel (continuous input): GroupNorm (eps 1e-6), proj_in (1x1 conv or Linear),
/// transformer blocks over the h*w tokens, proj_out, plus the input.
class Transformer2D : public torch::nn::Module {
public:
  Transformer2D(std::int64_t channels, std::int64_t heads, std::int64_t context_dim, std::int64_t depth,
                std::int64_t groups, bool linear_projection, bool upcast, const std::string& path);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context, const ForwardContext& ctx) const;

private:
  bool linear_;
  std::shared_ptr<GroupNorm> norm_;
  std::shared_ptr<torch::nn::Module> proj_in_, proj_out_;
  Children<BasicTransformerBlock> blocks_;
};

/// CrossAttnDownBlock2D / DownBlock2D (and the VAE's DownEncoderBlock2D): resnets (each followed
/// by an attention when cross-attending), then a downsampler. Every output is a UNet skip.
class DownBlock : public torch::nn::Module {
public:
  struct Spec {
    std::int64_t in = 0, out = 0, layers = 2, temb = 0, groups = 32;
    double eps = 1e-5;
    bool attention = false, downsample = true;
    std::int64_t heads = 8, context_dim = 768, depth = 1, downsample_padding = 1;
    bool linear_projection = false, upcast = false;
    std::string path;
  };
  explicit DownBlock(const Spec& spec);
  /// Appends each skip to `skips`; returns the block output.
  at::Tensor forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context, const ForwardContext& ctx,
                     std::vector<at::Tensor>* skips) const;
  std::size_t skip_count() const { return resnets_.size() + (downsampler_.empty() ? 0 : 1); }
  /// Output channels of each skip, in order.
  std::vector<std::int64_t> skip_channels() const;

private:
  Spec spec_;
  Children<ResnetBlock> resnets_;
  Children<Transformer2D> attentions_;
  Children<Downsample> downsampler_;
};

/// CrossAttnUpBlock2D / UpBlock2D (and the VAE's UpDecoderBlock2D, without skips): each resnet
/// takes cat([h, skip]) with skips popped from the end, then an attention; then an upsampler.
class UpBlock : public torch::nn::Module {
public:
  struct Spec {
    std::int64_t in = 0, prev = 0, out = 0, layers = 3, temb = 0, groups = 32;
    double eps = 1e-5;
    bool attention = false, upsample = true, skips = true;
    std::int64_t heads = 8, context_dim = 768, depth = 1;
    bool linear_projection = false, upcast = false;
    std::string path;
  };
  explicit UpBlock(const Spec& spec);
  /// Pops its skips from the end of `skips`. `size`: the upsampler's output size (else x2).
  at::Tensor forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context, const ForwardContext& ctx,
                     std::vector<at::Tensor>* skips, c10::optional<at::IntArrayRef> size) const;
  std::size_t layer_count() const { return resnets_.size(); }

private:
  Spec spec_;
  Children<ResnetBlock> resnets_;
  Children<Transformer2D> attentions_;
  Children<Upsample> upsampler_;
};

/// UNetMidBlock2DCrossAttn (transformer attentions) or UNetMidBlock2D (the VAE's single-head
/// self-attention with GroupNorm and residual): resnet, then (attention, resnet) pairs.
class MidBlock : public torch::nn::Module {
public:
  struct Spec {
    std::int64_t channels = 0, temb = 0, groups = 32, layers = 1;
    double eps = 1e-5, output_scale = 1;
    bool cross_attention = true;  ///< false: VAE attention (or none when `vae_attention` is false)
    bool vae_attention = true;
    std::int64_t heads = 8, context_dim = 768, depth = 1;
    bool linear_projection = false, upcast = false;
    std::string path;
  };
  explicit MidBlock(const Spec& spec);
  at::Tensor forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context, const ForwardContext& ctx) const;

private:
  Spec spec_;
  Children<ResnetBlock> resnets_;
  Children<Transformer2D> transformers_;
  Children<Attention> vae_attentions_;
};

/// The part of a UNet that a ControlNet copies: time embedding, conv_in, down blocks, mid block.
struct UNetEncoder {
  std::shared_ptr<TimestepEmbedding> time_embedding;
  std::shared_ptr<Conv2d> conv_in;
  Children<DownBlock> down_blocks;
  std::shared_ptr<MidBlock> mid_block;

  /// Registers the parts in `owner` under diffusers' names.
  UNetEncoder(torch::nn::Module& owner, const UNetConfig& config);
  /// The time embedding of `timesteps` (a scalar or one per batch item), in `dtype`.
  at::Tensor embed_time(const UNetConfig& config, const at::Tensor& timesteps, std::int64_t batch, at::ScalarType dtype,
                        const ForwardContext& ctx) const;
  /// The 12 (for SD) skip channel counts, in order.
  std::vector<std::int64_t> skip_channels() const;
};

}  // namespace likeness::neural::detail
