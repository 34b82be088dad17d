#pragma once
// Internal: UNet2DConditionModel and ControlNetModel as modules.
#include "engine/neural/detail/unet_blocks.h"
#include "engine/neural/unet.h"

namespace likeness::neural::detail {

class UNetModule : public torch::nn::Module {
public:
  explicit UNetModule(const UNetConfig& config);
  at::Tensor forward(const at::Tensor& sample, const at::Tensor& timesteps, const at::Tensor& context,
                     const ControlResiduals* control, const ForwardContext& ctx) const;

  UNetConfig config;
  UNetEncoder encoder;
  Children<UpBlock> up_blocks;
  std::shared_ptr<GroupNorm> conv_norm_out;
  std::shared_ptr<Conv2d> conv_out;
};

/// ControlNetConditioningEmbedding: conv_in, (conv, conv stride 2) per width step, conv_out; SiLU
/// between them.
class ConditioningEmbedding : public torch::nn::Module {
public:
  ConditioningEmbedding(std::int64_t in, const std::vector<std::int64_t>& widths, std::int64_t out);
  at::Tensor forward(const at::Tensor& x) const;

private:
  std::shared_ptr<Conv2d> conv_in_, conv_out_;
  Children<Conv2d> blocks_;
};

class ControlNetModule : public torch::nn::Module {
public:
  explicit ControlNetModule(const ControlNetConfig& config);
  ControlResiduals forward(const at::Tensor& sample, const at::Tensor& timesteps, const at::Tensor& context,
                           const at::Tensor& condition, double scale, bool guess_mode, const ForwardContext& ctx) const;

  ControlNetConfig config;
  UNetEncoder encoder;
  std::shared_ptr<ConditioningEmbedding> cond_embedding;
  Children<Conv2d> down_convs;
  std::shared_ptr<Conv2d> mid_conv;
};

}  // namespace likeness::neural::detail
