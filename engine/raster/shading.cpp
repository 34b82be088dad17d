// Spherical-harmonic irradiance and vertex normals (LibTorch ops, differentiable).
#include "engine/raster/shading.h"

#include <torch/torch.h>

#include <cmath>
#include <string>

#include "engine/core/error.h"
#include "engine/raster/shade_params.h"

namespace likeness::raster {
namespace {

/// Real SH basis values Y_lm(d) in the order L00, L1-1, L10, L11, L2-2, L2-1, L20, L21, L22.
std::array<double, 9> sh_basis(double x, double y, double z) {
  return {0.282095,
          0.488603 * y,
          0.488603 * z,
          0.488603 * x,
          1.092548 * x * y,
          1.092548 * y * z,
          0.315392 * (3.0 * z * z - 1.0),
          1.092548 * x * z,
          0.546274 * (x * x - y * y)};
}

template <typename T>
ShadeParams<T> shade_params(const at::Tensor& albedo, const at::Tensor& normals, const at::Tensor& sh,
                            const at::Tensor& rast) {
  ShadeParams<T> p;
  p.albedo = albedo.data_ptr<T>();
  p.normals = normals.data_ptr<T>();
  p.sh = sh.data_ptr<T>();
  p.sh_views = sh.dim() == 3 ? static_cast<int>(sh.size(0)) : 1;
  p.rast = rast.numel() > 0 ? rast.data_ptr<T>() : nullptr;
  p.pixels = albedo.numel() / 3;
  p.per_view = p.sh_views > 1 ? p.pixels / p.sh_views : p.pixels;
  return p;
}

/// shade_sh on contiguous CPU float/double tensors of one dtype (validated by shade_sh).
struct ShadeFunction : public torch::autograd::Function<ShadeFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& albedo,
                            const at::Tensor& normals, const at::Tensor& sh, const at::Tensor& rast) {
    at::Tensor out = at::empty_like(albedo);
    AT_DISPATCH_FLOATING_TYPES(albedo.scalar_type(), "shade_sh", [&] {
      ShadeParams<scalar_t> p = shade_params<scalar_t>(albedo, normals, sh, rast);
      p.out = out.data_ptr<scalar_t>();
      shade_forward_cpu(p);
    });
    ctx->save_for_backward({albedo, normals, sh, rast});
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &albedo = saved[0], &normals = saved[1], &sh = saved[2], &rast = saved[3];
    const at::Tensor g = grads[0].contiguous();
    at::Tensor grad_albedo, grad_normals, grad_sh;
    if (ctx->needs_input_grad(0)) grad_albedo = at::empty_like(albedo);
    if (ctx->needs_input_grad(1)) grad_normals = at::empty_like(normals);
    if (ctx->needs_input_grad(2)) grad_sh = at::empty_like(sh);
    AT_DISPATCH_FLOATING_TYPES(albedo.scalar_type(), "shade_sh_backward", [&] {
      ShadeParams<scalar_t> p = shade_params<scalar_t>(albedo, normals, sh, rast);
      p.grad_out = g.data_ptr<scalar_t>();
      p.grad_albedo = grad_albedo.defined() ? grad_albedo.data_ptr<scalar_t>() : nullptr;
      p.grad_normals = grad_normals.defined() ? grad_normals.data_ptr<scalar_t>() : nullptr;
      p.grad_sh = grad_sh.defined() ? grad_sh.data_ptr<scalar_t>() : nullptr;
      shade_backward_cpu(p);
    });
    return {grad_albedo, grad_normals, grad_sh, at::Tensor()};
  }
};

}  // namespace

at::Tensor shade_sh(const at::Tensor& albedo, const at::Tensor& normals, const at::Tensor& sh, const at::Tensor& rast) {
  if (!albedo.defined() || albedo.dim() < 1 || albedo.size(-1) != 3)
    throw InputError("shade_sh: albedo must be [..., 3]");
  if (!normals.defined() || normals.sizes() != albedo.sizes())
    throw InputError("shade_sh: normals must have albedo's shape " + std::string(c10::str(albedo.sizes())));
  if (!sh.defined() || (sh.dim() != 2 && sh.dim() != 3) || sh.size(-1) != 9 || sh.size(-2) != 3)
    throw InputError("shade_sh: lighting must be [3, 9] or [B, 3, 9]");
  if (sh.dim() == 3 && (albedo.dim() < 2 || albedo.size(0) != sh.size(0)))
    throw InputError("shade_sh: batched lighting [" + std::to_string(sh.size(0)) +
                     ", 3, 9] needs albedo and normals with the same leading dimension");
  if (rast.defined()) {
    std::vector<int64_t> want(albedo.sizes().begin(), albedo.sizes().end());
    want.back() = 4;
    if (rast.sizes() != at::IntArrayRef(want))
      throw InputError("shade_sh: rast must be " + std::string(c10::str(at::IntArrayRef(want))) + ", got " +
                       std::string(c10::str(rast.sizes())));
  }
  const auto dtype = albedo.scalar_type();
  const bool kernel = albedo.device().is_cpu() && (dtype == at::kFloat || dtype == at::kDouble);
  if (!kernel) {
    // The same expression as tensor ops (other devices and dtypes).
    const at::Tensor n = normals / normals.norm(2, -1, true).clamp_min(1e-12);
    const at::Tensor e = sh_irradiance(n, sh);
    at::Tensor out = albedo * e;
    if (rast.defined()) out = out * (rast.narrow(-1, 3, 1) > 0).to(dtype);
    return out;
  }
  return ShadeFunction::apply(albedo.contiguous(), normals.to(dtype).contiguous(), sh.to(dtype).contiguous(),
                              // autograd functions take no undefined inputs: no raster is an empty one
                              rast.defined() ? rast.to(dtype).contiguous() : at::empty({0}, albedo.options()));
}

