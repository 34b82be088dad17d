// CLIPTextModel / CLIPTextModelWithProjection (transformers 4.35).
#include <limits>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/neural/checkpoint_keys.h"
#include "engine/neural/detail/clip_modules.h"
#include "engine/neural/detail/loading.h"
#include "engine/neural/detail/model_state.h"
#include "engine/neural/detail/resolve.h"
#include "engine/neural/model_source.h"

namespace likeness::neural {

namespace fs = std::filesystem;

namespace detail {

ClipTextModule::ClipTextModule(const ClipTextConfig& c, bool with_projection) : config(c) {
  auto text_model = register_module("text_model", std::make_shared<torch::nn::Module>());
  auto embeddings = text_model->register_module("embeddings", std::make_shared<torch::nn::Module>());
  token_embedding = embeddings->register_module("token_embedding", std::make_shared<Embedding>(c.vocab_size, c.hidden_size));
  position_embedding =
      embeddings->register_module("position_embedding", std::make_shared<Embedding>(c.max_position_embeddings, c.hidden_size));
  encoder = text_model->register_module("encoder", std::make_shared<ClipEncoder>(c));
  final_layer_norm = text_model->register_module("final_layer_norm", std::make_shared<LayerNorm>(c.hidden_size, c.layer_norm_eps));
  if (with_projection) projection = register_module("text_projection", std::make_shared<Linear>(c.hidden_size, c.projection_dim, false));
}

ClipTextOutput ClipTextModule::forward(const at::Tensor& input_ids, bool hidden_states) const {
  const std::int64_t b = input_ids.size(0), s = input_ids.size(1);
  const at::Tensor& pos_table = position_embedding->weight;
  at::Tensor x = token_embedding->forward(input_ids) + pos_table.narrow(0, 0, s).unsqueeze(0);
  // Causal mask as transformers builds it: the dtype's lowest value above the diagonal.
  const double lowest = x.scalar_type() == at::kDouble ? std::numeric_limits<double>::lowest()
                        : x.scalar_type() == at::kHalf ? -65504.0
                        : x.scalar_type() == at::kBFloat16 ? -3.38953139e38
                                                          : static_cast<double>(std::numeric_limits<float>::lowest());
  at::Tensor mask = at::full({s, s}, lowest, x.options()).triu(1).reshape({1, 1, s, s});
  ClipTextOutput out;
  x = encoder->forward(x, mask, hidden_states ? &out.hidden_states : nullptr);
  out.last_hidden_state = final_layer_norm->forward(x);
  // The pooled token: argmax(ids) for legacy configs (eos_token_id 2), else the first eos id.
  at::Tensor index = config.eos_token_id == 2 ? input_ids.to(at::kInt).argmax(-1)
                                              : (input_ids.to(at::kInt) == config.eos_token_id).to(at::kInt).argmax(-1);
  out.pooler_output = out.last_hidden_state.index({at::arange(b, index.options().dtype(at::kLong)), index.to(at::kLong)});
  if (projection) out.text_embeds = projection->forward(out.pooler_output);
  return out;
}

}  // namespace detail

namespace {

const std::set<std::string> kTextIgnorable = {"text_model.embeddings.position_ids", "vision_model.", "visual_projection.",
                                              "logit_scale"};

const detail::ClipTextModule& text_module(const std::shared_ptr<detail::ModelState>& state) {
  if (!state) throw InputError("CLIP text model: used before weights were loaded");
  return static_cast<const detail::ClipTextModule&>(*state->module);
}

}  // namespace

namespace detail {

Resolved<ClipTextConfig> resolve_clip_text(const fs::path& source, const ModelOptions& options) {
  Resolved<ClipTextConfig> r;
  r.source = source.string();
  if (!is_single_file(source)) {
    const ComponentFiles files = require_component(source, Component::TextEncoder, "CLIP text model");
    r.config = ClipTextConfig::from_json(load_json_file(files.config), files.config.string());
    r.weights = TensorMap::open(files.weights);
    return r;
  }
  const TensorMap all = open_checkpoint(source);
  if (all.has_prefix(kOriginalTextPrefix))
    r.weights = convert_original_clip_text(all.with_prefix(kOriginalTextPrefix));
  else if (all.has_prefix("cond_stage_model.model."))
    throw InputError(at_file(source.string(), "an SD 2.x OpenCLIP text encoder in the original layout "
                                              "(cond_stage_model.model.); use the diffusers folder's text_encoder/"));
  else if (all.has_prefix("text_model."))
    r.weights = all;
  else
    throw InputError(at_file(source.string(), std::string("no CLIP text encoder in this checkpoint (no '") + kOriginalTextPrefix +
                                                  "' or 'text_model.' tensors; it holds " + top_level_names(all) + ")"));
  const auto given = config_override(options);
  r.config = given ? ClipTextConfig::from_json(given->first, given->second) : infer_clip_text_config(r.weights.shapes());
  return r;
}

ShapeMap clip_text_shapes(const ClipTextConfig& config, bool projection) {
  return expected_shapes(ClipTextModule(config, projection));
}

const std::set<std::string>& clip_text_ignorable() { return kTextIgnorable; }

}  // namespace detail

ClipTextModel ClipTextModel::load(const fs::path& source, const ModelOptions& options) {
  auto r = detail::resolve_clip_text(source, options);
  return from_weights(r.config, r.weights, options, r.source);
}

ClipTextModel ClipTextModel::from_weights(const ClipTextConfig& config, const TensorMap& weights, const ModelOptions& options,
                                          const std::string& source) {
  const at::ScalarType dtype = compute_dtype(options);
  auto module = std::make_shared<detail::ClipTextModule>(config, weights.contains("text_projection.weight"));
  detail::assign_weights(*module, weights, options.device, dtype, options.trainable, kTextIgnorable, "CLIP text model");
  ClipTextModel out;
  out.state_ = detail::make_state(module, options, dtype, source);
  return out;
}

ClipTextModel ClipTextModel::create(const ClipTextConfig& config, bool with_projection, const ModelOptions& options) {
  const at::ScalarType dtype = compute_dtype(options);
  auto module = std::make_shared<detail::ClipTextModule>(config, with_projection);
  detail::materialize(*module, options.device, dtype, options.trainable);
  ClipTextModel out;
  out.state_ = detail::make_state(module, options, dtype, "created");
  return out;
}

ClipTextOutput ClipTextModel::forward(const at::Tensor& input_ids, bool hidden_states) const {
  const auto& m = text_module(state_);
  if (input_ids.dim() != 2 || input_ids.size(1) < 1 || input_ids.size(1) > m.config.max_position_embeddings ||
      at::isFloatingType(input_ids.scalar_type()))
    throw InputError("CLIP text model: input_ids has shape " + shape_text(input_ids.sizes().vec()) + " and dtype " +
                     c10::toString(input_ids.scalar_type()) + ", expected integer ids [B, T] with T <= " +
                     std::to_string(m.config.max_position_embeddings));
  at::Tensor ids = input_ids.to(state_->device, at::kLong);
  const std::int64_t lo = ids.min().item<std::int64_t>(), hi = ids.max().item<std::int64_t>();
  if (lo < 0 || hi >= m.config.vocab_size)
    throw InputError("CLIP text model: token id " + std::to_string(lo < 0 ? lo : hi) + " is outside the vocabulary [0, " +
                     std::to_string(m.config.vocab_size) + ")");
  return m.forward(ids, hidden_states);
}

const ClipTextConfig& ClipTextModel::config() const { return text_module(state_).config; }
bool ClipTextModel::has_projection() const { return text_module(state_).projection != nullptr; }

}  // namespace likeness::neural
