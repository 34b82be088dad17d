#pragma once
// AutoencoderKL: images in [-1, 1] to a diagonal Gaussian over latents, and latents back to images.
// The latent scaling factor (0.18215 for SD) is the caller's business: multiply encoded latents
// by config().scaling_factor before the UNet, divide before decoding. Gradients flow to the image
// through the encoder (score distillation) and to the latent through the decoder.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <string>

#include "engine/neural/configs.h"
#include "engine/neural/model.h"
#include "engine/neural/options.h"

namespace likeness::neural {

class TensorMap;

/// The encoder's posterior: moments = [mean, logvar] along channels.
struct LatentDistribution {
  at::Tensor moments;  ///< [B, 2 * latent_channels, h, w]
  at::Tensor mean;
  at::Tensor logvar;  ///< clamped to [-30, 20]
  at::Tensor std;     ///< exp(logvar / 2)
  /// mean + std * noise (the reparameterised sample; differentiable in the image).
  at::Tensor sample(const at::Tensor& noise) const { return mean + std * noise; }
};

class Vae : public NeuralModel {
public:
  Vae() = default;

  /// Loads from a diffusers folder (`vae/` of a pipeline, or config.json + weights; old `query`/
  /// `key`/`value`/`proj_attn` attention names accepted), a single-file SD checkpoint
  /// (`first_stage_model.`), or a standalone original-layout VAE file. With `force_upcast` in its
  /// config and a float16/bfloat16 request, the VAE computes in float32 (dtype() says so).
  static Vae load(const std::filesystem::path& source, const ModelOptions& options = {});
  static Vae from_weights(const VaeConfig& config, const TensorMap& weights, const ModelOptions& options = {},
                          const std::string& source = "weights");
  static Vae create(const VaeConfig& config, const ModelOptions& options = {});

  /// image [B, in_channels, H, W] in [-1, 1] (H, W multiples of 2^(levels-1)).
  LatentDistribution encode(const at::Tensor& image, Trace* trace = nullptr) const;
  /// latent [B, latent_channels, h, w] -> image [B, out_channels, h * 2^(levels-1), ...].
  at::Tensor decode(const at::Tensor& latent, Trace* trace = nullptr) const;

  const VaeConfig& config() const;
  /// How many times smaller the latent is than the image.
  std::int64_t downscale_factor() const;
};

}  // namespace likeness::neural