at::Tensor sh_irradiance(const at::Tensor& normals, const at::Tensor& sh) {
  if (!normals.defined() || normals.dim() < 1 || normals.size(-1) != 3)
    throw InputError("sh_irradiance: normals must be [..., 3]");
  if (!sh.defined() || (sh.dim() != 2 && sh.dim() != 3) || sh.size(-1) != 9 || sh.size(-2) != 3)
    throw InputError("sh_irradiance: lighting must be [3, 9] or [B, 3, 9]");
  const at::Tensor x = normals.select(-1, 0), y = normals.select(-1, 1), z = normals.select(-1, 2);
  // E(n) = sum_k L_k * basis_k(n), with the irradiance constants folded into the basis.
  const at::Tensor basis = at::stack({at::full_like(x, kShC4), 2.0 * kShC2 * y, 2.0 * kShC2 * z, 2.0 * kShC2 * x,
                                      2.0 * kShC1 * x * y, 2.0 * kShC1 * y * z, kShC3 * z * z - kShC5, 2.0 * kShC1 * x * z,
                                      kShC1 * (x * x - y * y)},
                                     -1);  // [..., 9]
  const at::Tensor light = sh.to(normals.scalar_type());
  if (light.dim() == 2) return at::matmul(basis, light.transpose(0, 1));
  if (normals.dim() < 2 || normals.size(0) != light.size(0))
    throw InputError("sh_irradiance: batched lighting [" + std::to_string(light.size(0)) +
                     ", 3, 9] needs normals with the same leading dimension");
  // [B, ..., 9] x [B, 9, 3] -> [B, ..., 3]
  const at::Tensor flat = basis.reshape({basis.size(0), -1, 9});
  std::vector<int64_t> shape(normals.sizes().begin(), normals.sizes().end());
  return at::bmm(flat, light.transpose(1, 2)).reshape(shape);
}

at::Tensor sh_from_light(const std::array<double, 3>& direction, const std::array<double, 3>& intensity,
                         const std::array<double, 3>& ambient, at::ScalarType dtype) {
  const double n = std::sqrt(direction[0] * direction[0] + direction[1] * direction[1] + direction[2] * direction[2]);
  if (!(n > 0.0)) throw InputError("sh_from_light: zero light direction");
  const auto y = sh_basis(direction[0] / n, direction[1] / n, direction[2] / n);
  at::Tensor sh = at::zeros({3, 9}, at::kDouble);
  auto a = sh.accessor<double, 2>();
  for (int c = 0; c < 3; ++c) {
    // A directional light of irradiance I has radiance coefficients I * Y_lm(d); a constant
    // irradiance A needs L00 = A / c4.
    for (int k = 0; k < 9; ++k) a[c][k] = intensity[c] * y[k];
    a[c][0] += ambient[c] / kShC4;
  }
  return sh.to(dtype);
}

at::Tensor default_sh_lighting(at::ScalarType dtype) {
  return sh_from_light({0.35, 0.45, 1.0}, {0.7, 0.7, 0.7}, {0.4, 0.4, 0.4}, dtype);
}

at::Tensor vertex_normals(const at::Tensor& positions, const at::Tensor& triangles) {
  if (!positions.defined() || (positions.dim() != 2 && positions.dim() != 3) || positions.size(-1) != 3)
    throw InputError("vertex_normals: positions must be [V, 3] or [B, V, 3]");
  if (!triangles.defined() || triangles.dim() != 2 || triangles.size(1) != 3)
    throw InputError("vertex_normals: triangles must be [T, 3]");
  const at::Tensor p = positions.dim() == 2 ? positions.unsqueeze(0) : positions;
  const at::Tensor tris = triangles.to(at::kLong);
  if (tris.numel() > 0 && (tris.min().item<int64_t>() < 0 || tris.max().item<int64_t>() >= p.size(1)))
    throw InputError("vertex_normals: triangle index out of range for " + std::to_string(p.size(1)) + " vertices");
  const at::Tensor p0 = p.index_select(1, tris.select(1, 0));
  const at::Tensor p1 = p.index_select(1, tris.select(1, 1));
  const at::Tensor p2 = p.index_select(1, tris.select(1, 2));
  const at::Tensor face = at::cross(p1 - p0, p2 - p0, -1);  // length = 2 * area
  at::Tensor sum = at::zeros_like(p);
  for (int k = 0; k < 3; ++k) sum = sum.index_add(1, tris.select(1, k), face);
  const at::Tensor length = sum.norm(2, -1, true);
  const at::Tensor unit = sum / length.clamp_min(1e-20);
  const at::Tensor up = at::tensor({0.0, 0.0, 1.0}, p.options().requires_grad(false)).expand_as(sum);
  at::Tensor n = at::where(length > 1e-20, unit, up);
  return positions.dim() == 2 ? n.squeeze(0) : n;
}

}  // namespace likeness::raster
