#pragma once
// CLIP: the text tower (SD 1.x's text encoder; with a projection, CLIP's text embedding) and the
// vision tower with its projection (for CLIP-similarity losses on renders), as transformers 4.35
// computes them; and OpenAI's TorchScript archives (ViT-B-32.pt) as an alternative.
// Token ids come from the CLIP BPE tokenizer (engine/text). Gradients flow to pixel_values.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/neural/configs.h"
#include "engine/neural/model.h"
#include "engine/neural/options.h"

namespace likeness::neural {

class TensorMap;

struct ClipTextOutput {
  at::Tensor last_hidden_state;  ///< [B, T, hidden], after final_layer_norm: what SD's UNet attends to
  at::Tensor pooler_output;      ///< [B, hidden]: the EOS token's state
  at::Tensor text_embeds;        ///< [B, projection_dim]; undefined without a projection
  /// Embeddings, then each layer's output before final_layer_norm (on request).
  std::vector<at::Tensor> hidden_states;
};

class ClipTextModel : public NeuralModel {
public:
  ClipTextModel() = default;

  /// Loads from a text_encoder/ folder (of a pipeline), a CLIP folder (config.json with
  /// model_type "clip"), or a single-file SD 1.x checkpoint (`cond_stage_model.transformer.`).
  /// With text_projection.weight present the model has a projection (CLIPTextModelWithProjection).
  static ClipTextModel load(const std::filesystem::path& source, const ModelOptions& options = {});
  static ClipTextModel from_weights(const ClipTextConfig& config, const TensorMap& weights,
                                    const ModelOptions& options = {}, const std::string& source = "weights");
  static ClipTextModel create(const ClipTextConfig& config, bool with_projection, const ModelOptions& options = {});

  /// input_ids [B, T] (T <= max_position_embeddings; int64).
  ClipTextOutput forward(const at::Tensor& input_ids, bool hidden_states = false) const;

  const ClipTextConfig& config() const;
  bool has_projection() const;
};

struct ClipVisionOutput {
  at::Tensor last_hidden_state;  ///< [B, patches + 1, hidden], not post-layernormed
  at::Tensor pooler_output;      ///< post_layernorm(CLS)
  at::Tensor image_embeds;       ///< [B, projection_dim]; undefined without a projection
  /// pre_layrnorm(embeddings), then each layer's output (on request).
  std::vector<at::Tensor> hidden_states;
};

class ClipVisionModel : public NeuralModel {
public:
  ClipVisionModel() = default;

  /// Loads from an image_encoder/ folder or a CLIP folder.
  static ClipVisionModel load(const std::filesystem::path& source, const ModelOptions& options = {});
  static ClipVisionModel from_weights(const ClipVisionConfig& config, const TensorMap& weights,
                                      const ModelOptions& options = {}, const std::string& source = "weights");
  static ClipVisionModel create(const ClipVisionConfig& config, bool with_projection, const ModelOptions& options = {});

  /// pixel_values [B, num_channels, image_size, image_size], already normalised with CLIP's
  /// mean and std.
  ClipVisionOutput forward(const at::Tensor& pixel_values, bool hidden_states = false) const;

  const ClipVisionConfig& config() const;
  bool has_projection() const;
};

/// An OpenAI CLIP TorchScript archive (ViT-B-32.pt and friends), run through torch::jit. Its
/// "cuda" device constants are patched to the chosen device (and float16 casts to float32 on the
/// CPU), as OpenAI's clip.load does. Its tokens are padded with 0, not with the EOS id.
class ClipTorchScript {
public:
  /// InputError naming the file if it is not a TorchScript archive with encode_text and encode_image.
  static ClipTorchScript load(const std::filesystem::path& file, at::Device device = at::Device(at::kCPU));

  /// tokens [B, context_length] (int64) -> [B, embed_dim].
  at::Tensor encode_text(const at::Tensor& tokens) const;
  /// images [B, 3, R, R] normalised with CLIP's mean and std -> [B, embed_dim].
  at::Tensor encode_image(const at::Tensor& images) const;
  /// The image size the archive expects (its `input_resolution` attribute), 0 if absent.
  std::int64_t input_resolution() const;
  at::Device device() const;

private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace likeness::neural
