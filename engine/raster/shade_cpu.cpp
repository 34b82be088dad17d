// Fused SH shading on the CPU (see shade_params.h): blocks of pixels in parallel, one pass each
// way in the tensors' precision, the block's lighting read once. The lighting gradient is summed per fixed block of pixels
// and the blocks added in order, so it does not depend on the thread count or schedule.
#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/raster/cpu_parallel.h"
#include "engine/raster/shade_params.h"

namespace likeness::raster {
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

template <typename T>
inline Pixel<T> load_pixel(const T* normal) {
  Pixel<T> px;
  const T x = normal[0], y = normal[1], z = normal[2];
  const T len = std::sqrt(x * x + y * y + z * z);
  px.clamped = !(len >= T(kMinLength));
  px.inv_len = px.clamped ? T(1.0 / kMinLength) : T(1) / len;
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

template <typename T>
void forward(const ShadeParams<T>& p) {
  for_blocks(p, [&](std::int64_t, std::int64_t b, std::int64_t e, const T* L) {
    for (std::int64_t i = b; i < e; ++i) {
      T* out = p.out + i * 3;
      if (!coverage(p, i)) {
        out[0] = out[1] = out[2] = T(0);
        continue;
      }
      const Pixel<T> px = load_pixel(p.normals + i * 3);
      for (int c = 0; c < 3; ++c) {
        T e_c = 0;
        for (int k = 0; k < 9; ++k) e_c += L[c * 9 + k] * px.basis[k];
        out[c] = p.albedo[i * 3 + c] * e_c;
      }
    }
  });
}

template <typename T>
void backward(const ShadeParams<T>& p) {
  const std::int64_t blocks = block_count(p);
  std::vector<double> partial(p.grad_sh ? std::size_t(blocks) * 27 : 0, 0.0);
  for_blocks(p, [&](std::int64_t block, std::int64_t b, std::int64_t e, const T* L) {
    double* sums = p.grad_sh ? partial.data() + block * 27 : nullptr;
    for (std::int64_t i = b; i < e; ++i) {
      const bool covered = coverage(p, i);
      const T* g = p.grad_out + i * 3;
      if (!covered || (g[0] == T(0) && g[1] == T(0) && g[2] == T(0))) {
        if (p.grad_albedo)
          for (int c = 0; c < 3; ++c) p.grad_albedo[i * 3 + c] = T(0);
        if (p.grad_normals)
          for (int c = 0; c < 3; ++c) p.grad_normals[i * 3 + c] = T(0);
        continue;
      }
      const Pixel<T> px = load_pixel(p.normals + i * 3);
      T w[3];  // d loss / d E_c
      for (int c = 0; c < 3; ++c) {
        w[c] = g[c] * p.albedo[i * 3 + c];
        if (p.grad_albedo) {
          T e_c = 0;
          for (int k = 0; k < 9; ++k) e_c += L[c * 9 + k] * px.basis[k];
          p.grad_albedo[i * 3 + c] = g[c] * e_c;
        }
      }
      if (p.grad_normals) {
        // d E_c / d n from the basis, then through the normalization.
        constexpr T k1 = T(2.0 * kShC1), k2 = T(2.0 * kShC2), k3 = T(2.0 * kShC3);
        T gn[3] = {0, 0, 0};
        const T x = px.n[0], y = px.n[1], z = px.n[2];
        for (int c = 0; c < 3; ++c) {
          const T* l = L + c * 9;
          const T dx = k2 * l[3] + k1 * (y * l[4] + z * l[7] + x * l[8]);
          const T dy = k2 * l[1] + k1 * (x * l[4] + z * l[5] - y * l[8]);
          const T dz = k2 * l[2] + k1 * (y * l[5] + x * l[7]) + k3 * z * l[6];
          gn[0] += w[c] * dx;
          gn[1] += w[c] * dy;
          gn[2] += w[c] * dz;
        }
        const T radial = px.clamped ? T(0) : gn[0] * x + gn[1] * y + gn[2] * z;
        for (int k = 0; k < 3; ++k) p.grad_normals[i * 3 + k] = (gn[k] - radial * px.n[k]) * px.inv_len;
      }
      if (sums)
        for (int c = 0; c < 3; ++c)
          for (int k = 0; k < 9; ++k) sums[c * 9 + k] += double(w[c]) * double(px.basis[k]);
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

}  // namespace likeness::raster
