// UNet and ControlNet configs: diffusers' UNet2DConditionModel / ControlNetModel fields.
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/strings.h"
#include "engine/neural/configs.h"
#include "engine/neural/detail/config_fields.h"

namespace likeness::neural {

using namespace detail;

namespace {

const char* kNotSd = "an SDXL-style or otherwise extended UNet; Likeness's UNet is SD 1.x/2.x";

// The options Likeness does not implement must keep their defaults.
void reject_unsupported(const Json& j, const std::string& source) {
  require_default(j, "addition_embed_type", nullptr, std::string("added time/text conditioning: ") + kNotSd, source);
  require_default(j, "addition_time_embed_dim", nullptr, kNotSd, source);
  require_default(j, "projection_class_embeddings_input_dim", nullptr, kNotSd, source);
  require_default(j, "class_embed_type", nullptr, "class embeddings", source);
  require_default(j, "num_class_embeds", nullptr, "class embeddings", source);
  require_default(j, "encoder_hid_dim", nullptr, "an encoder projection", source);
  require_default(j, "encoder_hid_dim_type", nullptr, "an encoder projection", source);
  require_default(j, "time_cond_proj_dim", nullptr, "timestep conditioning (LCM)", source);
  require_default(j, "time_embedding_dim", nullptr, "a custom time embedding width", source);
  require_default(j, "time_embedding_act_fn", nullptr, "an extra time embedding activation", source);
  require_default(j, "timestep_post_act", nullptr, "an extra time embedding activation", source);
  require_default(j, "cross_attention_norm", nullptr, "normed cross-attention", source);
  require_default(j, "dual_cross_attention", false, "dual cross-attention", source);
  require_default(j, "only_cross_attention", false, "cross-attention only blocks", source);
  require_default(j, "mid_block_only_cross_attention", nullptr, "cross-attention only blocks", source);
  require_default(j, "class_embeddings_concat", false, "class embeddings", source);
  require_default(j, "resnet_skip_time_act", false, "a skipped time activation", source);
  require_default(j, "resnet_out_scale_factor", 1.0, "scaled resnet outputs", source);
  require_default(j, "reverse_transformer_layers_per_block", nullptr, "asymmetric transformer depths", source);
  require_one_of(j, "time_embedding_type", {"positional"}, source);
  require_one_of(j, "resnet_time_scale_shift", {"default"}, source);
  require_one_of(j, "attention_type", {"default"}, source);
  require_one_of(j, "act_fn", {"silu", "swish"}, source);
}

// The fields the UNet and the ControlNet share.
UNetConfig parse_common(const Json& j, const std::string& source, bool with_up_blocks) {
  if (!j.is_object()) throw InputError(at_file(source, "expected a JSON object"));
  reject_unsupported(j, source);
  UNetConfig c;
  c.in_channels = get_int(j, "in_channels", 4, source);
  c.block_out_channels = get_int_list(j, "block_out_channels", source);
  c.down_block_types = get_string_list(j, "down_block_types", source);
  const std::size_t n = c.down_block_types.size();
  if (with_up_blocks) {
    c.out_channels = get_int(j, "out_channels", 4, source);
    c.up_block_types = get_string_list(j, "up_block_types", source);
  }
  c.mid_block_type = get_string(j, "mid_block_type", "UNetMidBlock2DCrossAttn", source);
  c.layers_per_block = int_or_list(j, "layers_per_block", n, 2, source);
  c.transformer_layers_per_block = int_or_list(j, "transformer_layers_per_block", n, 1, source);
  // diffusers: num_attention_heads = num_attention_heads or attention_head_dim (legacy naming).
  const bool has_heads = j.contains("num_attention_heads") && !j.at("num_attention_heads").is_null();
  c.attention_heads = int_or_list(j, has_heads ? "num_attention_heads" : "attention_head_dim", n, 8, source);
  c.cross_attention_dim = int_or_list(j, "cross_attention_dim", n, 1280, source);
  c.norm_num_groups = get_int(j, "norm_num_groups", 32, source);
  c.norm_eps = get_double(j, "norm_eps", 1e-5, source);
  c.flip_sin_to_cos = get_bool(j, "flip_sin_to_cos", true, source);
  c.freq_shift = get_double(j, "freq_shift", 0, source);
  c.downsample_padding = get_int(j, "downsample_padding", 1, source);
  c.mid_block_scale_factor = get_double(j, "mid_block_scale_factor", 1, source);
  c.use_linear_projection = get_bool(j, "use_linear_projection", false, source);
  c.upcast_attention = get_bool(j, "upcast_attention", false, source);
  c.center_input_sample = get_bool(j, "center_input_sample", false, source);
  c.conv_in_kernel = get_int(j, "conv_in_kernel", 3, source);
  c.conv_out_kernel = get_int(j, "conv_out_kernel", 3, source);
  c.sample_size = get_int(j, "sample_size", 64, source);
  if (j.contains("prediction_type") && j.at("prediction_type").is_string())
    c.prediction_type = parse_prediction_type(j.at("prediction_type").get<std::string>(), source);
  return c;
}

}  // namespace

bool UNetConfig::down_has_attention(std::size_t block) const { return down_block_types.at(block) == "CrossAttnDownBlock2D"; }
bool UNetConfig::up_has_attention(std::size_t block) const { return up_block_types.at(block) == "CrossAttnUpBlock2D"; }

void UNetConfig::validate(const std::string& source) const {
  const std::size_t n = block_out_channels.size();
  auto fail = [&](const std::string& field, const std::string& what) { throw_json_error(source, field, what); };
  if (down_block_types.size() != n)
    fail("down_block_types", "has " + std::to_string(down_block_types.size()) + " entries but block_out_channels has " +
                                 std::to_string(n));
  if (!up_block_types.empty() && up_block_types.size() != n)
    fail("up_block_types",
         "has " + std::to_string(up_block_types.size()) + " entries but block_out_channels has " + std::to_string(n));
  for (const std::string& t : down_block_types)
    if (t != "CrossAttnDownBlock2D" && t != "DownBlock2D")
      fail("down_block_types", "block type '" + t + "' is not supported (CrossAttnDownBlock2D, DownBlock2D)");
  for (const std::string& t : up_block_types)
    if (t != "CrossAttnUpBlock2D" && t != "UpBlock2D")
      fail("up_block_types", "block type '" + t + "' is not supported (CrossAttnUpBlock2D, UpBlock2D)");
  if (mid_block_type != "UNetMidBlock2DCrossAttn")
    fail("mid_block_type", "block type '" + mid_block_type + "' is not supported (UNetMidBlock2DCrossAttn)");
  if (in_channels <= 0 || out_channels <= 0) fail("in_channels", "channel counts must be positive");
  if (conv_in_kernel % 2 == 0 || conv_out_kernel % 2 == 0) fail("conv_in_kernel", "kernel sizes must be odd");
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t ch = block_out_channels[i];
    if (ch % norm_num_groups != 0)
      fail("norm_num_groups", std::to_string(norm_num_groups) + " groups do not divide block width " + std::to_string(ch));
    if (down_has_attention(i) && ch % attention_heads[i] != 0)
      fail("attention_head_dim", std::to_string(attention_heads[i]) + " heads do not divide block width " + std::to_string(ch));
  }
  if (!up_block_types.empty()) {
    // Up block i mirrors down block n-1-i and must agree on whether it attends.
    for (std::size_t i = 0; i < n; ++i)
      if (up_has_attention(i) != down_has_attention(n - 1 - i))
        fail("up_block_types", "up block " + std::to_string(i) + " (" + up_block_types[i] +
                                   ") does not mirror down block " + std::to_string(n - 1 - i) + " (" +
                                   down_block_types[n - 1 - i] + ")");
  }
  if (block_out_channels.back() % attention_heads.back() != 0)
    fail("attention_head_dim", "heads do not divide the mid block width");
}

