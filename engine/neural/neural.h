#pragma once
// Likeness's neural building blocks, in one include: CLIP (text and vision), the SD 1.x/2.x UNet,
// the VAE and the ControlNet, loaded from the weight files users hold (diffusers/transformers
// folders, single-file checkpoints, OpenAI TorchScript archives), plus the noise schedule,
// guidance (classifier-free, score distillation, InstructPix2Pix), cross-attention capture and
// the weights registry. Only <ATen/core/Tensor.h> is needed to use them; the torch::nn modules
// stay inside the library.
//
//   using namespace likeness::neural;
//   ModelOptions options;                            // CPU float32; set device/dtype for CUDA fp16
//   ClipTextModel text = ClipTextModel::load(dir, options);
//   UNet unet = UNet::load(dir, options);
//   Vae vae = Vae::load(dir, options);
//   NoiseSchedule schedule(find_schedule_config(dir));
//   at::Tensor latents = vae.encode(image).mean * vae.config().scaling_factor;
//   at::Tensor grad = sds_gradient(unet, schedule, latents, t, noise, cond, uncond);
//   sds_surrogate_loss(latents, grad).backward();    // reaches the image through the encoder
#include "engine/neural/attention_capture.h"
#include "engine/neural/checkpoint_keys.h"
#include "engine/neural/clip.h"
#include "engine/neural/configs.h"
#include "engine/neural/controlnet.h"
#include "engine/neural/guidance.h"
#include "engine/neural/model.h"
#include "engine/neural/model_registry.h"
#include "engine/neural/model_source.h"
#include "engine/neural/options.h"
#include "engine/neural/schedule.h"
#include "engine/neural/unet.h"
#include "engine/neural/vae.h"
#include "engine/neural/weights.h"
#include "engine/neural/weights_report.h"
