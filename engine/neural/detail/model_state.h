#pragma once
// Internal: what a NeuralModel handle shares, and how weights get into a module.
#include <atomic>
#include <set>

#include "engine/neural/detail/layers.h"
#include "engine/neural/model.h"
#include "engine/neural/weights.h"

namespace likeness::neural::detail {

struct ModelState {
  std::shared_ptr<torch::nn::Module> module;
  at::Device device = at::Device(at::kCPU);
  at::ScalarType dtype = at::kFloat;
  std::atomic<std::int64_t> slice_elements{0};
  std::string source;

  ForwardContext context() const {
    ForwardContext c;
    c.slice_elements = slice_elements.load();
    return c;
  }
};

std::shared_ptr<ModelState> make_state(std::shared_ptr<torch::nn::Module> module, const ModelOptions& options,
                                       at::ScalarType dtype, const std::string& source);

/// Fills `module`'s parameters from `weights` on `device` in `dtype`. CPU tensors already in the
/// right dtype are mapped, not copied. InputError "WHAT (SOURCES): ..." listing missing,
/// wrong-shape and unexpected tensors (names matching `ignorable` aside), then `hint`.
void assign_weights(torch::nn::Module& module, const TensorMap& weights, at::Device device, at::ScalarType dtype,
                    bool trainable, const std::set<std::string>& ignorable, const std::string& what,
                    const std::string& hint = "");

/// Gives every parameter real (uninitialised) storage on `device` in `dtype`.
void materialize(torch::nn::Module& module, at::Device device, at::ScalarType dtype, bool trainable);

/// The shapes `module` expects.
ShapeMap expected_shapes(const torch::nn::Module& module);

/// A sentence about the weights' family when it is not SD 1.x/2.x ("They look like SDXL
/// weights (found 'x'); Likeness supports SD 1.x/2.x."), else empty.
std::string family_hint(const TensorMap& weights);

/// Casts a floating input to the model's dtype and device (integer inputs keep their dtype).
at::Tensor to_model(const at::Tensor& x, const ModelState& state);

}  // namespace likeness::neural::detail
