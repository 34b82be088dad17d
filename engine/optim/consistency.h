#pragma once
// UV-domain consistency for sequential edits (FaceG2E): L = mean(W * (T - T0)^2), where T is a
// texture (or a UV position map for geometry) during the edit, T0 the same before it, and W the
// consistency weights: 1 where the edit must keep everything, 0 where it may change freely.
//
// W comes from the edit's attention a over the surface (w = 1 - a^2, with FaceG2E's running
// update: W starts at 1 and, wherever the stored W exceeds the new w, W <- 0.8 W + 0.2 w), from a
// painted mask m (1 = editable: W = 1 - m), or both (the smaller of the two: either may open a
// texel for editing).
#include <ATen/core/Tensor.h>

namespace likeness::optim {

enum class MaskSource { Attention, Painted, Both };

const char* to_string(MaskSource source);
/// "attention", "painted" or "both"; InputError naming the word otherwise.
MaskSource mask_source_from_string(const std::string& word);

class ConsistencyWeights {
public:
  /// Weights of the given shape, all 1 (keep everything).
  explicit ConsistencyWeights(at::IntArrayRef shape);

  /// FaceG2E's running update with an attention map `attention` in [0, 1] of the same shape:
  /// w = 1 - a^2; where W > w: W <- momentum * W + (1 - momentum) * w.
  void update(const at::Tensor& attention, double momentum = 0.8);

  /// Opens painted texels for editing: W <- min(W, 1 - painted).
  void apply_painted(const at::Tensor& painted);

  /// Sets W directly (clamped to [0, 1]).
  void set(const at::Tensor& weights);

  const at::Tensor& weights() const { return weights_; }

private:
  at::Tensor weights_;
};

/// Weights for a mask source: attention only (1 - a^2 from the start), painted only (1 - m), or
/// both (the minimum). Missing inputs count as "nothing editable" for their source.
at::Tensor initial_weights(MaskSource source, const at::Tensor& attention, const at::Tensor& painted);

/// mean(W * (current - reference)^2) over all elements; W broadcasts over trailing channels.
at::Tensor consistency_loss(const at::Tensor& current, const at::Tensor& reference, const at::Tensor& weights);

}  // namespace likeness::optim
