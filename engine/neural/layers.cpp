#include "engine/neural/detail/layers.h"

#include <cmath>

namespace likeness::neural::detail {

at::Tensor& add_parameter(torch::nn::Module& m, const std::string& name, at::IntArrayRef shape) {
  return m.register_parameter(name, at::empty(shape), /*requires_grad=*/false);
}

Linear::Linear(std::int64_t in, std::int64_t out, bool has_bias) {
  weight = add_parameter(*this, "weight", {out, in});
  if (has_bias) bias = add_parameter(*this, "bias", {out});
}

Conv2d::Conv2d(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride_, std::int64_t padding_,
               bool has_bias)
    : stride(stride_), padding(padding_) {
  weight = add_parameter(*this, "weight", {out, in, kernel, kernel});
  if (has_bias) bias = add_parameter(*this, "bias", {out});
}

at::Tensor Conv2d::forward(const at::Tensor& x) const {
  return at::conv2d(x, weight, bias, {stride, stride}, {padding, padding});
}

GroupNorm::GroupNorm(std::int64_t groups_, std::int64_t channels, double eps_) : groups(groups_), eps(eps_) {
  weight = add_parameter(*this, "weight", {channels});
  bias = add_parameter(*this, "bias", {channels});
}

LayerNorm::LayerNorm(std::int64_t channels, double eps_) : eps(eps_) {
  weight = add_parameter(*this, "weight", {channels});
  bias = add_parameter(*this, "bias", {channels});
}

Embedding::Embedding(std::int64_t count, std::int64_t dim) { weight = add_parameter(*this, "weight", {count, dim}); }

ResnetBlock::ResnetBlock(std::int64_t in, std::int64_t out, std::int64_t temb_channels, std::int64_t groups, double eps,
                         double output_scale)
    : output_scale_(output_scale) {
  norm1_ = register_module("norm1", std::make_shared<GroupNorm>(groups, in, eps));
  conv1_ = register_module("conv1", std::make_shared<Conv2d>(in, out, 3, 1, 1));
  if (temb_channels > 0) time_emb_proj_ = register_module("time_emb_proj", std::make_shared<Linear>(temb_channels, out, true));
  norm2_ = register_module("norm2", std::make_shared<GroupNorm>(groups, out, eps));
  conv2_ = register_module("conv2", std::make_shared<Conv2d>(out, out, 3, 1, 1));
  if (in != out) conv_shortcut_ = register_module("conv_shortcut", std::make_shared<Conv2d>(in, out, 1, 1, 0));
}

at::Tensor ResnetBlock::forward(const at::Tensor& x, const at::Tensor& temb) const {
  at::Tensor h = conv1_->forward(at::silu(norm1_->forward(x)));
  if (time_emb_proj_ && temb.defined()) h = h + time_emb_proj_->forward(at::silu(temb)).unsqueeze(-1).unsqueeze(-1);
  h = conv2_->forward(at::silu(norm2_->forward(h)));
  at::Tensor skip = conv_shortcut_ ? conv_shortcut_->forward(x) : x;
  at::Tensor out = skip + h;
  return output_scale_ == 1.0 ? out : out / output_scale_;
}

Downsample::Downsample(std::int64_t channels, std::int64_t padding) : padding_(padding) {
  conv_ = register_module("conv", std::make_shared<Conv2d>(channels, channels, 3, 2, padding));
}

at::Tensor Downsample::forward(const at::Tensor& x) const {
  if (padding_ == 0) return conv_->forward(at::constant_pad_nd(x, {0, 1, 0, 1}, 0));
  return conv_->forward(x);
}

Upsample::Upsample(std::int64_t channels) {
  conv_ = register_module("conv", std::make_shared<Conv2d>(channels, channels, 3, 1, 1));
}

at::Tensor Upsample::forward(const at::Tensor& x, c10::optional<at::IntArrayRef> size) const {
  namespace F = torch::nn::functional;
  // Nearest interpolation has no bfloat16 kernel everywhere: diffusers upcasts too.
  at::Tensor in = x.scalar_type() == at::kBFloat16 ? x.to(at::kFloat) : x;
  auto options = F::InterpolateFuncOptions().mode(torch::kNearest);
  if (size)
    options.size(size->vec());
  else
    options.scale_factor(std::vector<double>{2.0, 2.0});
  at::Tensor up = F::interpolate(in, options);
  if (up.scalar_type() != x.scalar_type()) up = up.to(x.scalar_type());
  return conv_->forward(up);
}

at::Tensor timestep_features(const at::Tensor& timesteps, std::int64_t dim, bool flip_sin_to_cos, double shift) {
  const std::int64_t half = dim / 2;
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(timesteps.device());
  at::Tensor exponent = at::arange(0, half, f32) * (-std::log(10000.0));
  exponent = exponent / (static_cast<double>(half) - shift);
  at::Tensor args = timesteps.reshape({-1, 1}).to(at::kFloat) * at::exp(exponent).unsqueeze(0);
  at::Tensor emb = flip_sin_to_cos ? at::cat({at::cos(args), at::sin(args)}, -1) : at::cat({at::sin(args), at::cos(args)}, -1);
  if (dim % 2 == 1) emb = at::constant_pad_nd(emb, {0, 1}, 0);
  return emb;
}

TimestepEmbedding::TimestepEmbedding(std::int64_t in, std::int64_t dim) {
  linear_1_ = register_module("linear_1", std::make_shared<Linear>(in, dim, true));
  linear_2_ = register_module("linear_2", std::make_shared<Linear>(dim, dim, true));
}

at::Tensor TimestepEmbedding::forward(const at::Tensor& x) const {
  return linear_2_->forward(at::silu(linear_1_->forward(x)));
}

std::vector<std::pair<std::string, at::Tensor>> parameter_list(const torch::nn::Module& m) {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& item : m.named_parameters(/*recurse=*/true)) out.emplace_back(item.key(), item.value());
  return out;
}

}  // namespace likeness::neural::detail
