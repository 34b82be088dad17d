// CLIPVisionModel / CLIPVisionModelWithProjection (transformers 4.35).
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/neural/detail/clip_modules.h"
#include "engine/neural/detail/loading.h"
#include "engine/neural/detail/model_state.h"
#include "engine/neural/detail/resolve.h"
#include "engine/neural/model_source.h"

namespace likeness::neural {

namespace fs = std::filesystem;

namespace detail {

ClipVisionModule::ClipVisionModule(const ClipVisionConfig& c, bool with_projection) : config(c) {
  auto vision_model = register_module("vision_model", std::make_shared<torch::nn::Module>());
  auto embeddings = vision_model->register_module("embeddings", std::make_shared<torch::nn::Module>());
  class_embedding = add_parameter(*embeddings, "class_embedding", {c.hidden_size});
  patch_embedding = embeddings->register_module(
      "patch_embedding", std::make_shared<Conv2d>(c.num_channels, c.hidden_size, c.patch_size, c.patch_size, 0, false));
  position_embedding =
      embeddings->register_module("position_embedding", std::make_shared<Embedding>(c.num_positions(), c.hidden_size));
  pre_layrnorm = vision_model->register_module("pre_layrnorm", std::make_shared<LayerNorm>(c.hidden_size, c.layer_norm_eps));
  encoder = vision_model->register_module("encoder", std::make_shared<ClipEncoder>(c));
  post_layernorm = vision_model->register_module("post_layernorm", std::make_shared<LayerNorm>(c.hidden_size, c.layer_norm_eps));
  if (with_projection)
    projection = register_module("visual_projection", std::make_shared<Linear>(c.hidden_size, c.projection_dim, false));
}

ClipVisionOutput ClipVisionModule::forward(const at::Tensor& pixel_values, bool hidden_states) const {
  const std::int64_t b = pixel_values.size(0);
  at::Tensor patches = patch_embedding->forward(pixel_values).flatten(2).transpose(1, 2);
  at::Tensor cls = class_embedding.reshape({1, 1, -1}).expand({b, 1, class_embedding.size(0)});
  at::Tensor x = at::cat({cls, patches}, 1) + position_embedding->weight.unsqueeze(0);
  x = pre_layrnorm->forward(x);
  ClipVisionOutput out;
  out.last_hidden_state = encoder->forward(x, at::Tensor(), hidden_states ? &out.hidden_states : nullptr);
  out.pooler_output = post_layernorm->forward(out.last_hidden_state.select(1, 0));
  if (projection) out.image_embeds = projection->forward(out.pooler_output);
  return out;
}

}  // namespace detail

namespace {

const std::set<std::string> kVisionIgnorable = {"vision_model.embeddings.position_ids", "text_model.", "text_projection.",
                                                "logit_scale"};

const detail::ClipVisionModule& vision_module(const std::shared_ptr<detail::ModelState>& state) {
  if (!state) throw InputError("CLIP vision model: used before weights were loaded");
  return static_cast<const detail::ClipVisionModule&>(*state->module);
}

}  // namespace

namespace detail {

Resolved<ClipVisionConfig> resolve_clip_vision(const fs::path& source, const ModelOptions& options) {
  Resolved<ClipVisionConfig> r;
  r.source = source.string();
  if (is_single_file(source)) {
    const auto given = config_override(options);
    if (!given)
      throw InputError(at_file(source.string(), "a single-file CLIP vision model needs its config.json (ModelOptions::config_file)"));
    r.weights = TensorMap::open(source);
    if (!r.weights.has_prefix("vision_model."))
      throw InputError(at_file(source.string(), "no CLIP vision model here (no 'vision_model.' tensors; it holds " +
                                                    top_level_names(r.weights) + ")"));
    r.config = ClipVisionConfig::from_json(given->first, given->second);
    return r;
  }
  const ComponentFiles files = require_component(source, Component::ImageEncoder, "CLIP vision model");
  r.config = ClipVisionConfig::from_json(load_json_file(files.config), files.config.string());
  r.weights = TensorMap::open(files.weights);
  return r;
}

ShapeMap clip_vision_shapes(const ClipVisionConfig& config, bool projection) {
  return expected_shapes(ClipVisionModule(config, projection));
}

const std::set<std::string>& clip_vision_ignorable() { return kVisionIgnorable; }

}  // namespace detail

ClipVisionModel ClipVisionModel::load(const fs::path& source, const ModelOptions& options) {
  auto r = detail::resolve_clip_vision(source, options);
  return from_weights(r.config, r.weights, options, r.source);
}

ClipVisionModel ClipVisionModel::from_weights(const ClipVisionConfig& config, const TensorMap& weights,
                                              const ModelOptions& options, const std::string& source) {
  const at::ScalarType dtype = compute_dtype(options);
  auto module = std::make_shared<detail::ClipVisionModule>(config, weights.contains("visual_projection.weight"));
  detail::assign_weights(*module, weights, options.device, dtype, options.trainable, kVisionIgnorable, "CLIP vision model");
  ClipVisionModel out;
  out.state_ = detail::make_state(module, options, dtype, source);
  return out;
}

ClipVisionModel ClipVisionModel::create(const ClipVisionConfig& config, bool with_projection, const ModelOptions& options) {
  const at::ScalarType dtype = compute_dtype(options);
  auto module = std::make_shared<detail::ClipVisionModule>(config, with_projection);
  detail::materialize(*module, options.device, dtype, options.trainable);
  ClipVisionModel out;
  out.state_ = detail::make_state(module, options, dtype, "created");
  return out;
}

ClipVisionOutput ClipVisionModel::forward(const at::Tensor& pixel_values, bool hidden_states) const {
  const auto& m = vision_module(state_);
  const ClipVisionConfig& c = m.config;
  if (pixel_values.dim() != 4 || pixel_values.size(1) != c.num_channels || pixel_values.size(2) != c.image_size ||
      pixel_values.size(3) != c.image_size)
    throw InputError("CLIP vision model: pixel_values has shape " + shape_text(pixel_values.sizes().vec()) + ", expected [B, " +
                     std::to_string(c.num_channels) + ", " + std::to_string(c.image_size) + ", " +
                     std::to_string(c.image_size) + "]");
  return m.forward(detail::to_model(pixel_values, *state_), hidden_states);
}

const ClipVisionConfig& ClipVisionModel::config() const { return vision_module(state_).config; }
bool ClipVisionModel::has_projection() const { return vision_module(state_).projection != nullptr; }

}  // namespace likeness::neural
