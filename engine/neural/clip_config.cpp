// CLIP text and vision configs (transformers' CLIPTextConfig / CLIPVisionConfig / CLIPConfig).
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/neural/configs.h"
#include "engine/neural/detail/config_fields.h"

namespace likeness::neural {

using namespace detail;

namespace {

// A full CLIP config nests the tower's config under `key` and gives projection_dim at the top.
const Json& tower_json(const Json& j, const char* key, const char* model_type, const std::string& source,
                       std::int64_t* projection_dim) {
  if (!j.is_object()) throw InputError(at_file(source, "expected a JSON object"));
  const std::string type = get_string(j, "model_type", "", source);
  if (type == "clip") {
    if (j.contains("projection_dim")) *projection_dim = get_int(j, "projection_dim", *projection_dim, source);
    if (!j.contains(key) || !j.at(key).is_object())
      throw_json_error(source, key, "missing: a full CLIP config nests each tower's config");
    return j.at(key);
  }
  if (!type.empty() && type != model_type)
    throw_json_error(source, "model_type", "'" + type + "' is not a " + std::string(model_type) + " (or clip) config");
  return j;
}

void read_encoder(const Json& j, ClipEncoderConfig& c, const std::string& source) {
  c.hidden_size = get_int(j, "hidden_size", c.hidden_size, source);
  c.intermediate_size = get_int(j, "intermediate_size", c.intermediate_size, source);
  c.num_hidden_layers = get_int(j, "num_hidden_layers", c.num_hidden_layers, source);
  c.num_attention_heads = get_int(j, "num_attention_heads", c.num_attention_heads, source);
  c.projection_dim = get_int(j, "projection_dim", c.projection_dim, source);
  require_one_of(j, "hidden_act", {"quick_gelu", "gelu"}, source);
  c.hidden_act = get_string(j, "hidden_act", c.hidden_act, source);
  c.layer_norm_eps = get_double(j, "layer_norm_eps", c.layer_norm_eps, source);
  if (c.hidden_size <= 0 || c.num_attention_heads <= 0 || c.hidden_size % c.num_attention_heads != 0)
    throw_json_error(source, "num_attention_heads",
                     std::to_string(c.num_attention_heads) + " heads do not divide hidden_size " + std::to_string(c.hidden_size));
  if (c.num_hidden_layers <= 0 || c.intermediate_size <= 0) throw_json_error(source, "num_hidden_layers", "must be positive");
}

}  // namespace

ClipTextConfig ClipTextConfig::from_json(const nlohmann::json& json, const std::string& source) {
  ClipTextConfig c;
  const Json& j = tower_json(json, "text_config", "clip_text_model", source, &c.projection_dim);
  const std::int64_t top_projection = c.projection_dim;
  read_encoder(j, c, source);
  if (&j != &json) c.projection_dim = top_projection;  // CLIPModel projects both towers to its own width
  c.vocab_size = get_int(j, "vocab_size", c.vocab_size, source);
  c.max_position_embeddings = get_int(j, "max_position_embeddings", c.max_position_embeddings, source);
  c.eos_token_id = get_int(j, "eos_token_id", c.eos_token_id, source);
  c.bos_token_id = get_int(j, "bos_token_id", c.bos_token_id, source);
  c.pad_token_id = get_int(j, "pad_token_id", c.pad_token_id, source);
  return c;
}

ClipTextConfig ClipTextConfig::openai_vit_l14() {
  ClipTextConfig c;
  c.hidden_size = 768;
  c.intermediate_size = 3072;
  c.num_attention_heads = 12;
  c.projection_dim = 768;
  c.eos_token_id = 2;  // as in SD 1.x's text_encoder/config.json
  c.bos_token_id = 0;
  return c;
}

ClipVisionConfig ClipVisionConfig::from_json(const nlohmann::json& json, const std::string& source) {
  ClipVisionConfig c;
  c.hidden_size = 768;
  c.intermediate_size = 3072;
  c.num_attention_heads = 12;
  const Json& j = tower_json(json, "vision_config", "clip_vision_model", source, &c.projection_dim);
  const std::int64_t top_projection = c.projection_dim;
  read_encoder(j, c, source);
  if (&j != &json) c.projection_dim = top_projection;  // CLIPModel projects both towers to its own width
  c.num_channels = get_int(j, "num_channels", c.num_channels, source);
  c.image_size = get_int(j, "image_size", c.image_size, source);
  c.patch_size = get_int(j, "patch_size", c.patch_size, source);
  if (c.patch_size <= 0 || c.image_size % c.patch_size != 0)
    throw_json_error(source, "patch_size",
                     std::to_string(c.patch_size) + " does not divide image_size " + std::to_string(c.image_size));
  return c;
}

}  // namespace likeness::neural
