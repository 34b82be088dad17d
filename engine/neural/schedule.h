#pragma once
// Stable Diffusion's training noise schedule: betas, cumulative alphas, noising, and conversions
// between what a UNet predicts (epsilon or v) and the noise, the clean latent and v.
//
// SD uses "scaled_linear" betas: linspace(sqrt(0.00085), sqrt(0.012), 1000)^2, and
// x_t = sqrt(a_t) x0 + sqrt(1 - a_t) eps with a_t = prod_{s<=t} (1 - beta_s).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "engine/neural/configs.h"

namespace likeness::neural {

/// How score distillation weighs a timestep.
enum class SdsWeighting {
  OneMinusAlphaBar,  ///< w(t) = 1 - a_t (DreamFusion: sigma_t^2)
  Constant,          ///< w(t) = 1
  SqrtAlphaBar,      ///< w(t) = sqrt(a_t) (1 - a_t) (favours mid timesteps)
};

class NoiseSchedule {
public:
  explicit NoiseSchedule(const ScheduleConfig& config = {});

  const ScheduleConfig& config() const { return config_; }
  std::int64_t num_timesteps() const { return config_.num_train_timesteps; }
  PredictionType prediction_type() const { return config_.prediction_type; }

  /// beta_t and a_t (cumulative product of 1 - beta), computed in float32 as diffusers does.
  const std::vector<double>& betas() const { return betas_; }
  const std::vector<double>& alphas_cumprod() const { return alphas_cumprod_; }
  double alpha_cumprod(std::int64_t t) const;

  /// x_t = sqrt(a_t) x0 + sqrt(1 - a_t) eps, `t` a scalar or one timestep per batch item.
  at::Tensor add_noise(const at::Tensor& x0, const at::Tensor& noise, const at::Tensor& t) const;
  /// v = sqrt(a_t) eps - sqrt(1 - a_t) x0 (the v-prediction target).
  at::Tensor velocity(const at::Tensor& x0, const at::Tensor& noise, const at::Tensor& t) const;
  /// The noise implied by a UNet output (identity for epsilon models;
  /// eps = sqrt(a_t) v + sqrt(1 - a_t) x_t for v models).
  at::Tensor epsilon_from_output(const at::Tensor& output, const at::Tensor& x_t, const at::Tensor& t) const;
  /// The clean latent implied by a UNet output.
  at::Tensor x0_from_output(const at::Tensor& output, const at::Tensor& x_t, const at::Tensor& t) const;
  /// w(t) for score distillation, shaped [B, 1, 1, 1] in `like`'s dtype and device.
  at::Tensor sds_weight(const at::Tensor& t, SdsWeighting weighting, const at::Tensor& like) const;

private:
  /// coefficient(a_t) per batch item as [B, 1, ..., 1] matching `like`.
  at::Tensor per_item(const at::Tensor& t, const at::Tensor& like, double (*f)(double)) const;

  ScheduleConfig config_;
  std::vector<double> betas_;
  std::vector<double> alphas_cumprod_;
};

}  // namespace likeness::neural
