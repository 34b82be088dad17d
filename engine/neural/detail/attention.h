#pragma once
// Internal: diffusers' Attention (AttnProcessor semantics) for UNet transformer blocks and the VAE
// mid block, with query slicing for long sequences and optional capture of the probabilities.
#include <functional>

#include "engine/neural/detail/layers.h"

namespace likeness::neural::detail {

/// softmax(scale q k^T) v over `heads` heads. q [B, Sq, H*D], k and v [B, Sk, H*D] -> [B, Sq, H*D].
/// Slices the queries so no score block exceeds `slice_elements` (0: whole). `upcast` computes
/// the scores and softmax in float32. `on_probs` (if set) receives the probabilities of each
/// slice as [B, H, rows, Sk] with the first row's index; with it set, no fused kernel is used.
at::Tensor multihead_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, std::int64_t heads,
                               double scale, bool upcast, std::int64_t slice_elements,
                               const std::function<void(const at::Tensor&, std::int64_t)>& on_probs = {});

struct AttentionSpec {
  std::int64_t query_dim = 0;
  std::int64_t heads = 1;
  std::int64_t head_dim = 0;
  std::int64_t context_dim = 0;  ///< width of the cross-attention context; 0 for self-attention
  bool qkv_bias = false;
  bool upcast = false;           ///< scores and softmax in float32
  std::int64_t norm_groups = 0;  ///< a GroupNorm (VAE) before the projections, 0 for none
  double norm_eps = 1e-6;
  bool residual = false;  ///< adds the input (VAE)
  std::string path;       ///< module path, for attention capture
};

/// to_q, to_k, to_v, to_out.0 (and group_norm): on [B, S, C] or, flattened, on [B, C, H, W].
class Attention : public torch::nn::Module {
public:
  explicit Attention(const AttentionSpec& spec);
  /// `context` undefined: self-attention. (h, w): the spatial shape of the sequence, for capture.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context, const ForwardContext& ctx, std::int64_t h = 0,
                     std::int64_t w = 0) const;
  const AttentionSpec& spec() const { return spec_; }

private:
  AttentionSpec spec_;
  std::shared_ptr<GroupNorm> group_norm_;
  std::shared_ptr<Linear> to_q_, to_k_, to_v_;
  Children<Linear> to_out_;
};

}  // namespace likeness::neural::detail
