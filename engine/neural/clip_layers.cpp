// transformers' CLIP encoder (shared by the text and vision towers).
#include <cmath>

#include "engine/neural/detail/clip_modules.h"

namespace likeness::neural::detail {

ClipAttention::ClipAttention(std::int64_t dim, std::int64_t heads) : heads_(heads) {
  q_proj_ = register_module("q_proj", std::make_shared<Linear>(dim, dim, true));
  k_proj_ = register_module("k_proj", std::make_shared<Linear>(dim, dim, true));
  v_proj_ = register_module("v_proj", std::make_shared<Linear>(dim, dim, true));
  out_proj_ = register_module("out_proj", std::make_shared<Linear>(dim, dim, true));
}

at::Tensor ClipAttention::forward(const at::Tensor& x, const at::Tensor& mask) const {
  const std::int64_t b = x.size(0), s = x.size(1), c = x.size(2), d = c / heads_;
  auto split = [&](const at::Tensor& t) { return t.reshape({b, s, heads_, d}).transpose(1, 2).reshape({b * heads_, s, d}); };
  at::Tensor q = split(q_proj_->forward(x) * (1.0 / std::sqrt(static_cast<double>(d))));
  at::Tensor k = split(k_proj_->forward(x)), v = split(v_proj_->forward(x));
  at::Tensor w = at::bmm(q, k.transpose(1, 2));
  if (mask.defined()) w = (w.reshape({b, heads_, s, s}) + mask).reshape({b * heads_, s, s});
  at::Tensor out = at::bmm(w.softmax(-1), v);
  return out_proj_->forward(out.reshape({b, heads_, s, d}).transpose(1, 2).reshape({b, s, c}));
}

ClipLayer::ClipLayer(const ClipEncoderConfig& c) : quick_gelu_(c.hidden_act == "quick_gelu") {
  attn_ = register_module("self_attn", std::make_shared<ClipAttention>(c.hidden_size, c.num_attention_heads));
  ln1_ = register_module("layer_norm1", std::make_shared<LayerNorm>(c.hidden_size, c.layer_norm_eps));
  auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
  fc1_ = mlp->register_module("fc1", std::make_shared<Linear>(c.hidden_size, c.intermediate_size, true));
  fc2_ = mlp->register_module("fc2", std::make_shared<Linear>(c.intermediate_size, c.hidden_size, true));
  ln2_ = register_module("layer_norm2", std::make_shared<LayerNorm>(c.hidden_size, c.layer_norm_eps));
}

at::Tensor ClipLayer::forward(const at::Tensor& x, const at::Tensor& mask) const {
  at::Tensor h = x + attn_->forward(ln1_->forward(x), mask);
  at::Tensor m = fc1_->forward(ln2_->forward(h));
  m = quick_gelu_ ? m * at::sigmoid(1.702 * m) : at::gelu(m);
  return h + fc2_->forward(m);
}

ClipEncoder::ClipEncoder(const ClipEncoderConfig& c) {
  layers_ = Children<ClipLayer>(*this, "layers");
  for (std::int64_t i = 0; i < c.num_hidden_layers; ++i) layers_.add(std::make_shared<ClipLayer>(c));
}

at::Tensor ClipEncoder::forward(at::Tensor x, const at::Tensor& mask, std::vector<at::Tensor>* states) const {
  if (states) states->push_back(x);
  for (const auto& layer : layers_.items()) {
    x = layer->forward(x, mask);
    if (states) states->push_back(x);
  }
  return x;
}

}  // namespace likeness::neural::detail
