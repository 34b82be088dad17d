// Mip pyramids on the CPU: an area-weighted box filter per level (exactly 2x2 averaging for even
// sizes, fractional footprints for odd ones) and its transpose for the backward pass.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/raster/channel_dispatch.h"
#include "engine/raster/cpu_parallel.h"
#include "engine/raster/texture_params.h"
#include "engine/raster/kernel_isa.h"  // last: what follows is compiled per instruction set

namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS {
namespace {

/// Source taps of each output texel along one axis, n -> m texels.
struct AxisTaps {
  std::vector<int> begin;  // m + 1
  std::vector<int> index;
  std::vector<double> weight;
};

AxisTaps axis_taps(int n, int m) {
  AxisTaps taps;
  taps.begin.push_back(0);
  const double scale = double(n) / m;
  for (int i = 0; i < m; ++i) {
    const double a = i * scale, b = (i + 1) * scale;
    for (int s = static_cast<int>(std::floor(a)); s < n && s < b; ++s) {
      const double overlap = std::min<double>(b, s + 1) - std::max<double>(a, s);
      if (overlap <= 1e-12) continue;
      taps.index.push_back(s);
      taps.weight.push_back(overlap / scale);
    }
    taps.begin.push_back(static_cast<int>(taps.index.size()));
  }
  return taps;
}

/// Output rows per parallel block: at least about 16k elements, so the small levels of a pyramid
/// run on the calling thread instead of paying for a parallel region each.
std::int64_t row_grain(int width, int channels) {
  return std::max<std::int64_t>(1, 16384 / (std::int64_t(width) * channels));
}

template <typename T>
T* level_ptr(T* tex, T* mip, const MipLayout& layout, int level) {
  return level == 0 ? tex : mip + layout.offset[level];
}

/// One output row of an exact halving: the plain 2x2 average (the same sums as the general path
/// in build()). CC: the channel count when known at compile time, 0 for any.
template <typename T, int CC>
void halve_row(const T* s0, const T* s1, T* dst, int w, int channels) {
  const int C = CC ? CC : channels;
  for (int x = 0; x < w; ++x, dst += C, s0 += 2 * C, s1 += 2 * C)
    for (int c = 0; c < C; ++c)
      dst[c] = T(((0.25 * double(s0[c]) + 0.25 * double(s0[c + C])) + 0.25 * double(s1[c])) +
                 0.25 * double(s1[c + C]));
}

/// Float textures: the 2x2 average in float, (top-left + bottom-left) + (top-right + bottom-right)
/// scaled by 1/4 (within a float rounding or two of the double sums above), four floats at a time.
template <int CC>
void halve_row_float(const float* s0, const float* s1, float* dst, int w, int channels) {
  const int C = CC ? CC : channels;
  int x = 0;
#if defined(__SSE2__)
  if (C == 3 || C == 4) {
    // dst[C x + c] = (t[2 C x + c] + t[2 C x + C + c]) / 4 with t = s0 + s1; each step stores four
    // floats, the fourth (C = 3) overwritten by the next step, so the last texel is left to the
    // scalar loop below.
    const __m128 quarter = _mm_set1_ps(0.25f);
    for (; x + 1 < w; ++x) {
      const int i = 2 * C * x;
      const __m128 a = _mm_add_ps(_mm_loadu_ps(s0 + i), _mm_loadu_ps(s1 + i));
      const __m128 b = _mm_add_ps(_mm_loadu_ps(s0 + i + C), _mm_loadu_ps(s1 + i + C));
      _mm_storeu_ps(dst + C * x, _mm_mul_ps(_mm_add_ps(a, b), quarter));
    }
  } else if (C == 1) {
    // Pairs of texels: (s0[2x] + s1[2x]) + (s0[2x + 1] + s1[2x + 1]), four outputs per step.
    const __m128 quarter = _mm_set1_ps(0.25f);
    for (; x + 4 <= w; x += 4) {
      const __m128 t0 = _mm_add_ps(_mm_loadu_ps(s0 + 2 * x), _mm_loadu_ps(s1 + 2 * x));
      const __m128 t1 = _mm_add_ps(_mm_loadu_ps(s0 + 2 * x + 4), _mm_loadu_ps(s1 + 2 * x + 4));
      const __m128 even = _mm_shuffle_ps(t0, t1, _MM_SHUFFLE(2, 0, 2, 0));
      const __m128 odd = _mm_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 1, 3, 1));
      _mm_storeu_ps(dst + x, _mm_mul_ps(_mm_add_ps(even, odd), quarter));
    }
  }
#endif
  for (; x < w; ++x)
    for (int c = 0; c < C; ++c) {
      const int i = 2 * C * x + c;
      dst[C * x + c] = ((s0[i] + s1[i]) + (s0[i + C] + s1[i + C])) * 0.25f;
    }
}

