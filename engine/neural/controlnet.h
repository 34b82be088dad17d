#pragma once
// ControlNetModel: a copy of the UNet's encoder that reads a condition image (depth, normals...)
// and returns residuals for the UNet's skips and mid block (UNetCall::control).
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <string>

#include "engine/neural/configs.h"
#include "engine/neural/model.h"
#include "engine/neural/options.h"
#include "engine/neural/unet.h"

namespace likeness::neural {

class TensorMap;

class ControlNet : public NeuralModel {
public:
  ControlNet() = default;

  /// Loads from a diffusers folder (`controlnet/` or config.json with ControlNetModel) or an
  /// original ControlNet file (`control_model.` keys, e.g. control_v11f1p_sd15_depth).
  static ControlNet load(const std::filesystem::path& source, const ModelOptions& options = {});
  static ControlNet from_weights(const ControlNetConfig& config, const TensorMap& weights, const ModelOptions& options = {},
                                 const std::string& source = "weights");
  static ControlNet create(const ControlNetConfig& config, const ModelOptions& options = {});

  /// sample, timesteps and encoder_hidden_states as for the UNet; condition
  /// [B, conditioning_channels, H, W] in [0, 1] with H, W the latent's size times 2^(steps of the
  /// conditioning embedding) (8 for SD). Every residual is multiplied by `scale`; `guess_mode`
  /// scales them from 0.1 (first skip) to 1 (mid block) as diffusers does.
  ControlResiduals forward(const at::Tensor& sample, const at::Tensor& timesteps, const at::Tensor& encoder_hidden_states,
                           const at::Tensor& condition, double scale = 1.0, bool guess_mode = false,
                           Trace* trace = nullptr) const;

  const ControlNetConfig& config() const;
  /// How many times larger the condition is than the latent.
  std::int64_t condition_scale_factor() const;
};

}  // namespace likeness::neural
