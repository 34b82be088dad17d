// Multi-head attention with query slicing and probability capture; diffusers' Attention module;
// cross-attention map accumulation.
#include "engine/neural/detail/attention.h"

#include <torch/version.h>

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"
#include "engine/core/strings.h"
#include "engine/neural/attention_capture.h"

namespace likeness::neural {

namespace detail {

namespace {
// [B, S, H*D] -> [B*H, S, D], batch major, as diffusers' head_to_batch_dim.
at::Tensor split_heads(const at::Tensor& x, std::int64_t heads) {
  const std::int64_t b = x.size(0), s = x.size(1), d = x.size(2) / heads;
  return x.reshape({b, s, heads, d}).permute({0, 2, 1, 3}).reshape({b * heads, s, d});
}
at::Tensor merge_heads(const at::Tensor& x, std::int64_t heads) {
  const std::int64_t bh = x.size(0), s = x.size(1), d = x.size(2);
  return x.reshape({bh / heads, heads, s, d}).permute({0, 2, 1, 3}).reshape({bh / heads, s, heads * d});
}
}  // namespace

at::Tensor multihead_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, std::int64_t heads,
                               double scale, bool upcast, std::int64_t slice_elements,
                               const std::function<void(const at::Tensor&, std::int64_t)>& on_probs) {
  const std::int64_t batch = q.size(0), sq = q.size(1), sk = k.size(1);
#if TORCH_VERSION_MAJOR >= 2
  // The fused kernel (flash / memory-efficient) on GPUs, where nothing needs the probabilities.
  if (!on_probs && !upcast && q.is_cuda() && std::abs(scale * std::sqrt(double(q.size(2) / heads)) - 1.0) < 1e-9) {
    auto four = [&](const at::Tensor& x) { return x.reshape({batch, x.size(1), heads, -1}).transpose(1, 2); };
    at::Tensor out = at::scaled_dot_product_attention(four(q), four(k), four(v));
    return out.transpose(1, 2).reshape({batch, sq, -1});
  }
#endif
  const at::ScalarType dtype = q.scalar_type();
  at::Tensor qh = split_heads(q, heads), kh = split_heads(k, heads), vh = split_heads(v, heads);
  // Upcasting lifts half precision to float32; float32 and float64 stay as they are.
  upcast = upcast && (dtype == at::kHalf || dtype == at::kBFloat16);
  if (upcast) {
    qh = qh.to(at::kFloat);
    kh = kh.to(at::kFloat);
  }
  at::Tensor kt = kh.transpose(-1, -2);
  std::int64_t rows = sq;
  if (slice_elements > 0) rows = std::clamp<std::int64_t>(slice_elements / std::max<std::int64_t>(1, batch * heads * sk), 1, sq);
  std::vector<at::Tensor> outputs;
  for (std::int64_t start = 0; start < sq; start += rows) {
    const std::int64_t n = std::min(rows, sq - start);
    at::Tensor qs = rows == sq ? qh : qh.narrow(1, start, n);
    // diffusers computes baddbmm(empty, q, k^T, beta=0, alpha=scale). LibTorch 1.13's CPU baddbmm
    // with beta = 0 (even on zeros) now and then returns NaN when the memory it is given held NaNs
    // (tests/neural: AttentionSlicing.ScoresIgnoreWhatTheAllocatorLeftBehind), so: bmm, then scale.
    at::Tensor scores = at::bmm(qs, kt).mul_(scale);
    if (upcast) scores = scores.to(at::kFloat);
    at::Tensor probs = scores.softmax(-1).to(dtype);
    if (on_probs) on_probs(probs.reshape({batch, heads, n, sk}), start);
    outputs.push_back(at::bmm(probs, vh));
  }
  at::Tensor out = outputs.size() == 1 ? outputs[0] : at::cat(outputs, 1);
  return merge_heads(out, heads);
}

Attention::Attention(const AttentionSpec& spec) : spec_(spec) {
  const std::int64_t inner = spec.heads * spec.head_dim;
  const std::int64_t context = spec.context_dim > 0 ? spec.context_dim : spec.query_dim;
  if (spec.norm_groups > 0)
    group_norm_ = register_module("group_norm", std::make_shared<GroupNorm>(spec.norm_groups, spec.query_dim, spec.norm_eps));
  to_q_ = register_module("to_q", std::make_shared<Linear>(spec.query_dim, inner, spec.qkv_bias));
  to_k_ = register_module("to_k", std::make_shared<Linear>(context, inner, spec.qkv_bias));
  to_v_ = register_module("to_v", std::make_shared<Linear>(context, inner, spec.qkv_bias));
  to_out_ = Children<Linear>(*this, "to_out");
  to_out_.add(std::make_shared<Linear>(inner, spec.query_dim, true));
}

at::Tensor Attention::forward(const at::Tensor& x, const at::Tensor& context, const ForwardContext& ctx, std::int64_t h,
                              std::int64_t w) const {
  const bool spatial = x.dim() == 4;
  at::Tensor hs = x;
  if (spatial) {
    h = x.size(2);
    w = x.size(3);
    hs = x.reshape({x.size(0), x.size(1), h * w}).transpose(1, 2);
  }
  if (group_norm_) hs = group_norm_->forward(hs.transpose(1, 2)).transpose(1, 2);
  const at::Tensor& kv_input = context.defined() ? context : hs;
  at::Tensor q = to_q_->forward(hs), k = to_k_->forward(kv_input), v = to_v_->forward(kv_input);

  const bool capture = ctx.capture && context.defined() && h * w == hs.size(1) && ctx.capture->wants(spec_.path);
  std::vector<at::Tensor> pieces;
  std::function<void(const at::Tensor&, std::int64_t)> on_probs;
  if (capture) on_probs = [&pieces](const at::Tensor& p, std::int64_t) { pieces.push_back(p.detach()); };
  at::Tensor out = multihead_attention(q, k, v, spec_.heads, 1.0 / std::sqrt(static_cast<double>(spec_.head_dim)),
                                       spec_.upcast, ctx.slice_elements, on_probs);
  if (capture) ctx.capture->add(spec_.path, pieces.size() == 1 ? pieces[0] : at::cat(pieces, 2), h, w);

  out = to_out_[0].forward(out);
  if (spatial) out = out.transpose(1, 2).reshape(x.sizes());
  if (spec_.residual) out = out + x;
  return out;
}

}  // namespace detail

