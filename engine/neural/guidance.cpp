// Classifier-free guidance, score distillation and InstructPix2Pix guidance.
#include "engine/neural/guidance.h"

#include <ATen/ATen.h>

#include "engine/core/error.h"
#include "engine/neural/controlnet.h"
#include "engine/neural/unet.h"
#include "engine/neural/weights.h"

namespace likeness::neural {

namespace {

// [1 or B, T, D] -> [B, T, D].
at::Tensor per_batch(const at::Tensor& embeds, std::int64_t batch, const char* what) {
  if (embeds.dim() != 3 || (embeds.size(0) != 1 && embeds.size(0) != batch))
    throw InputError(std::string("guidance: ") + what + " has shape " + shape_text(embeds.sizes().vec()) +
                     ", expected [1 or " + std::to_string(batch) + ", tokens, dim]");
  return embeds.size(0) == batch ? embeds : embeds.expand({batch, embeds.size(1), embeds.size(2)});
}

// Timesteps as [B] int64 for a batch of `batch`, repeated `copies` times.
at::Tensor repeat_steps(const at::Tensor& t, std::int64_t batch, std::int64_t copies) {
  at::Tensor steps = t.reshape({-1});
  if (steps.numel() == 1) steps = steps.expand({batch});
  if (steps.numel() != batch)
    throw InputError("guidance: " + std::to_string(steps.numel()) + " timesteps for a batch of " + std::to_string(batch));
  return steps.repeat({copies});
}

}  // namespace

at::Tensor classifier_free_guidance(const at::Tensor& uncond, const at::Tensor& cond, double scale) {
  return uncond + scale * (cond - uncond);
}

at::Tensor instruct_pix2pix_guidance(const at::Tensor& text, const at::Tensor& image, const at::Tensor& uncond,
                                     double text_scale, double image_scale) {
  return uncond + text_scale * (text - image) + image_scale * (image - uncond);
}

at::Tensor guided_noise(const UNet& unet, const NoiseSchedule& schedule, const at::Tensor& x_t, const at::Tensor& t,
                        const at::Tensor& cond, const at::Tensor& uncond, const SdsOptions& options) {
  const std::int64_t b = x_t.size(0);
  const at::Tensor x2 = at::cat({x_t, x_t}, 0);
  const at::Tensor t2 = repeat_steps(t, b, 2);
  const at::Tensor ehs = at::cat({per_batch(uncond, b, "uncond"), per_batch(cond, b, "cond")}, 0);
  ControlResiduals control;
  UNetCall call;
  call.capture = options.capture;
  if (options.controlnet) {
    if (!options.control_image.defined()) throw InputError("guidance: a ControlNet was given without a control image");
    at::Tensor image = options.control_image.size(0) == b ? options.control_image : options.control_image.expand({b, -1, -1, -1});
    control = options.controlnet->forward(x2, t2, ehs, at::cat({image, image}, 0), options.control_scale);
    call.control = &control;
  }
  at::Tensor out = unet.forward(x2, t2, ehs, call);
  const at::Tensor eps = schedule.epsilon_from_output(out, x2.to(out.scalar_type()), t2);
  auto halves = eps.chunk(2, 0);
  return classifier_free_guidance(halves[0], halves[1], options.guidance_scale);
}

at::Tensor sds_gradient(const UNet& unet, const NoiseSchedule& schedule, const at::Tensor& latents, const at::Tensor& t,
                        const at::Tensor& noise, const at::Tensor& cond, const at::Tensor& uncond, const SdsOptions& options) {
  at::NoGradGuard no_grad;
  const at::Tensor x0 = latents.detach();
  const at::Tensor x_t = schedule.add_noise(x0, noise, t);
  const at::Tensor eps = guided_noise(unet, schedule, x_t, t, cond, uncond, options);
  const at::Tensor w = schedule.sds_weight(t, options.weighting, eps);
  return (w * (eps - noise.to(eps.device(), eps.scalar_type()))).to(latents.scalar_type());
}

at::Tensor sds_surrogate_loss(const at::Tensor& latents, const at::Tensor& gradient) {
  return (gradient.detach().to(latents.scalar_type()) * latents).sum();
}

at::Tensor pix2pix_noise(const UNet& unet, const NoiseSchedule& schedule, const at::Tensor& x_t, const at::Tensor& t,
                         const at::Tensor& text, const at::Tensor& uncond, const at::Tensor& image_latents,
                         const Pix2PixOptions& options) {
  const std::int64_t b = x_t.size(0);
  if (image_latents.sizes() != x_t.sizes())
    throw InputError("InstructPix2Pix: image latents have shape " + shape_text(image_latents.sizes().vec()) +
                     ", the latents " + shape_text(x_t.sizes().vec()));
  if (unet.config().in_channels != 2 * x_t.size(1))
    throw InputError("InstructPix2Pix: the UNet takes " + std::to_string(unet.config().in_channels) +
                     " input channels, not latent + image (" + std::to_string(2 * x_t.size(1)) + ")");
  const at::Tensor image = image_latents.to(x_t.scalar_type());
  const at::Tensor x3 = at::cat({at::cat({x_t, image}, 1), at::cat({x_t, image}, 1), at::cat({x_t, at::zeros_like(image)}, 1)}, 0);
  const at::Tensor t3 = repeat_steps(t, b, 3);
  const at::Tensor u = per_batch(uncond, b, "uncond");
  const at::Tensor ehs = at::cat({per_batch(text, b, "text"), u, u}, 0);
  UNetCall call;
  call.capture = options.capture;
  at::Tensor out = unet.forward(x3, t3, ehs, call);
  const at::Tensor eps = schedule.epsilon_from_output(out, at::cat({x_t, x_t, x_t}, 0).to(out.scalar_type()), t3);
  auto parts = eps.chunk(3, 0);
  return instruct_pix2pix_guidance(parts[0], parts[1], parts[2], options.text_scale, options.image_scale);
}

at::Tensor pix2pix_sds_gradient(const UNet& unet, const NoiseSchedule& schedule, const at::Tensor& latents, const at::Tensor& t,
                                const at::Tensor& noise, const at::Tensor& text, const at::Tensor& uncond,
                                const at::Tensor& image_latents, const Pix2PixOptions& options) {
  at::NoGradGuard no_grad;
  const at::Tensor x_t = schedule.add_noise(latents.detach(), noise, t);
  const at::Tensor eps = pix2pix_noise(unet, schedule, x_t, t, text, uncond, image_latents, options);
  const at::Tensor w = schedule.sds_weight(t, options.weighting, eps);
  return (w * (eps - noise.to(eps.device(), eps.scalar_type()))).to(latents.scalar_type());
}

}  // namespace likeness::neural
