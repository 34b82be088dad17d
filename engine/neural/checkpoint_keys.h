#pragma once
// Single-file Stable Diffusion checkpoints: the original (CompVis/LDM) key layout, its mapping to
// the diffusers names the modules use, architecture inference from tensor shapes, and telling one
// model family from another.
//
// Original prefixes: `model.diffusion_model.` (UNet), `first_stage_model.` (VAE),
// `cond_stage_model.transformer.` (SD 1.x CLIP text encoder), `control_model.` (ControlNet).
#include <string>

#include "engine/neural/configs.h"
#include "engine/neural/weights.h"

namespace likeness::neural {

inline constexpr const char* kOriginalUNetPrefix = "model.diffusion_model.";
inline constexpr const char* kOriginalVaePrefix = "first_stage_model.";
inline constexpr const char* kOriginalTextPrefix = "cond_stage_model.transformer.";
inline constexpr const char* kOriginalControlPrefix = "control_model.";

enum class ModelFamily { Unknown, StableDiffusion1, StableDiffusion2, StableDiffusionXL, StableDiffusion3, Flux };

/// "SD 1.x", "SD 2.x", "SDXL", "SD 3", "Flux", "unknown".
const char* family_name(ModelFamily family);

struct FamilyGuess {
  ModelFamily family = ModelFamily::Unknown;
  std::string evidence;  ///< the tensor that gave it away
};

/// Guesses the family of a checkpoint (original or diffusers names) from its tensor names and shapes.
FamilyGuess detect_family(const ShapeMap& shapes);

/// Original UNet names (prefix removed) to diffusers names for `config`, with the same tensors.
/// Names it does not know are kept, so that loading reports them as unexpected.
TensorMap convert_original_unet(const TensorMap& original, const UNetConfig& config);
/// Original ControlNet names (prefix removed): the UNet encoder, input_hint_block, zero_convs,
/// middle_block_out.
TensorMap convert_original_controlnet(const TensorMap& original, const ControlNetConfig& config);
/// Original VAE names (prefix removed: encoder.down.0.block.0..., mid.attn_1.q, nin_shortcut; the
/// decoder's up blocks in reverse order; 1x1-conv attention weights become Linear weights).
TensorMap convert_original_vae(const TensorMap& original);
/// Original SD 1.x text encoder names (prefix removed), with or without `text_model.`.
TensorMap convert_original_clip_text(const TensorMap& original);
/// VAE attention names of diffusers before 0.17 (query, key, value, proj_attn) to the current ones.
TensorMap rename_legacy_vae_attention(const TensorMap& weights);

/// The UNet architecture of original-layout shapes (prefix removed): widths, depths, attention
/// placement, context width and linear projections from the shapes; head counts by SD convention
/// (768-wide context: 8 heads; 1024-wide: 64-wide heads). InputError when a shape is missing or
/// the head count cannot be told.
UNetConfig infer_unet_config(const ShapeMap& original);
/// The ControlNet architecture of original-layout shapes (prefix removed).
ControlNetConfig infer_controlnet_config(const ShapeMap& original);
/// The VAE architecture of diffusers-named shapes (convert original ones first); 32 groups and
/// the SD scaling factor by convention.
VaeConfig infer_vae_config(const ShapeMap& diffusers_names);
/// The CLIP text architecture of transformers-named shapes; 64-wide heads, quick_gelu.
ClipTextConfig infer_clip_text_config(const ShapeMap& transformers_names);

}  // namespace likeness::neural
