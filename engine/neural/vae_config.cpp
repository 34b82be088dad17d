// AutoencoderKL config.
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/neural/configs.h"
#include "engine/neural/detail/config_fields.h"

namespace likeness::neural {

using namespace detail;

VaeConfig VaeConfig::from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw InputError(at_file(source, "expected a JSON object"));
  require_one_of(j, "act_fn", {"silu", "swish"}, source);
  require_default(j, "latents_mean", nullptr, "latent normalisation by mean (not an SD 1.x/2.x VAE)", source);
  VaeConfig c;
  c.in_channels = get_int(j, "in_channels", 3, source);
  c.out_channels = get_int(j, "out_channels", 3, source);
  c.latent_channels = get_int(j, "latent_channels", 4, source);
  c.block_out_channels = get_int_list(j, "block_out_channels", source);
  c.layers_per_block = get_int(j, "layers_per_block", 2, source);
  c.norm_num_groups = get_int(j, "norm_num_groups", 32, source);
  c.sample_size = get_int(j, "sample_size", 512, source);
  c.scaling_factor = get_double(j, "scaling_factor", 0.18215, source);
  c.force_upcast = get_bool(j, "force_upcast", true, source);
  c.mid_block_add_attention = get_bool(j, "mid_block_add_attention", true, source);
  c.use_quant_conv = get_bool(j, "use_quant_conv", true, source);
  c.use_post_quant_conv = get_bool(j, "use_post_quant_conv", true, source);
  const std::size_t n = c.block_out_channels.size();
  for (const char* key : {"down_block_types", "up_block_types"}) {
    if (!j.contains(key)) continue;
    auto types = get_string_list(j, key, source);
    const std::string want = std::string(key) == "down_block_types" ? "DownEncoderBlock2D" : "UpDecoderBlock2D";
    if (types.size() != n)
      throw_json_error(source, key,
                       "has " + std::to_string(types.size()) + " entries but block_out_channels has " + std::to_string(n));
    for (const auto& t : types)
      if (t != want) throw_json_error(source, key, "block type '" + t + "' is not supported (" + want + ")");
  }
  for (std::int64_t ch : c.block_out_channels)
    if (ch % c.norm_num_groups != 0)
      throw_json_error(source, "norm_num_groups",
                       std::to_string(c.norm_num_groups) + " groups do not divide block width " + std::to_string(ch));
  if (c.layers_per_block <= 0) throw_json_error(source, "layers_per_block", "must be positive");
  return c;
}

VaeConfig VaeConfig::stable_diffusion() {
  VaeConfig c;
  c.block_out_channels = {128, 256, 512, 512};
  return c;
}

}  // namespace likeness::neural
