// Original (CompVis/LDM, ControlNet) checkpoint layouts mapped to diffusers/transformers names.
#include "engine/neural/checkpoint_keys.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <map>
#include <optional>

#include "engine/core/error.h"
#include "engine/core/strings.h"

namespace likeness::neural {

const char* family_name(ModelFamily family) {
  switch (family) {
    case ModelFamily::StableDiffusion1: return "SD 1.x";
    case ModelFamily::StableDiffusion2: return "SD 2.x";
    case ModelFamily::StableDiffusionXL: return "SDXL";
    case ModelFamily::StableDiffusion3: return "SD 3";
    case ModelFamily::Flux: return "Flux";
    case ModelFamily::Unknown: break;
  }
  return "unknown";
}

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// "a.b.c" after `prefix`: the next dotted field and the rest.
std::optional<std::pair<std::string, std::string>> next_field(const std::string& key, const std::string& prefix) {
  if (!starts_with(key, prefix)) return std::nullopt;
  const std::string tail = key.substr(prefix.size());
  const auto dot = tail.find('.');
  if (dot == std::string::npos) return std::nullopt;
  return std::make_pair(tail.substr(0, dot), tail.substr(dot + 1));
}

std::optional<std::int64_t> to_index(const std::string& s) {
  if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(s);
}

// Resnet internals: in_layers.0 -> norm1, in_layers.2 -> conv1, emb_layers.1 -> time_emb_proj,
// out_layers.0 -> norm2, out_layers.3 -> conv2, skip_connection / nin_shortcut -> conv_shortcut.
std::string resnet_rest(const std::string& rest) {
  static const std::vector<std::pair<std::string, std::string>> renames = {
      {"in_layers.0.", "norm1."},        {"in_layers.2.", "conv1."},         {"emb_layers.1.", "time_emb_proj."},
      {"out_layers.0.", "norm2."},       {"out_layers.3.", "conv2."},        {"skip_connection.", "conv_shortcut."},
      {"nin_shortcut.", "conv_shortcut."}};
  for (const auto& [from, to] : renames)
    if (starts_with(rest, from)) return to + rest.substr(from.size());
  return rest;
}

// The diffusers prefix of each original block index.
struct BlockTarget {
  std::string resnet, attention, sampler;  // sampler: "down_blocks.i.downsamplers.0" or up
  std::int64_t sampler_slot = -1;          // sub-index holding the sampler
};

std::map<std::int64_t, BlockTarget> input_block_targets(const UNetConfig& c) {
  std::map<std::int64_t, BlockTarget> out;
  std::int64_t k = 1;
  const std::size_t n = c.block_out_channels.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::string block = "down_blocks." + std::to_string(i);
    for (std::int64_t j = 0; j < c.layers_per_block[i]; ++j)
      out[k++] = {block + ".resnets." + std::to_string(j), block + ".attentions." + std::to_string(j), "", -1};
    if (i + 1 < n) out[k++] = {"", "", block + ".downsamplers.0", 0};
  }
  return out;
}

std::map<std::int64_t, BlockTarget> output_block_targets(const UNetConfig& c) {
  std::map<std::int64_t, BlockTarget> out;
  std::int64_t k = 0;
  const std::size_t n = c.block_out_channels.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::string block = "up_blocks." + std::to_string(i);
    const std::int64_t layers = c.layers_per_block[n - 1 - i] + 1;
    for (std::int64_t j = 0; j < layers; ++j) {
      BlockTarget t{block + ".resnets." + std::to_string(j), block + ".attentions." + std::to_string(j), "", -1};
      if (j == layers - 1 && i + 1 < n) {
        t.sampler = block + ".upsamplers.0";
        t.sampler_slot = c.up_has_attention(i) ? 2 : 1;
      }
      out[k++] = t;
    }
  }
  return out;
}