UNetConfig UNetConfig::from_json(const nlohmann::json& json, const std::string& source) {
  UNetConfig c = parse_common(json, source, true);
  c.validate(source);
  return c;
}

UNetConfig UNetConfig::stable_diffusion_1() {
  UNetConfig c;
  c.block_out_channels = {320, 640, 1280, 1280};
  c.down_block_types = {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"};
  c.up_block_types = {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"};
  c.layers_per_block = {2, 2, 2, 2};
  c.transformer_layers_per_block = {1, 1, 1, 1};
  c.attention_heads = {8, 8, 8, 8};
  c.cross_attention_dim = {768, 768, 768, 768};
  c.sample_size = 64;
  return c;
}

UNetConfig UNetConfig::stable_diffusion_2() {
  UNetConfig c = stable_diffusion_1();
  c.attention_heads = {5, 10, 20, 20};
  c.cross_attention_dim = {1024, 1024, 1024, 1024};
  c.use_linear_projection = true;
  c.sample_size = 96;
  return c;
}

ControlNetConfig ControlNetConfig::from_json(const nlohmann::json& json, const std::string& source) {
  ControlNetConfig c;
  c.unet = parse_common(json, source, false);
  c.unet.validate(source);
  c.conditioning_channels = get_int(json, "conditioning_channels", 3, source);
  if (json.contains("conditioning_embedding_out_channels") && !json.at("conditioning_embedding_out_channels").is_null())
    c.conditioning_embedding_out_channels = get_int_list(json, "conditioning_embedding_out_channels", source);
  require_one_of(json, "controlnet_conditioning_channel_order", {"rgb", "bgr"}, source);
  c.bgr = get_string(json, "controlnet_conditioning_channel_order", "rgb", source) == "bgr";
  c.global_pool_conditions = get_bool(json, "global_pool_conditions", false, source);
  return c;
}

}  // namespace likeness::neural