AttentionCapture::AttentionCapture(std::int64_t height, std::int64_t width, std::vector<std::string> layers)
    : height_(height), width_(width), layers_(std::move(layers)) {
  if (height <= 0 || width <= 0)
    throw InputError("attention capture: size " + std::to_string(height) + "x" + std::to_string(width) + " must be positive");
}

bool AttentionCapture::wants(const std::string& path) const {
  if (layers_.empty()) return true;
  for (const std::string& p : layers_)
    if (path == p || starts_with(path, p + ".")) return true;
  return false;
}

void AttentionCapture::add(const std::string& path, const at::Tensor& probabilities, std::int64_t h, std::int64_t w) {
  namespace F = torch::nn::functional;
  at::NoGradGuard no_grad;
  const std::int64_t batch = probabilities.size(0), tokens = probabilities.size(3);
  at::Tensor maps = probabilities.to(at::kFloat).mean(1).transpose(1, 2).reshape({batch, tokens, h, w});
  if (h != height_ || w != width_) {
    // Area averaging when shrinking, bilinear when growing: both keep each pixel's sum over tokens.
    if (height_ <= h && width_ <= w)
      maps = at::adaptive_avg_pool2d(maps, {height_, width_});
    else
      maps = F::interpolate(maps, F::InterpolateFuncOptions()
                                      .size(std::vector<std::int64_t>{height_, width_})
                                      .mode(torch::kBilinear)
                                      .align_corners(false));
  }
  if (sum_.defined() && sum_.sizes() != maps.sizes())
    throw InputError("attention capture: layer " + path + " has " + std::to_string(tokens) + " tokens and batch " +
                     std::to_string(batch) + ", unlike the layers before it");
  sum_ = sum_.defined() ? sum_ + maps : maps;
  captured_.push_back(path);
}

at::Tensor AttentionCapture::maps() const {
  if (!sum_.defined()) return {};
  return sum_ / static_cast<double>(captured_.size());
}

void AttentionCapture::clear() {
  sum_ = at::Tensor();
  captured_.clear();
}

at::Tensor token_attention_mask(const at::Tensor& maps, const std::vector<std::int64_t>& tokens) {
  if (!maps.defined() || maps.dim() != 4) throw InputError("token_attention_mask: expected maps [batch, tokens, height, width]");
  if (tokens.empty()) throw InputError("token_attention_mask: no token chosen");
  for (std::int64_t t : tokens)
    if (t < 0 || t >= maps.size(1))
      throw InputError("token_attention_mask: token index " + std::to_string(t) + " is outside [0, " +
                       std::to_string(maps.size(1) - 1) + "]");
  at::Tensor index = at::tensor(tokens, at::kLong).to(maps.device());
  at::Tensor m = maps.index_select(1, index).sum(1);
  const std::int64_t batch = m.size(0);
  at::Tensor flat = m.reshape({batch, -1});
  at::Tensor lo = std::get<0>(flat.min(1, true)), hi = std::get<0>(flat.max(1, true));
  return ((flat - lo) / (hi - lo).clamp_min(1e-12)).reshape(m.sizes());
}

}  // namespace likeness::neural