// Renames one key of the UNet encoder/decoder layout; nullopt if not a UNet key.
std::optional<std::string> unet_key(const std::string& key, const std::map<std::int64_t, BlockTarget>& inputs,
                                    const std::map<std::int64_t, BlockTarget>& outputs) {
  if (starts_with(key, "time_embed.0.")) return "time_embedding.linear_1." + key.substr(13);
  if (starts_with(key, "time_embed.2.")) return "time_embedding.linear_2." + key.substr(13);
  if (starts_with(key, "input_blocks.0.0.")) return "conv_in." + key.substr(17);
  if (starts_with(key, "out.0.")) return "conv_norm_out." + key.substr(6);
  if (starts_with(key, "out.2.")) return "conv_out." + key.substr(6);
  if (auto f = next_field(key, "middle_block.")) {
    auto slot = to_index(f->first);
    if (slot == 0) return "mid_block.resnets.0." + resnet_rest(f->second);
    if (slot == 1) return "mid_block.attentions.0." + f->second;
    if (slot == 2) return "mid_block.resnets.1." + resnet_rest(f->second);
    return std::nullopt;
  }
  for (const auto& [prefix, table] : {std::make_pair(std::string("input_blocks."), &inputs),
                                      std::make_pair(std::string("output_blocks."), &outputs)}) {
    auto f = next_field(key, prefix);
    if (!f) continue;
    auto index = to_index(f->first);
    auto g = next_field(f->second, "");
    if (!index || !g) return std::nullopt;
    auto it = table->find(*index);
    auto slot = to_index(g->first);
    if (it == table->end() || !slot) return std::nullopt;
    const BlockTarget& t = it->second;
    if (!t.sampler.empty() && *slot == t.sampler_slot) {
      std::string rest = g->second;
      if (starts_with(rest, "op.")) rest = "conv." + rest.substr(3);
      return t.sampler + "." + rest;
    }
    if (*slot == 0 && !t.resnet.empty()) return t.resnet + "." + resnet_rest(g->second);
    if (*slot == 1 && !t.attention.empty()) return t.attention + "." + g->second;
    return std::nullopt;
  }
  return std::nullopt;
}

// Shape lookups for inference, with errors that name the missing tensor.
const std::vector<std::int64_t>& shape_of(const ShapeMap& shapes, const std::string& name, const std::string& what) {
  auto it = shapes.find(name);
  if (it == shapes.end()) throw InputError(what + ": cannot infer the architecture: tensor '" + name + "' is missing");
  return it->second;
}

// The largest index N of "prefix.N." keys, or -1.
std::int64_t max_index(const ShapeMap& shapes, const std::string& prefix) {
  std::int64_t best = -1;
  for (auto it = shapes.lower_bound(prefix); it != shapes.end() && starts_with(it->first, prefix); ++it)
    if (auto f = next_field(it->first, prefix))
      if (auto i = to_index(f->first)) best = std::max(best, *i);
  return best;
}

bool has_prefix(const ShapeMap& shapes, const std::string& prefix) {
  auto it = shapes.lower_bound(prefix);
  return it != shapes.end() && starts_with(it->first, prefix);
}

