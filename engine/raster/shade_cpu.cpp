// Fused SH shading on the CPU (see shade_params.h): blocks of pixels in parallel, one branch-free
// pass each way in the tensors' precision (the forward vectorises; GCC's cost model keeps the
// backward with both gradients scalar), the block's lighting read once. The lighting gradient is
// summed per fixed block of pixels and the blocks added in order, so it does not depend on the
// thread count or schedule.
#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/raster/cpu_parallel.h"
#include "engine/raster/shade_params.h"
#include "engine/raster/kernel_isa.h"  // last: what follows is compiled per instruction set

namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS {
namespace {

/// Pixels per block of the lighting-gradient partial sums.
constexpr std::int64_t kBlock = 2048;
/// Normals shorter than this are divided by it instead (render's safe normalize).
constexpr double kMinLength = 1e-12;

/// What forward and backward both need at a pixel, in the tensors' precision T.
template <typename T>
struct Pixel {
  T n[3];       // unit normal
  T inv_len;    // 1 / max(|normal|, kMinLength)
  bool clamped; // |normal| < kMinLength: the division does not depend on the length
  T basis[9];
};

/// Branch-free (selects around an always-safe division), so loops over pixels vectorise.
template <typename T>
[[gnu::always_inline]] inline Pixel<T> load_pixel(const T* normal) {
  Pixel<T> px;
  const T x = normal[0], y = normal[1], z = normal[2];
  const T len = std::sqrt(x * x + y * y + z * z);
  px.clamped = !(len >= T(kMinLength));
  const T q = T(1) / (px.clamped ? T(1) : len);
  px.inv_len = px.clamped ? T(1.0 / kMinLength) : q;
  px.n[0] = x * px.inv_len;
  px.n[1] = y * px.inv_len;
  px.n[2] = z * px.inv_len;
  sh_irradiance_basis(px.n[0], px.n[1], px.n[2], px.basis);
  return px;
}

/// Blocks of for_blocks: per view (or over all pixels for shared lighting), ceil(pixels / kBlock).
template <typename T>
std::int64_t block_count(const ShadeParams<T>& p) {
  const std::int64_t range = p.sh_views == 1 ? p.pixels : p.per_view;
  return (p.sh_views == 1 ? 1 : p.sh_views) * ((range + kBlock - 1) / kBlock);
}

template <typename T>
inline bool coverage(const ShadeParams<T>& p, std::int64_t i) {
  return p.rast == nullptr || p.rast[i * 4 + 3] > T(0);
}

/// Blocks of at most kBlock pixels that never straddle views (so a block has one lighting), run
/// in parallel: fn(block, begin, end, L) with L the block's 27 coefficients.
template <typename T, typename F>
void for_blocks(const ShadeParams<T>& p, F&& fn) {
  const std::int64_t range = p.sh_views == 1 ? p.pixels : p.per_view;
  const std::int64_t per_range = (range + kBlock - 1) / kBlock;
  cpu::parallel_items(block_count(p), cpu::worker_count(), [&](std::int64_t block, int) {
    const std::int64_t r = block / per_range, b = r * range + (block % per_range) * kBlock;
    const std::int64_t e = std::min(b + kBlock, (r + 1) * range);
    T L[27];
    for (int j = 0; j < 27; ++j) L[j] = p.sh[r * 27 + j];
    fn(block, b, e, static_cast<const T*>(L));
  });
}

/// Irradiance of channel c at a pixel: sum_k L[c][k] basis[k], in the order of k.
template <typename T>
[[gnu::always_inline]] inline T irradiance(const T* L, int c, const T (&basis)[9]) {
  T e = 0;
  for (int k = 0; k < 9; ++k) e += L[c * 9 + k] * basis[k];
  return e;
}

/// Forward over pixels b..e without branches on the pixel: every pixel is shaded and the
/// uncovered ones then zeroed by a select, so the loop vectorises over pixels (per pixel the
/// same operations in the same order as one at a time: the same values).
template <typename T, bool HasRast>
void forward_block(const ShadeParams<T>& p, std::int64_t b, std::int64_t e, const T* L) {
  const T* __restrict normals = p.normals;
  const T* __restrict albedo = p.albedo;
  const T* __restrict rast = p.rast;
  T* __restrict out = p.out;
  for (std::int64_t i = b; i < e; ++i) {
    const Pixel<T> px = load_pixel(normals + i * 3);
    const bool covered = HasRast ? rast[i * 4 + 3] > T(0) : true;
    for (int c = 0; c < 3; ++c) {
      const T v = albedo[i * 3 + c] * irradiance(L, c, px.basis);
      out[i * 3 + c] = covered ? v : T(0);
    }
  }
}

template <typename T>
void forward(const ShadeParams<T>& p) {
  for_blocks(p, [&](std::int64_t, std::int64_t b, std::int64_t e, const T* L) {
    if (p.rast)
      forward_block<T, true>(p, b, e, L);
    else
      forward_block<T, false>(p, b, e, L);
  });
}

/// Backward over pixels b..e without the lighting gradient, branch-free like forward_block:
/// pixels that are uncovered or have a zero output gradient get zero gradients by a select.
template <typename T, bool HasRast, bool GradAlbedo, bool GradNormals>
void backward_block(const ShadeParams<T>& p, std::int64_t b, std::int64_t e, const T* L) {
  const T* __restrict normals = p.normals;
  const T* __restrict albedo = p.albedo;
  const T* __restrict rast = p.rast;
  const T* __restrict grad_out = p.grad_out;
  T* __restrict grad_albedo = p.grad_albedo;
  T* __restrict grad_normals = p.grad_normals;
  constexpr T k1 = T(2.0 * kShC1), k2 = T(2.0 * kShC2), k3 = T(2.0 * kShC3);
  for (std::int64_t i = b; i < e; ++i) {
    const T g[3] = {grad_out[i * 3], grad_out[i * 3 + 1], grad_out[i * 3 + 2]};
    const bool covered = HasRast ? rast[i * 4 + 3] > T(0) : true;
    const bool live = covered && (g[0] != T(0) || g[1] != T(0) || g[2] != T(0));
    const Pixel<T> px = load_pixel(normals + i * 3);
    const T x = px.n[0], y = px.n[1], z = px.n[2];
    if constexpr (GradAlbedo) {
      for (int c = 0; c < 3; ++c) {
        const T v = g[c] * irradiance(L, c, px.basis);
        grad_albedo[i * 3 + c] = live ? v : T(0);
      }
    }
    if constexpr (GradNormals) {
      // d E_c / d n from the basis, then through the normalization.
      T gn[3] = {0, 0, 0};
      for (int c = 0; c < 3; ++c) {
        const T w = g[c] * albedo[i * 3 + c];  // d loss / d E_c
        const T* l = L + c * 9;
        const T dx = k2 * l[3] + k1 * (y * l[4] + z * l[7] + x * l[8]);
        const T dy = k2 * l[1] + k1 * (x * l[4] + z * l[5] - y * l[8]);
        const T dz = k2 * l[2] + k1 * (y * l[5] + x * l[7]) + k3 * z * l[6];
        gn[0] += w * dx;
        gn[1] += w * dy;
        gn[2] += w * dz;
      }
      const T radial = px.clamped ? T(0) : gn[0] * x + gn[1] * y + gn[2] * z;
      for (int k = 0; k < 3; ++k) {
        const T v = (gn[k] - radial * px.n[k]) * px.inv_len;
        grad_normals[i * 3 + k] = live ? v : T(0);
      }
    }
  }
}

template <typename T, bool HasRast>
void backward_block(const ShadeParams<T>& p, std::int64_t b, std::int64_t e, const T* L) {
  if (p.grad_albedo && p.grad_normals)
    backward_block<T, HasRast, true, true>(p, b, e, L);
  else if (p.grad_albedo)
    backward_block<T, HasRast, true, false>(p, b, e, L);
  else if (p.grad_normals)
    backward_block<T, HasRast, false, true>(p, b, e, L);
}

template <typename T>
void backward(const ShadeParams<T>& p) {
  const std::int64_t blocks = block_count(p);
  std::vector<double> partial(p.grad_sh ? std::size_t(blocks) * 27 : 0, 0.0);
  for_blocks(p, [&](std::int64_t block, std::int64_t b, std::int64_t e, const T* L) {
    if (p.rast)
      backward_block<T, true>(p, b, e, L);
    else
      backward_block<T, false>(p, b, e, L);
    if (!p.grad_sh) return;
    // The lighting gradient: a second, scalar pass (a sum in a fixed order does not vectorise).
    double* sums = partial.data() + block * 27;
    for (std::int64_t i = b; i < e; ++i) {
      const T* g = p.grad_out + i * 3;
      if (!coverage(p, i) || (g[0] == T(0) && g[1] == T(0) && g[2] == T(0))) continue;
      const Pixel<T> px = load_pixel(p.normals + i * 3);
      for (int c = 0; c < 3; ++c) {
        const double w = double(g[c] * p.albedo[i * 3 + c]);  // d loss / d E_c
        for (int k = 0; k < 9; ++k) sums[c * 9 + k] += w * double(px.basis[k]);
      }
    }
  });
  if (p.grad_sh) {
    // Blocks added in order: the sum does not depend on the thread count or schedule.
    const std::int64_t per_range = blocks / (p.sh_views == 1 ? 1 : p.sh_views);
    std::vector<double> total(std::size_t(p.sh_views) * 27, 0.0);
    for (std::int64_t block = 0; block < blocks; ++block)
      for (int j = 0; j < 27; ++j) total[std::size_t(block / per_range) * 27 + j] += partial[std::size_t(block) * 27 + j];
    for (std::size_t j = 0; j < total.size(); ++j) p.grad_sh[j] = T(total[j]);
  }
}

}  // namespace

void shade_forward_cpu(const ShadeParams<float>& p) { forward(p); }
void shade_forward_cpu(const ShadeParams<double>& p) { forward(p); }
void shade_backward_cpu(const ShadeParams<float>& p) { backward(p); }
void shade_backward_cpu(const ShadeParams<double>& p) { backward(p); }

}  // namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS
