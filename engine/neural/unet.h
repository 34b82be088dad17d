#pragma once
// UNet2DConditionModel (SD 1.x and 2.x): predicts the noise (or v) of a latent at a timestep,
// conditioned on text embeddings through cross-attention. Optional ControlNet residuals and
// cross-attention capture. Gradients flow to the sample and the text embeddings.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/neural/configs.h"
#include "engine/neural/model.h"
#include "engine/neural/options.h"

namespace likeness::neural {

class AttentionCapture;
class TensorMap;

/// What a ControlNet adds to a UNet: one residual per skip (12 for SD) and one for the mid block.
struct ControlResiduals {
  std::vector<at::Tensor> down;
  at::Tensor mid;
};

/// Optional parts of one UNet pass.
struct UNetCall {
  const ControlResiduals* control = nullptr;  ///< added to the skips and the mid-block output
  AttentionCapture* capture = nullptr;         ///< records cross-attention probabilities
  Trace* trace = nullptr;                      ///< records time_proj, conv_in, down_blocks.i, mid_block, ...
};

class UNet : public NeuralModel {
public:
  UNet() = default;

  /// Loads from a diffusers folder (`unet/` of a pipeline, or a folder with config.json and
  /// diffusion_pytorch_model[.fp16].safetensors[.index.json]) or a single-file SD checkpoint
  /// (keys under `model.diffusion_model.`). The prediction type comes from the pipeline's
  /// scheduler/scheduler_config.json unless `options` says. InputError/AssetError naming the file,
  /// the expected and the found tensors.
  static UNet load(const std::filesystem::path& source, const ModelOptions& options = {});
  /// Builds from diffusers-named weights.
  static UNet from_weights(const UNetConfig& config, const TensorMap& weights, const ModelOptions& options = {},
                           const std::string& source = "weights");
  /// A UNet of `config` with uninitialised parameters, for callers that fill them (benchmarks).
  static UNet create(const UNetConfig& config, const ModelOptions& options = {});

  /// sample [B, in_channels, H, W], timesteps (a scalar or [B]; int or float),
  /// encoder_hidden_states [B, tokens, cross_attention_dim] -> [B, out_channels, H, W].
  /// Inputs are cast to the model's dtype and device.
  at::Tensor forward(const at::Tensor& sample, const at::Tensor& timesteps, const at::Tensor& encoder_hidden_states,
                     const UNetCall& call = {}) const;

  const UNetConfig& config() const;
  PredictionType prediction_type() const { return config().prediction_type; }
  /// The skip count and channels a ControlNet must supply.
  std::vector<std::int64_t> skip_channels() const;
  /// Names of the cross-attention layers, for AttentionCapture's layer selection.
  std::vector<std::string> cross_attention_layers() const;
};

}  // namespace likeness::neural