// The encoder half (shared by UNet and ControlNet inference).
void infer_encoder(const ShapeMap& s, UNetConfig& c, const std::string& what) {
  const std::int64_t last = max_index(s, "input_blocks.");
  if (last < 1) throw InputError(what + ": cannot infer the architecture: no 'input_blocks.N' tensors");
  std::int64_t first_down = -1;
  for (std::int64_t k = 1; k <= last && first_down < 0; ++k)
    if (s.count("input_blocks." + std::to_string(k) + ".0.op.weight")) first_down = k;
  const std::int64_t layers = first_down < 0 ? last : first_down - 1;
  if (layers < 1 || (last + 1) % (layers + 1) != 0)
    throw InputError(what + ": cannot infer the architecture: " + std::to_string(last + 1) +
                     " input blocks do not form levels of " + std::to_string(layers) + " layers");
  const std::size_t n = static_cast<std::size_t>((last + 1) / (layers + 1));
  const auto& conv_in = shape_of(s, "input_blocks.0.0.weight", what);
  c.in_channels = conv_in[1];
  c.conv_in_kernel = conv_in[2];
  c.block_out_channels.clear();
  c.down_block_types.clear();
  c.transformer_layers_per_block.clear();
  c.layers_per_block.assign(n, layers);
  std::int64_t context = 0;
  bool linear = false;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string first = "input_blocks." + std::to_string(1 + static_cast<std::int64_t>(i) * (layers + 1));
    c.block_out_channels.push_back(shape_of(s, first + ".0.out_layers.3.weight", what)[0]);
    const bool attention = s.count(first + ".1.proj_in.weight") > 0;
    c.down_block_types.push_back(attention ? "CrossAttnDownBlock2D" : "DownBlock2D");
    c.transformer_layers_per_block.push_back(attention ? max_index(s, first + ".1.transformer_blocks.") + 1 : 1);
    if (attention) {
      context = shape_of(s, first + ".1.transformer_blocks.0.attn2.to_k.weight", what)[1];
      linear = shape_of(s, first + ".1.proj_in.weight", what).size() == 2;
    }
  }
  if (has_prefix(s, "middle_block.1.")) {
    c.transformer_layers_per_block.back() = max_index(s, "middle_block.1.transformer_blocks.") + 1;
    if (context == 0) context = shape_of(s, "middle_block.1.transformer_blocks.0.attn2.to_k.weight", what)[1];
  }
  c.cross_attention_dim.assign(n, context);
  c.use_linear_projection = linear;
  c.attention_heads.clear();
  for (std::int64_t ch : c.block_out_channels) {
    if (context == 768)
      c.attention_heads.push_back(8);  // SD 1.x: num_heads 8
    else if (context == 1024 && ch % 64 == 0)
      c.attention_heads.push_back(ch / 64);  // SD 2.x: num_head_channels 64
    else
      throw InputError(what + ": cannot tell the number of attention heads of a UNet with " + std::to_string(context) +
                       "-wide cross-attention from its weights (SD 1.x is 768, SD 2.x 1024): give its config.json");
  }
  // GroupNorm's group count leaves no trace in the shapes: SD uses 32.
  for (std::int64_t ch : c.block_out_channels)
    if (ch % c.norm_num_groups != 0)
      throw InputError(what + ": block width " + std::to_string(ch) + " is not a multiple of " + std::to_string(c.norm_num_groups) +
                       " groups: give its config.json");
  const auto& temb = shape_of(s, "time_embed.0.weight", what);
  if (temb[0] != 4 * c.block_out_channels[0] || temb[1] != c.block_out_channels[0])
    throw InputError(what + ": time_embed.0.weight has shape " + shape_text(temb) + ", not what block width " +
                     std::to_string(c.block_out_channels[0]) + " implies");
}

}  // namespace

FamilyGuess detect_family(const ShapeMap& shapes) {
  FamilyGuess sd;
  for (const auto& [name, shape] : shapes) {
    if (starts_with(name, "conditioner.embedders.") || contains(name, "label_emb.") || starts_with(name, "add_embedding.") ||
        contains(name, ".add_embedding."))
      return {ModelFamily::StableDiffusionXL, name};
    if (contains(name, "joint_blocks.")) return {ModelFamily::StableDiffusion3, name};
    if (contains(name, "double_blocks.")) return {ModelFamily::Flux, name};
    if (sd.family == ModelFamily::Unknown || sd.family == ModelFamily::StableDiffusion1) {
      if (starts_with(name, "cond_stage_model.model.")) {
        sd = {ModelFamily::StableDiffusion2, name};
      } else if (ends_with(name, "attn2.to_k.weight") && shape.size() == 2) {
        if (shape[1] == 1024) sd = {ModelFamily::StableDiffusion2, name};
        if (shape[1] == 2048) return {ModelFamily::StableDiffusionXL, name};
        if (shape[1] == 768 && sd.family == ModelFamily::Unknown) sd = {ModelFamily::StableDiffusion1, name};
      } else if (starts_with(name, kOriginalTextPrefix) && sd.family == ModelFamily::Unknown) {
        sd = {ModelFamily::StableDiffusion1, name};
      }
    }
  }
  return sd;
}

TensorMap convert_original_unet(const TensorMap& original, const UNetConfig& config) {
  const auto inputs = input_block_targets(config), outputs = output_block_targets(config);
  TensorMap out;
  for (const std::string& key : original.names()) {
    auto renamed = unet_key(key, inputs, outputs);
    out.insert(renamed.value_or(key), original.at(key), original.source(key));
  }
  return out;
}

