#include "engine/optim/consistency.h"

#include <ATen/ATen.h>

#include "engine/core/error.h"

namespace likeness::optim {

const char* to_string(MaskSource source) {
  switch (source) {
    case MaskSource::Attention: return "attention";
    case MaskSource::Painted: return "painted";
    case MaskSource::Both: return "both";
  }
  return "?";
}

MaskSource mask_source_from_string(const std::string& word) {
  if (word == "attention") return MaskSource::Attention;
  if (word == "painted") return MaskSource::Painted;
  if (word == "both") return MaskSource::Both;
  throw InputError("mask source '" + word + "' is not attention, painted or both");
}

ConsistencyWeights::ConsistencyWeights(at::IntArrayRef shape) : weights_(at::ones(shape, at::kFloat)) {}

void ConsistencyWeights::update(const at::Tensor& attention, double momentum) {
  at::Tensor a = attention.detach().to(at::kFloat).clamp(0, 1);
  at::Tensor w = 1 - a * a;
  at::Tensor blended = weights_ * momentum + w * (1 - momentum);
  weights_ = at::where(weights_ > w, blended, weights_);
}

void ConsistencyWeights::apply_painted(const at::Tensor& painted) {
  weights_ = at::minimum(weights_, 1 - painted.detach().to(at::kFloat).clamp(0, 1));
}

void ConsistencyWeights::set(const at::Tensor& weights) { weights_ = weights.detach().to(at::kFloat).clamp(0, 1).clone(); }

at::Tensor initial_weights(MaskSource source, const at::Tensor& attention, const at::Tensor& painted) {
  const at::Tensor& like = attention.defined() ? attention : painted;
  if (!like.defined()) throw InputError("consistency weights need an attention map or a painted mask");
  at::Tensor from_attention = attention.defined() ? 1 - attention.detach().to(at::kFloat).clamp(0, 1).pow(2)
                                                  : at::ones_like(like, at::kFloat);
  at::Tensor from_painted = painted.defined() ? 1 - painted.detach().to(at::kFloat).clamp(0, 1) : at::ones_like(like, at::kFloat);
  switch (source) {
    case MaskSource::Attention: return from_attention;
    case MaskSource::Painted: return from_painted;
    case MaskSource::Both: return at::minimum(from_attention, from_painted);
  }
  return from_attention;
}

at::Tensor consistency_loss(const at::Tensor& current, const at::Tensor& reference, const at::Tensor& weights) {
  at::Tensor diff2 = (current - reference.detach()).pow(2);
  at::Tensor w = weights.detach();
  while (w.dim() < diff2.dim()) w = w.unsqueeze(-1);
  return (w * diff2).mean();
}

}  // namespace likeness::optim
