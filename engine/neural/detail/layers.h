#pragma once
// Internal: the layers every neural module is built from, as torch::nn::Modules whose parameter
// names are exactly the Hugging Face state_dict names ("to_out.0.weight", "ff.net.2.bias").
// Parameters are created uninitialised (at::empty: no memory is touched) and filled by the
// weights loader, which maps or converts each tensor. Include only from .cpp files.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/neural/options.h"

namespace likeness::neural {
class AttentionCapture;
}

namespace likeness::neural::detail {

/// What a forward pass carries down the module tree.
struct ForwardContext {
  std::int64_t slice_elements = 0;     ///< attention slicing threshold (0: never)
  AttentionCapture* capture = nullptr;  ///< cross-attention probabilities to record
  Trace* trace = nullptr;              ///< intermediate outputs to record
  void record(const std::string& name, const at::Tensor& t) const {
    if (trace) (*trace)[name] = t.detach();
  }
};

/// A parameter of `shape`, uninitialised, not requiring grad.
at::Tensor& add_parameter(torch::nn::Module& m, const std::string& name, at::IntArrayRef shape);

class Linear : public torch::nn::Module {
public:
  Linear(std::int64_t in, std::int64_t out, bool bias);
  at::Tensor forward(const at::Tensor& x) const { return at::linear(x, weight, bias); }
  at::Tensor weight, bias;
};

class Conv2d : public torch::nn::Module {
public:
  Conv2d(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride = 1, std::int64_t padding = 0,
         bool bias = true);
  at::Tensor forward(const at::Tensor& x) const;
  at::Tensor weight, bias;
  std::int64_t stride, padding;
};

class GroupNorm : public torch::nn::Module {
public:
  GroupNorm(std::int64_t groups, std::int64_t channels, double eps);
  at::Tensor forward(const at::Tensor& x) const { return at::group_norm(x, groups, weight, bias, eps); }
  at::Tensor weight, bias;
  std::int64_t groups;
  double eps;
};

class LayerNorm : public torch::nn::Module {
public:
  LayerNorm(std::int64_t channels, double eps);
  at::Tensor forward(const at::Tensor& x) const { return at::layer_norm(x, {weight.size(0)}, weight, bias, eps); }
  at::Tensor weight, bias;
  double eps;
};

class Embedding : public torch::nn::Module {
public:
  Embedding(std::int64_t count, std::int64_t dim);
  at::Tensor forward(const at::Tensor& ids) const { return at::embedding(weight, ids); }
  at::Tensor weight;
};

/// A child that only names its children "0", "1", ... (nn.ModuleList); holds them typed.
template <typename T>
class Children {
public:
  Children() = default;
  Children(torch::nn::Module& parent, const std::string& name)
      : list_(parent.register_module(name, std::make_shared<torch::nn::Module>())) {}
  /// Adds `child` under the next index (or `index` when the list has gaps, as nn.Sequential does).
  std::shared_ptr<T> add(std::shared_ptr<T> child, std::int64_t index = -1) {
    const std::int64_t i = index < 0 ? static_cast<std::int64_t>(items_.size()) : index;
    list_->register_module(std::to_string(i), child);
    items_.push_back(child);
    return child;
  }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  T& operator[](std::size_t i) const { return *items_[i]; }
  const std::vector<std::shared_ptr<T>>& items() const { return items_; }

private:
  std::shared_ptr<torch::nn::Module> list_;
  std::vector<std::shared_ptr<T>> items_;
};

/// ResnetBlock2D: norm1, SiLU, conv1, (+ time_emb_proj(SiLU(temb))), norm2, SiLU, conv2, plus the
/// (1x1 conv_shortcut'ed) input, divided by `output_scale`.
class ResnetBlock : public torch::nn::Module {
public:
  ResnetBlock(std::int64_t in, std::int64_t out, std::int64_t temb_channels, std::int64_t groups, double eps,
              double output_scale = 1.0);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb) const;

private:
  std::shared_ptr<GroupNorm> norm1_, norm2_;
  std::shared_ptr<Conv2d> conv1_, conv2_, conv_shortcut_;
  std::shared_ptr<Linear> time_emb_proj_;
  double output_scale_;
};

/// Downsample2D with a conv: pad 1 (UNet), or zero-pad right/bottom then pad 0 (VAE, padding 0).
class Downsample : public torch::nn::Module {
public:
  Downsample(std::int64_t channels, std::int64_t padding);
  at::Tensor forward(const at::Tensor& x) const;

private:
  std::shared_ptr<Conv2d> conv_;
  std::int64_t padding_;
};

/// Upsample2D: nearest x2 (or to `size`), then a 3x3 conv.
class Upsample : public torch::nn::Module {
public:
  explicit Upsample(std::int64_t channels);
  at::Tensor forward(const at::Tensor& x, c10::optional<at::IntArrayRef> size = c10::nullopt) const;

private:
  std::shared_ptr<Conv2d> conv_;
};

/// Sinusoidal timestep features, in float32 as diffusers computes them (then cast by callers):
/// freq_i = exp(-ln(10000) i / (dim/2 - shift)), emb = [sin, cos] (or [cos, sin] when flipped).
at::Tensor timestep_features(const at::Tensor& timesteps, std::int64_t dim, bool flip_sin_to_cos, double shift);

/// TimestepEmbedding: linear_1, SiLU, linear_2.
class TimestepEmbedding : public torch::nn::Module {
public:
  TimestepEmbedding(std::int64_t in, std::int64_t dim);
  at::Tensor forward(const at::Tensor& x) const;

private:
  std::shared_ptr<Linear> linear_1_, linear_2_;
};

/// Every parameter of `m` with its dotted name.
std::vector<std::pair<std::string, at::Tensor>> parameter_list(const torch::nn::Module& m);

}  // namespace likeness::neural::detail
