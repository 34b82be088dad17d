#pragma once
// Architecture descriptions read from the config.json that accompanies each set of weights
// (diffusers for UNet/VAE/ControlNet, transformers for CLIP). Every width, depth and head count of
// a module comes from here; nothing about a particular checkpoint is built in.
//
// Options the modules do not implement (SDXL's added time/text embeddings, class embeddings,
// other block types...) are rejected with an InputError naming the field, never ignored.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/neural/options.h"

namespace likeness::neural {

/// UNet2DConditionModel (SD 1.x and 2.x). Per-block lists are indexed by down block; the up path
/// uses them reversed, as diffusers does.
struct UNetConfig {
  std::int64_t in_channels = 4;
  std::int64_t out_channels = 4;
  std::vector<std::int64_t> block_out_channels;
  std::vector<std::string> down_block_types;  ///< CrossAttnDownBlock2D or DownBlock2D
  std::vector<std::string> up_block_types;    ///< CrossAttnUpBlock2D or UpBlock2D
  std::string mid_block_type = "UNetMidBlock2DCrossAttn";
  std::vector<std::int64_t> layers_per_block;              ///< resnets per down block
  std::vector<std::int64_t> transformer_layers_per_block;  ///< BasicTransformerBlocks per attention
  /// Attention heads per down block. (SD's `attention_head_dim` is, for legacy reasons, the number
  /// of heads: 8 for SD 1.x; [5, 10, 20, 20] for SD 2.x, i.e. 64-wide heads.)
  std::vector<std::int64_t> attention_heads;
  std::vector<std::int64_t> cross_attention_dim;  ///< per down block: 768 (SD 1.x), 1024 (SD 2.x)
  std::int64_t norm_num_groups = 32;
  double norm_eps = 1e-5;
  bool flip_sin_to_cos = true;
  double freq_shift = 0;
  std::int64_t downsample_padding = 1;
  double mid_block_scale_factor = 1;
  bool use_linear_projection = false;  ///< SD 2.x: proj_in/proj_out are Linear, not 1x1 convs
  bool upcast_attention = false;
  bool center_input_sample = false;
  std::int64_t conv_in_kernel = 3;
  std::int64_t conv_out_kernel = 3;
  std::int64_t sample_size = 64;  ///< latent size the model was trained at
  /// Not part of the UNet's config.json: from scheduler/scheduler_config.json or an override.
  PredictionType prediction_type = PredictionType::Epsilon;

  std::int64_t time_embed_dim() const { return 4 * block_out_channels.at(0); }
  bool down_has_attention(std::size_t block) const;
  bool up_has_attention(std::size_t block) const;

  /// Parses a diffusers UNet2DConditionModel config; InputError "SOURCE: field 'F': ..." otherwise.
  static UNetConfig from_json(const nlohmann::json& json, const std::string& source);
  /// SD 1.x (runwayml/stable-diffusion-v1-5) and SD 2.x (stabilityai/stable-diffusion-2-1).
  static UNetConfig stable_diffusion_1();
  static UNetConfig stable_diffusion_2();
  /// Checks internal consistency (list lengths, divisibility); InputError naming `source`.
  void validate(const std::string& source) const;
};

/// ControlNetModel: the UNet's encoder half plus the conditioning embedding and zero convs.
struct ControlNetConfig {
  UNetConfig unet;  ///< up_block_types and out_channels are unused
  std::int64_t conditioning_channels = 3;
  std::vector<std::int64_t> conditioning_embedding_out_channels{16, 32, 96, 256};
  bool bgr = false;  ///< controlnet_conditioning_channel_order "bgr": channels are flipped first
  bool global_pool_conditions = false;

  static ControlNetConfig from_json(const nlohmann::json& json, const std::string& source);
};

/// AutoencoderKL.
struct VaeConfig {
  std::int64_t in_channels = 3;
  std::int64_t out_channels = 3;
  std::int64_t latent_channels = 4;
  std::vector<std::int64_t> block_out_channels;
  std::int64_t layers_per_block = 2;
  std::int64_t norm_num_groups = 32;
  std::int64_t sample_size = 512;
  double scaling_factor = 0.18215;  ///< applied by callers, never inside the VAE
  bool force_upcast = true;         ///< computes in float32 when asked for float16
  bool mid_block_add_attention = true;
  bool use_quant_conv = true;
  bool use_post_quant_conv = true;

  static VaeConfig from_json(const nlohmann::json& json, const std::string& source);
  static VaeConfig stable_diffusion();
};

/// Shared by both CLIP towers.
struct ClipEncoderConfig {
  std::int64_t hidden_size = 512;
  std::int64_t intermediate_size = 2048;
  std::int64_t num_hidden_layers = 12;
  std::int64_t num_attention_heads = 8;
  std::int64_t projection_dim = 512;
  std::string hidden_act = "quick_gelu";  ///< quick_gelu (OpenAI CLIP) or gelu (OpenCLIP)
  double layer_norm_eps = 1e-5;
};

/// CLIPTextModel / CLIPTextModelWithProjection.
struct ClipTextConfig : ClipEncoderConfig {
  std::int64_t vocab_size = 49408;
  std::int64_t max_position_embeddings = 77;
  std::int64_t eos_token_id = 49407;  ///< 2 in old configs: pooling then takes argmax(input_ids)
  std::int64_t bos_token_id = 49406;
  std::int64_t pad_token_id = 1;

  /// A clip_text_model config, or the text_config of a full CLIP ("model_type": "clip") config.
  static ClipTextConfig from_json(const nlohmann::json& json, const std::string& source);
  /// OpenAI CLIP ViT-L/14's text tower (SD 1.x).
  static ClipTextConfig openai_vit_l14();
};

/// CLIPVisionModel / CLIPVisionModelWithProjection.
struct ClipVisionConfig : ClipEncoderConfig {
  std::int64_t num_channels = 3;
  std::int64_t image_size = 224;
  std::int64_t patch_size = 32;

  std::int64_t num_positions() const { return (image_size / patch_size) * (image_size / patch_size) + 1; }
  /// A clip_vision_model config, or the vision_config of a full CLIP config.
  static ClipVisionConfig from_json(const nlohmann::json& json, const std::string& source);
};

/// The noise schedule of a diffusers scheduler_config.json (DDPM/DDIM/PNDM... share these).
struct ScheduleConfig {
  std::int64_t num_train_timesteps = 1000;
  double beta_start = 0.00085;
  double beta_end = 0.012;
  std::string beta_schedule = "scaled_linear";  ///< scaled_linear or linear
  PredictionType prediction_type = PredictionType::Epsilon;

  static ScheduleConfig from_json(const nlohmann::json& json, const std::string& source);
};

}  // namespace likeness::neural
