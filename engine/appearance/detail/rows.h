#pragma once
// Row gathers and scatters for [n, C] tensors that stay fast under autograd. LibTorch 1.13's
// CPU index_add_ (the backward of index_select, and index_add itself) loops over the index with
// one kernel launch per row when the tensor has more than one dimension, which costs about a
// second for the two million texels of a 512 UDIM stack; gather / scatter with an expanded
// (stride 0, so not materialised) index run one kernel for all of them. Private to
// engine/appearance.
#include <ATen/ATen.h>

namespace likeness::appearance::detail {

/// The index [n] broadcast to [n, C] without copying.
inline at::Tensor expand_index(const at::Tensor& rows, const at::Tensor& like) {
  return rows.unsqueeze(1).expand({rows.size(0), like.size(1)});
}

/// t[rows] for t [N] or [N, C].
inline at::Tensor take_rows(const at::Tensor& t, const at::Tensor& rows) {
  if (t.dim() == 1) return t.index_select(0, rows);
  return t.gather(0, rows.unsqueeze(1).expand({rows.size(0), t.size(1)}));
}

/// A copy of t with t[rows] = src (rows unique).
inline at::Tensor put_rows(const at::Tensor& t, const at::Tensor& rows, const at::Tensor& src) {
  if (t.dim() == 1) return t.index_copy(0, rows, src);
  return t.scatter(0, expand_index(rows, t), src);
}

/// A copy of t with t[rows] += src (rows may repeat).
inline at::Tensor add_rows(const at::Tensor& t, const at::Tensor& rows, const at::Tensor& src) {
  if (t.dim() == 1) return t.index_add(0, rows, src);
  return t.scatter_add(0, expand_index(rows, t), src);
}

}  // namespace likeness::appearance::detail