template <typename T>
void build(const T* tex, T* mip, const MipLayout& layout, int images, int channels, const unsigned char* used) {
  const int C = channels;
  void (*halve)(const T*, const T*, T*, int, int) = nullptr;
  cpu::with_channels<1, 3, 4>(C, [&](auto cc) {
    if constexpr (std::is_same_v<T, float>)
      halve = &halve_row_float<decltype(cc)::value>;
    else
      halve = &halve_row<T, decltype(cc)::value>;
  });
  for (int l = 1; l < layout.levels; ++l) {
    const int sw = layout.width[l - 1], sh = layout.height[l - 1];
    const int w = layout.width[l], h = layout.height[l];
    const AxisTaps tx = axis_taps(sw, w), ty = axis_taps(sh, h);
    const T* src_level = l == 1 ? tex : mip + layout.offset[l - 1];
    T* dst_level = mip + layout.offset[l];
    if (sw == 2 * w && sh == 2 * h) {
      // Exact halving: the plain 2x2 average (the same sums as the general path below).
      cpu::parallel_blocks(std::int64_t(images) * h, row_grain(w, C), [&](std::int64_t r0, std::int64_t r1, int) {
        for (std::int64_t r = r0; r < r1; ++r) {
          const std::int64_t image = r / h;
          const int y = static_cast<int>(r % h);
          T* dst = dst_level + (image * h + y) * std::int64_t(w) * C;
          if (used && !used[image]) {
            std::fill(dst, dst + std::int64_t(w) * C, T(0));
            continue;
          }
          const T* s0 = src_level + (image * sh + 2 * y) * std::int64_t(sw) * C;
          halve(s0, s0 + std::int64_t(sw) * C, dst, w, C);
        }
      });
      continue;
    }
    cpu::parallel_blocks(std::int64_t(images) * h, row_grain(w, C), [&](std::int64_t r0, std::int64_t r1, int) {
      std::vector<double> acc(static_cast<std::size_t>(w) * C);
      for (std::int64_t r = r0; r < r1; ++r) {
        const std::int64_t image = r / h;
        const int y = static_cast<int>(r % h);
        const T* src = src_level + image * sh * sw * C;
        std::fill(acc.begin(), acc.end(), 0.0);
        if (used && !used[image]) {
          std::fill(dst_level + (image * h + y) * std::int64_t(w) * C, dst_level + (image * h + y + 1) * std::int64_t(w) * C,
                    T(0));
          continue;
        }
        for (int ky = ty.begin[y]; ky < ty.begin[y + 1]; ++ky) {
          const T* srow = src + std::int64_t(ty.index[ky]) * sw * C;
          const double wy = ty.weight[ky];
          for (int x = 0; x < w; ++x)
            for (int kx = tx.begin[x]; kx < tx.begin[x + 1]; ++kx) {
              const double wxy = wy * tx.weight[kx];
              const T* s = srow + std::int64_t(tx.index[kx]) * C;
              for (int c = 0; c < C; ++c) acc[std::size_t(x) * C + c] += wxy * double(s[c]);
            }
        }
        T* dst = dst_level + (image * h + y) * std::int64_t(w) * C;
        for (std::size_t i = 0; i < acc.size(); ++i) dst[i] = T(acc[i]);
      }
    });
  }
}

