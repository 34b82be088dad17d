// NeuralModel handles and putting weights into modules.
#include "engine/neural/model.h"

#include "engine/core/error.h"
#include "engine/neural/checkpoint_keys.h"
#include "engine/neural/detail/model_state.h"

namespace likeness::neural {

namespace {
const detail::ModelState& checked(const std::shared_ptr<detail::ModelState>& state) {
  if (!state) throw InputError("neural model: used before weights were loaded");
  return *state;
}
}  // namespace

at::Device NeuralModel::device() const { return checked(state_).device; }
at::ScalarType NeuralModel::dtype() const { return checked(state_).dtype; }
const std::string& NeuralModel::source() const { return checked(state_).source; }

std::vector<std::pair<std::string, at::Tensor>> NeuralModel::named_parameters() const {
  return detail::parameter_list(*checked(state_).module);
}

std::int64_t NeuralModel::parameter_count() const {
  std::int64_t n = 0;
  for (const auto& [name, p] : named_parameters()) n += p.numel();
  return n;
}

void NeuralModel::set_attention_slice_elements(std::int64_t elements) {
  checked(state_);
  state_->slice_elements = std::max<std::int64_t>(0, elements);
}

std::int64_t NeuralModel::attention_slice_elements() const { return checked(state_).slice_elements.load(); }

namespace detail {

std::shared_ptr<ModelState> make_state(std::shared_ptr<torch::nn::Module> module, const ModelOptions& options,
                                       at::ScalarType dtype, const std::string& source) {
  auto state = std::make_shared<ModelState>();
  state->module = std::move(module);
  state->device = options.device;
  state->dtype = dtype;
  state->slice_elements = options.attention_slice_elements;
  state->source = source;
  return state;
}

ShapeMap expected_shapes(const torch::nn::Module& module) {
  ShapeMap out;
  for (const auto& [name, p] : parameter_list(module)) out[name] = p.sizes().vec();
  return out;
}

std::string family_hint(const TensorMap& weights) {
  const FamilyGuess guess = detect_family(weights.shapes());
  if (guess.family == ModelFamily::Unknown || guess.family == ModelFamily::StableDiffusion1 ||
      guess.family == ModelFamily::StableDiffusion2)
    return "";
  return std::string("They look like ") + family_name(guess.family) + " weights (found '" + guess.evidence +
         "'); Likeness's modules are SD 1.x/2.x.";
}

void assign_weights(torch::nn::Module& module, const TensorMap& weights, at::Device device, at::ScalarType dtype,
                    bool trainable, const std::set<std::string>& ignorable, const std::string& what,
                    const std::string& hint) {
  const WeightsMismatch mismatch = compare_shapes(expected_shapes(module), weights.shapes(), ignorable);
  if (!mismatch.empty()) {
    std::string message = what + " (" + weights.sources() + "): the weights do not match the architecture of its config: " +
                          mismatch.describe() + ".";
    const std::string family = family_hint(weights);
    if (!family.empty()) message += " " + family;
    if (!hint.empty()) message += " " + hint;
    throw InputError(message);
  }
  at::NoGradGuard no_grad;
  for (auto& item : module.named_parameters(/*recurse=*/true)) {
    const at::Tensor& source = weights.at(item.key());
    if (!at::isFloatingType(source.scalar_type()))
      throw InputError(what + " (" + weights.source(item.key()) + "): tensor '" + item.key() + "' has dtype " +
                       c10::toString(source.scalar_type()) + ", expected floating point");
    at::Tensor data = source;
    if (data.device() != device || data.scalar_type() != dtype) data = data.to(device, dtype);
    if (!data.is_contiguous()) data = data.contiguous();
    item.value().set_data(data);
    item.value().requires_grad_(trainable);
  }
}

void materialize(torch::nn::Module& module, at::Device device, at::ScalarType dtype, bool trainable) {
  at::NoGradGuard no_grad;
  for (auto& item : module.named_parameters(/*recurse=*/true)) {
    item.value().set_data(at::empty(item.value().sizes(), at::TensorOptions().device(device).dtype(dtype)));
    item.value().requires_grad_(trainable);
  }
}

at::Tensor to_model(const at::Tensor& x, const ModelState& state) {
  if (!x.defined()) return x;
  if (at::isFloatingType(x.scalar_type()) && (x.scalar_type() != state.dtype || x.device() != state.device))
    return x.to(state.device, state.dtype);
  if (x.device() != state.device) return x.to(state.device);
  return x;
}

}  // namespace detail
}  // namespace likeness::neural