TensorMap convert_original_controlnet(const TensorMap& original, const ControlNetConfig& config) {
  const auto inputs = input_block_targets(config.unet);
  const std::int64_t hint_blocks = 2 * (static_cast<std::int64_t>(config.conditioning_embedding_out_channels.size()) - 1);
  TensorMap out;
  for (const std::string& key : original.names()) {
    std::optional<std::string> renamed = unet_key(key, inputs, {});
    if (auto f = next_field(key, "zero_convs.")) {
      if (auto g = next_field(f->second, ""); g && g->first == "0" && to_index(f->first))
        renamed = "controlnet_down_blocks." + f->first + "." + g->second;
    } else if (starts_with(key, "middle_block_out.0.")) {
      renamed = "controlnet_mid_block." + key.substr(19);
    } else if (auto h = next_field(key, "input_hint_block.")) {
      // nn.Sequential(conv, SiLU, conv, SiLU, ..., conv): convs at even indices.
      if (auto index = to_index(h->first); index && *index % 2 == 0) {
        const std::int64_t m = *index / 2 - 1;
        if (*index == 0)
          renamed = "controlnet_cond_embedding.conv_in." + h->second;
        else if (m < hint_blocks)
          renamed = "controlnet_cond_embedding.blocks." + std::to_string(m) + "." + h->second;
        else if (m == hint_blocks)
          renamed = "controlnet_cond_embedding.conv_out." + h->second;
      }
    }
    out.insert(renamed.value_or(key), original.at(key), original.source(key));
  }
  return out;
}

TensorMap convert_original_vae(const TensorMap& original) {
  const ShapeMap shapes = original.shapes();
  const std::int64_t levels = max_index(shapes, "decoder.up.") + 1;
  TensorMap out;
  for (const std::string& key : original.names()) {
    std::optional<std::string> renamed;
    at::Tensor tensor = original.at(key);
    for (const std::string side : {"encoder.", "decoder."}) {
      if (!starts_with(key, side)) continue;
      const std::string rest = key.substr(side.size());
      if (starts_with(rest, "norm_out.")) renamed = side + "conv_norm_out." + rest.substr(9);
      if (auto f = next_field(rest, "mid.")) {
        if (f->first == "block_1") renamed = side + "mid_block.resnets.0." + resnet_rest(f->second);
        if (f->first == "block_2") renamed = side + "mid_block.resnets.1." + resnet_rest(f->second);
        if (f->first == "attn_1") {
          static const std::vector<std::pair<std::string, std::string>> attn = {
              {"norm.", "group_norm."}, {"q.", "to_q."}, {"k.", "to_k."}, {"v.", "to_v."}, {"proj_out.", "to_out.0."}};
          for (const auto& [from, to] : attn)
            if (starts_with(f->second, from)) renamed = side + "mid_block.attentions.0." + to + f->second.substr(from.size());
          if (tensor.dim() == 4 && tensor.size(2) == 1 && tensor.size(3) == 1)
            tensor = tensor.reshape({tensor.size(0), tensor.size(1)});  // 1x1 conv -> Linear
        }
      }
      const std::string blocks = side == "encoder." ? "down." : "up.";
      if (auto f = next_field(rest, blocks)) {
        auto index = to_index(f->first);
        if (!index) continue;
        const std::int64_t level = side == "encoder." ? *index : levels - 1 - *index;
        const std::string target = side + (side == "encoder." ? "down_blocks." : "up_blocks.") + std::to_string(level) + ".";
        if (auto g = next_field(f->second, "block.")) {
          if (to_index(g->first)) renamed = target + "resnets." + g->first + "." + resnet_rest(g->second);
        } else if (starts_with(f->second, "downsample.conv.")) {
          renamed = target + "downsamplers.0.conv." + f->second.substr(16);
        } else if (starts_with(f->second, "upsample.conv.")) {
          renamed = target + "upsamplers.0.conv." + f->second.substr(14);
        }
      }
    }
    out.insert(renamed.value_or(key), tensor, original.source(key));
  }
  return rename_legacy_vae_attention(out);
}

TensorMap rename_legacy_vae_attention(const TensorMap& weights) {
  static const std::vector<std::pair<std::string, std::string>> renames = {
      {".query.", ".to_q."}, {".key.", ".to_k."}, {".value.", ".to_v."}, {".proj_attn.", ".to_out.0."}};
  TensorMap out;
  for (const std::string& key : weights.names()) {
    std::string renamed = key;
    if (contains(key, "mid_block.attentions."))
      for (const auto& [from, to] : renames)
        if (auto p = renamed.find(from); p != std::string::npos) renamed = renamed.substr(0, p) + to + renamed.substr(p + from.size());
    out.insert(renamed, weights.at(key), weights.source(key));
  }
  return out;
}

TensorMap convert_original_clip_text(const TensorMap& original) {
  TensorMap out;
  for (const std::string& key : original.names())
    out.insert(starts_with(key, "text_model.") ? key : "text_model." + key, original.at(key), original.source(key));
  return out;
}