template <typename T>
void build_backward(T* grad_tex, T* grad_mip, const MipLayout& layout, int images, int channels) {
  const int C = channels;
  for (int l = layout.levels - 1; l >= 1; --l) {
    const int sw = layout.width[l - 1], sh = layout.height[l - 1];
    const int w = layout.width[l], h = layout.height[l];
    const AxisTaps tx = axis_taps(sw, w), ty = axis_taps(sh, h);
    T* src_grad = level_ptr(grad_tex, grad_mip, layout, l - 1);
    const T* dst_grad = grad_mip + layout.offset[l];
    if (sw == 2 * w && sh == 2 * h) {
      // Exact halving: every source texel receives a quarter of one output texel's gradient.
      cpu::parallel_blocks(std::int64_t(images) * h, row_grain(w, C), [&](std::int64_t r0, std::int64_t r1, int) {
        for (std::int64_t r = r0; r < r1; ++r) {
          const std::int64_t image = r / h;
          const int y = static_cast<int>(r % h);
          const T* g = dst_grad + (image * h + y) * std::int64_t(w) * C;
          T* s0 = src_grad + (image * sh + 2 * y) * std::int64_t(sw) * C;
          T* s1 = s0 + std::int64_t(sw) * C;
          for (int x = 0; x < w; ++x, g += C, s0 += 2 * C, s1 += 2 * C)
            for (int c = 0; c < C; ++c) {
              const T q = T(0.25) * g[c];
              s0[c] += q;
              s0[c + C] += q;
              s1[c] += q;
              s1[c + C] += q;
            }
        }
      });
      continue;
    }
    // Output rows y and y + 2 never share source rows, so even rows then odd rows run race-free.
    for (int parity = 0; parity < 2; ++parity) {
      const int rows = (h - parity + 1) / 2;
      cpu::parallel_blocks(std::int64_t(images) * rows, row_grain(w, C), [&](std::int64_t r0, std::int64_t r1, int) {
        for (std::int64_t r = r0; r < r1; ++r) {
          const std::int64_t image = r / rows;
          const int y = static_cast<int>(r % rows) * 2 + parity;
          const T* g = dst_grad + (image * h + y) * std::int64_t(w) * C;
          T* src = src_grad + image * sh * sw * C;
          for (int ky = ty.begin[y]; ky < ty.begin[y + 1]; ++ky) {
            T* srow = src + std::int64_t(ty.index[ky]) * sw * C;
            const double wy = ty.weight[ky];
            for (int x = 0; x < w; ++x)
              for (int kx = tx.begin[x]; kx < tx.begin[x + 1]; ++kx) {
                const T wxy = T(wy * tx.weight[kx]);
                T* s = srow + std::int64_t(tx.index[kx]) * C;
                for (int c = 0; c < C; ++c) s[c] += wxy * g[std::int64_t(x) * C + c];
              }
          }
        }
      });
    }
  }
}

}  // namespace

void texture_build_mips_cpu(const float* tex, float* mip, const MipLayout& layout, int images, int channels,
                            const unsigned char* used) {
  build(tex, mip, layout, images, channels, used);
}
void texture_build_mips_cpu(const double* tex, double* mip, const MipLayout& layout, int images, int channels,
                            const unsigned char* used) {
  build(tex, mip, layout, images, channels, used);
}
void texture_mips_backward_cpu(float* grad_tex, float* grad_mip, const MipLayout& layout, int images, int channels) {
  build_backward(grad_tex, grad_mip, layout, images, channels);
}
void texture_mips_backward_cpu(double* grad_tex, double* grad_mip, const MipLayout& layout, int images,
                               int channels) {
  build_backward(grad_tex, grad_mip, layout, images, channels);
}

}  // namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS
