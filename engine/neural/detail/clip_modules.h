#pragma once
// Internal: transformers' CLIP encoder layers and both towers as modules.
#include "engine/neural/clip.h"
#include "engine/neural/detail/layers.h"

namespace likeness::neural::detail {

/// CLIPAttention: q is scaled before q k^T; an optional additive mask [1, 1, S, S].
class ClipAttention : public torch::nn::Module {
public:
  ClipAttention(std::int64_t dim, std::int64_t heads);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& mask) const;

private:
  std::int64_t heads_;
  std::shared_ptr<Linear> q_proj_, k_proj_, v_proj_, out_proj_;
};

/// x += attn(ln1 x); x += fc2(act(fc1(ln2 x))), act quick_gelu (x sigmoid(1.702 x)) or gelu.
class ClipLayer : public torch::nn::Module {
public:
  explicit ClipLayer(const ClipEncoderConfig& c);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& mask) const;

private:
  bool quick_gelu_;
  std::shared_ptr<ClipAttention> attn_;
  std::shared_ptr<LayerNorm> ln1_, ln2_;
  std::shared_ptr<Linear> fc1_, fc2_;
};

/// encoder.layers.N; returns the last output and, on request, every input and output.
class ClipEncoder : public torch::nn::Module {
public:
  explicit ClipEncoder(const ClipEncoderConfig& c);
  at::Tensor forward(at::Tensor x, const at::Tensor& mask, std::vector<at::Tensor>* states) const;

private:
  Children<ClipLayer> layers_;
};

class ClipTextModule : public torch::nn::Module {
public:
  ClipTextModule(const ClipTextConfig& c, bool with_projection);
  ClipTextOutput forward(const at::Tensor& input_ids, bool hidden_states) const;

  ClipTextConfig config;
  std::shared_ptr<Embedding> token_embedding, position_embedding;
  std::shared_ptr<ClipEncoder> encoder;
  std::shared_ptr<LayerNorm> final_layer_norm;
  std::shared_ptr<Linear> projection;
};

class ClipVisionModule : public torch::nn::Module {
public:
  ClipVisionModule(const ClipVisionConfig& c, bool with_projection);
  ClipVisionOutput forward(const at::Tensor& pixel_values, bool hidden_states) const;

  ClipVisionConfig config;
  at::Tensor class_embedding;
  std::shared_ptr<Conv2d> patch_embedding;
  std::shared_ptr<Embedding> position_embedding;
  std::shared_ptr<LayerNorm> pre_layrnorm, post_layernorm;
  std::shared_ptr<ClipEncoder> encoder;
  std::shared_ptr<Linear> projection;
};

}  // namespace likeness::neural::detail
