#pragma once
// Diffusion guidance around the UNet: classifier-free guidance, score distillation (SDS) for a
// latent, and InstructPix2Pix's three-branch guidance for edits.
//
// Batches follow diffusers: the classifier-free pair is [unconditional; conditional] along the
// batch, so an AttentionCapture sees the unconditional half first; InstructPix2Pix's triple is
// [text + image; image only; neither].
#include <ATen/core/Tensor.h>

#include "engine/neural/schedule.h"

namespace likeness::neural {

class UNet;
class ControlNet;
class AttentionCapture;

/// eps_u + scale (eps_c - eps_u).
at::Tensor classifier_free_guidance(const at::Tensor& uncond, const at::Tensor& cond, double scale);

/// eps_u + s_t (eps_t - eps_i) + s_i (eps_i - eps_u): eps_t conditioned on text and image, eps_i on
/// the image only, eps_u on neither.
at::Tensor instruct_pix2pix_guidance(const at::Tensor& text, const at::Tensor& image, const at::Tensor& uncond,
                                     double text_scale, double image_scale);

struct SdsOptions {
  double guidance_scale = 100;  ///< classifier-free guidance scale (DreamFusion-style SDS uses ~100)
  SdsWeighting weighting = SdsWeighting::OneMinusAlphaBar;
  const ControlNet* controlnet = nullptr;  ///< optional: residuals from `control_image`
  at::Tensor control_image;                ///< [B, C, 8h, 8w] in [0, 1]
  double control_scale = 1.0;
  AttentionCapture* capture = nullptr;  ///< records the UNet's cross-attention
};

/// The classifier-free guided noise prediction for x_t at t, in epsilon space (v outputs are
/// converted with `schedule`). `cond`/`uncond` are [B or 1, tokens, dim].
at::Tensor guided_noise(const UNet& unet, const NoiseSchedule& schedule, const at::Tensor& x_t, const at::Tensor& t,
                        const at::Tensor& cond, const at::Tensor& uncond, const SdsOptions& options = {});

/// Score distillation: w(t) (eps_pred - noise) with eps_pred the guided prediction for `latents`
/// (already scaled by the VAE's scaling factor) noised with `noise` at `t`. Computed without a
/// graph: SDS skips the UNet's Jacobian. Backpropagate it with sds_surrogate_loss().
at::Tensor sds_gradient(const UNet& unet, const NoiseSchedule& schedule, const at::Tensor& latents, const at::Tensor& t,
                        const at::Tensor& noise, const at::Tensor& cond, const at::Tensor& uncond,
                        const SdsOptions& options = {});

/// sum(gradient.detach() * latents): a scalar whose gradient with respect to `latents` is `gradient`.
at::Tensor sds_surrogate_loss(const at::Tensor& latents, const at::Tensor& gradient);

struct Pix2PixOptions {
  double text_scale = 7.5;
  double image_scale = 1.5;
  SdsWeighting weighting = SdsWeighting::OneMinusAlphaBar;
  AttentionCapture* capture = nullptr;  ///< records the three branches' cross-attention
};

/// InstructPix2Pix's guided noise for x_t: the UNet (in_channels = 2 x latent channels) sees
/// cat([x_t, image_latents]) with the instruction, cat([x_t, image_latents]) without it, and
/// cat([x_t, 0]) without it. `image_latents` are the VAE posterior's mode, unscaled, as the
/// InstructPix2Pix pipeline does.
at::Tensor pix2pix_noise(const UNet& unet, const NoiseSchedule& schedule, const at::Tensor& x_t, const at::Tensor& t,
                         const at::Tensor& text, const at::Tensor& uncond, const at::Tensor& image_latents,
                         const Pix2PixOptions& options = {});

/// Score distillation through InstructPix2Pix: w(t) (pix2pix_noise - noise), without a graph.
at::Tensor pix2pix_sds_gradient(const UNet& unet, const NoiseSchedule& schedule, const at::Tensor& latents, const at::Tensor& t,
                                const at::Tensor& noise, const at::Tensor& text, const at::Tensor& uncond,
                                const at::Tensor& image_latents, const Pix2PixOptions& options = {});

}  // namespace likeness::neural