UNetConfig infer_unet_config(const ShapeMap& s) {
  const std::string what = "single-file UNet";
  UNetConfig c;
  infer_encoder(s, c, what);
  const std::size_t n = c.block_out_channels.size();
  c.up_block_types.clear();
  for (std::size_t i = 0; i < n; ++i) c.up_block_types.push_back(c.down_has_attention(n - 1 - i) ? "CrossAttnUpBlock2D" : "UpBlock2D");
  const auto& conv_out = shape_of(s, "out.2.weight", what);
  c.out_channels = conv_out[0];
  c.conv_out_kernel = conv_out[2];
  const std::int64_t outputs = max_index(s, "output_blocks.") + 1;
  std::int64_t expected = 0;
  for (std::int64_t l : c.layers_per_block) expected += l + 1;
  if (outputs != expected)
    throw InputError(what + ": " + std::to_string(outputs) + " output blocks, expected " + std::to_string(expected) +
                     " for " + std::to_string(n) + " levels");
  c.validate(what);
  return c;
}

ControlNetConfig infer_controlnet_config(const ShapeMap& s) {
  const std::string what = "single-file ControlNet";
  ControlNetConfig c;
  infer_encoder(s, c.unet, what);
  c.unet.up_block_types.clear();
  const auto& hint_in = shape_of(s, "input_hint_block.0.weight", what);
  c.conditioning_channels = hint_in[1];
  c.conditioning_embedding_out_channels = {hint_in[0]};
  // Stride-2 convs sit at input_hint_block indices 4, 8, 12, ...
  for (std::int64_t k = 4; s.count("input_hint_block." + std::to_string(k) + ".weight"); k += 4)
    c.conditioning_embedding_out_channels.push_back(s.at("input_hint_block." + std::to_string(k) + ".weight")[0]);
  c.unet.validate(what);
  return c;
}

VaeConfig infer_vae_config(const ShapeMap& s) {
  const std::string what = "single-file VAE";
  VaeConfig c = VaeConfig::stable_diffusion();
  const std::int64_t levels = max_index(s, "encoder.down_blocks.") + 1;
  if (levels < 1) throw InputError(what + ": cannot infer the architecture: no 'encoder.down_blocks.N' tensors");
  c.block_out_channels.clear();
  for (std::int64_t i = 0; i < levels; ++i)
    c.block_out_channels.push_back(
        shape_of(s, "encoder.down_blocks." + std::to_string(i) + ".resnets.0.conv1.weight", what)[0]);
  c.layers_per_block = max_index(s, "encoder.down_blocks.0.resnets.") + 1;
  c.in_channels = shape_of(s, "encoder.conv_in.weight", what)[1];
  c.latent_channels = shape_of(s, "decoder.conv_in.weight", what)[1];
  c.out_channels = shape_of(s, "decoder.conv_out.weight", what)[0];
  c.mid_block_add_attention = s.count("encoder.mid_block.attentions.0.to_q.weight") > 0;
  c.use_quant_conv = s.count("quant_conv.weight") > 0;
  c.use_post_quant_conv = s.count("post_quant_conv.weight") > 0;
  for (std::int64_t ch : c.block_out_channels)
    if (ch % c.norm_num_groups != 0)
      throw InputError(what + ": block width " + std::to_string(ch) + " is not a multiple of 32 groups: give its config.json");
  return c;
}

ClipTextConfig infer_clip_text_config(const ShapeMap& s) {
  const std::string what = "single-file CLIP text encoder";
  ClipTextConfig c = ClipTextConfig::openai_vit_l14();
  const auto& tokens = shape_of(s, "text_model.embeddings.token_embedding.weight", what);
  c.vocab_size = tokens[0];
  c.hidden_size = tokens[1];
  c.max_position_embeddings = shape_of(s, "text_model.embeddings.position_embedding.weight", what)[0];
  c.num_hidden_layers = max_index(s, "text_model.encoder.layers.") + 1;
  c.intermediate_size = shape_of(s, "text_model.encoder.layers.0.mlp.fc1.weight", what)[0];
  if (c.hidden_size % 64 != 0)
    throw InputError(what + ": cannot tell the head count of a " + std::to_string(c.hidden_size) +
                     "-wide text encoder (CLIP uses 64-wide heads): give its config.json");
  c.num_attention_heads = c.hidden_size / 64;
  c.projection_dim = s.count("text_projection.weight") ? s.at("text_projection.weight")[0] : c.hidden_size;
  return c;
}

}  // namespace likeness::neural
