#pragma once
// Cross-attention maps captured during a UNet pass: for every text token, where in the latent the
// image attended to it. Averaged over heads and the chosen layers and resized to one resolution,
// they give attention-derived edit masks (FaceG2E: the edited word's map, 16x16, min-max
// normalised).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace likeness::neural {

class AttentionCapture {
public:
  /// Maps come out at `height` x `width`. `layers` selects the cross-attention layers whose maps
  /// are averaged, by name prefix ("up_blocks", "mid_block", "down_blocks.2"); empty: all of them.
  /// Layer names are the diffusers module paths ("up_blocks.1.attentions.0.transformer_blocks.0.attn2").
  AttentionCapture(std::int64_t height, std::int64_t width, std::vector<std::string> layers = {});

  /// Whether the layer at `path` is captured.
  bool wants(const std::string& path) const;
  /// Adds one layer's probabilities, [batch, heads, h * w, tokens] (rows in raster order of an
  /// h x w map): averaged over heads, resized bilinearly, accumulated. Detached: masks, not losses.
  void add(const std::string& path, const at::Tensor& probabilities, std::int64_t h, std::int64_t w);

  /// [batch, tokens, height, width]: the mean over captured layers (each pixel sums to 1 over
  /// tokens). Undefined if nothing was captured.
  at::Tensor maps() const;
  /// The layers captured so far, in call order.
  const std::vector<std::string>& captured_layers() const { return captured_; }
  /// Forgets what was captured (before the next pass).
  void clear();

private:
  std::int64_t height_, width_;
  std::vector<std::string> layers_;
  std::vector<std::string> captured_;
  at::Tensor sum_;
};

/// The attention of `tokens` (summed over them), min-max normalised per batch item to [0, 1]:
/// [batch, height, width] from maps() output.
at::Tensor token_attention_mask(const at::Tensor& maps, const std::vector<std::int64_t>& tokens);

}  // namespace likeness::neural
