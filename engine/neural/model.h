#pragma once
// What every loaded neural module shares: where it runs, its dtype, its parameters.
// Models are cheap handles: copies share the same weights. Forward passes do not modify the model
// and may run from several threads at once.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace likeness::neural {

namespace detail {
struct ModelState;
}

class NeuralModel {
public:
  /// Whether weights were loaded (a default-constructed handle has none).
  bool loaded() const { return state_ != nullptr; }
  at::Device device() const;
  /// The compute dtype (parameters may stay float32 where the config asks, e.g. a VAE's force_upcast).
  at::ScalarType dtype() const;
  /// Where the weights came from.
  const std::string& source() const;
  /// Every parameter with its Hugging Face state_dict name, sharing storage with the model.
  std::vector<std::pair<std::string, at::Tensor>> named_parameters() const;
  std::int64_t parameter_count() const;
  /// Attention slices: see ModelOptions::attention_slice_elements.
  void set_attention_slice_elements(std::int64_t elements);
  std::int64_t attention_slice_elements() const;

protected:
  std::shared_ptr<detail::ModelState> state_;
};

}  // namespace likeness::neural
