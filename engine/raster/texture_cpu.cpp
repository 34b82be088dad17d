// Texture sampling on the CPU: nearest, bilinear and mip-mapped filters over UDIM tile stacks,
// with gradients to texels (per-worker scatter buffers, then down the pyramid), to uvs and to the
// uv derivatives that choose the mip level.
//
// Two paths: the general one (any filter, boundary and channel count, double arithmetic, pixel
// by pixel) and a fast one for the common case (bilinear or mip-mapped filters, wrap or clamp,
// 1, 3 or 4 channels) in the texture's own precision, which plans a chunk of pixels at a time
// (vectorised on power-of-two textures), prefetches their texels and then samples or scatters.
// Pixels the fast path does not take (non-finite or huge uvs, extreme derivatives) go through
// the general one.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "engine/raster/channel_dispatch.h"
#include "engine/raster/cpu_parallel.h"
#include "engine/raster/texture_params.h"
#include "engine/raster/kernel_isa.h"  // last: what follows is compiled per instruction set

namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS {
namespace {

constexpr double kLn2 = 0.69314718055994530942;

/// Texel index along an axis under the boundary mode, or -1 for "reads zero".
std::int64_t resolve_index(double i, int n, TextureBoundary boundary) {
  switch (boundary) {
    case TextureBoundary::Wrap: {
      const double r = i - n * std::floor(i / n);
      const std::int64_t k = static_cast<std::int64_t>(r);
      return k >= n ? n - 1 : (k < 0 ? 0 : k);
    }
    case TextureBoundary::Clamp:
      return static_cast<std::int64_t>(std::clamp(i, 0.0, double(n - 1)));
    default:
      return (i < 0.0 || i > n - 1) ? -1 : static_cast<std::int64_t>(i);
  }
}

/// The two texel indices i0 = floor(x) and i0 + 1 under the boundary mode (the integer fast path
/// of resolve_index for the common case of a coordinate within 2^40 texels).
inline void resolve_pair(double x0, int n, TextureBoundary boundary, std::int64_t out[2]) {
  if (!(std::fabs(x0) < 1099511627776.0)) {
    out[0] = resolve_index(x0, n, boundary);
    out[1] = resolve_index(x0 + 1, n, boundary);
    return;
  }
  const std::int64_t i = static_cast<std::int64_t>(x0);
  switch (boundary) {
    case TextureBoundary::Wrap: {
      std::int64_t r = i % n;
      if (r < 0) r += n;
      out[0] = r;
      out[1] = r + 1 == n ? 0 : r + 1;
      return;
    }
    case TextureBoundary::Clamp:
      out[0] = i < 0 ? 0 : (i > n - 1 ? n - 1 : i);
      out[1] = i + 1 < 0 ? 0 : (i + 1 > n - 1 ? n - 1 : i + 1);
      return;
    default:
      out[0] = (i < 0 || i > n - 1) ? -1 : i;
      out[1] = (i + 1 < 0 || i + 1 > n - 1) ? -1 : i + 1;
      return;
  }
}

/// A bilinear (or nearest) footprint on one level image.
struct Footprint {
  std::int64_t offset[4];  // element offsets of the texels in the level image, -1 = zero
  std::int64_t row[2];     // texel rows of taps 0, 1 and of taps 2, 3 (-1: reads zero)
  double weight[4];
  double fx = 0, fy = 0;
  int taps = 4;
};

[[gnu::always_inline]] inline Footprint bilinear(double ul, double v, int w, int h, int channels, TextureBoundary boundary) {
  Footprint f;
  const double x = ul * w - 0.5, y = (1.0 - v) * h - 0.5;
  const double x0 = std::floor(x), y0 = std::floor(y);
  f.fx = x - x0;
  f.fy = y - y0;
  std::int64_t xi[2], yi[2];
  resolve_pair(x0, w, boundary, xi);
  resolve_pair(y0, h, boundary, yi);
  f.row[0] = yi[0];
  f.row[1] = yi[1];
  for (int k = 0; k < 4; ++k) {
    const std::int64_t tx = xi[k & 1], ty = yi[k >> 1];
    f.offset[k] = (tx < 0 || ty < 0) ? -1 : (ty * w + tx) * channels;
  }
  f.weight[0] = (1 - f.fx) * (1 - f.fy);
  f.weight[1] = f.fx * (1 - f.fy);
  f.weight[2] = (1 - f.fx) * f.fy;
  f.weight[3] = f.fx * f.fy;
  return f;
}

Footprint nearest(double ul, double v, int w, int h, int channels, TextureBoundary boundary) {
  Footprint f;
  f.taps = 1;
  const std::int64_t tx = resolve_index(std::floor(ul * w), w, boundary);
  const std::int64_t ty = resolve_index(std::floor((1.0 - v) * h), h, boundary);
  f.offset[0] = (tx < 0 || ty < 0) ? -1 : (ty * w + tx) * channels;
  f.row[0] = ty;
  f.row[1] = -1;
  f.weight[0] = 1.0;
  return f;
}

/// Everything one pixel's sample needs: its tile, local u, and the levels with their weights.
struct PixelSample {
  bool valid = false;
  int tile = 0;
  double ul = 0, v = 0;
  int level[2] = {0, 0};
  double level_weight[2] = {1, 0};
  int level_count = 1;
  // Mip level bookkeeping for gradients.
  bool lod_active = false;  // trilinear blend with lod strictly between two levels
  double lambda = 0;        // largest eigenvalue of the texel-space Jacobian product
  double dx[2] = {0, 0}, dy[2] = {0, 0};
};

template <typename T>
struct Sampler {
  const TextureParams<T>& p;
  int tex_views;
  std::int64_t level0_image;  // elements of one level-0 image

  bool mipmapped() const {
    return p.filter == TextureFilter::LinearMipmapNearest || p.filter == TextureFilter::LinearMipmapLinear;
  }

  /// Offset of the level image of (view, tile) in the texture (level 0) or mip buffer.
  std::int64_t image_offset(int level, int view, int tile) const {
    const std::int64_t image = std::int64_t(p.tex_view_stride == 0 ? 0 : view) * p.tiles + tile;
    if (level == 0) return image * level0_image;
    return p.layout.offset[level] +
           image * std::int64_t(p.layout.width[level]) * p.layout.height[level] * p.channels;
  }

  [[gnu::always_inline]] PixelSample setup(std::int64_t pix) const {
    PixelSample s;
    const double u = double(p.uv[pix * 2]), v = double(p.uv[pix * 2 + 1]);
    if (!std::isfinite(u) || !std::isfinite(v)) return s;
    if (p.tiles > 1) {
      const double tile = std::floor(u);
      if (tile < 0 || tile >= p.tiles) return s;
      s.tile = static_cast<int>(tile);
      s.ul = u - tile;
    } else {
      s.ul = u;
    }
    s.v = v;
    s.valid = true;
    if (!mipmapped() || p.layout.levels <= 1) return s;

    double lod = 0.0;
    if (p.uv_da) {
      const T* d = p.uv_da + pix * 4;
      s.dx[0] = double(d[0]) * p.tex_width;
      s.dx[1] = double(d[2]) * p.tex_height;
      s.dy[0] = double(d[1]) * p.tex_width;
      s.dy[1] = double(d[3]) * p.tex_height;
      const double a = s.dx[0] * s.dx[0] + s.dx[1] * s.dx[1];
      const double c = s.dy[0] * s.dy[0] + s.dy[1] * s.dy[1];
      const double b = s.dx[0] * s.dy[0] + s.dx[1] * s.dy[1];
      s.lambda = 0.5 * (a + c) + std::sqrt(0.25 * (a - c) * (a - c) + b * b);
      lod = s.lambda > 0.0 ? 0.5 * std::log2(s.lambda) : -1e30;
    }
    if (p.lod_bias) lod += double(p.lod_bias[pix]);
    if (!std::isfinite(lod)) lod = lod > 0 ? 1e30 : -1e30;
    const int top = p.layout.levels - 1;
    if (p.filter == TextureFilter::LinearMipmapNearest) {
      s.level[0] = static_cast<int>(std::clamp(std::floor(lod + 0.5), 0.0, double(top)));
      return s;
    }
    if (lod <= 0.0) return s;
    if (lod >= top) {
      s.level[0] = top;
      return s;
    }
    const double l0 = std::floor(lod);
    s.level[0] = static_cast<int>(l0);
    s.level[1] = s.level[0] + 1;
    s.level_weight[1] = lod - l0;
    s.level_weight[0] = 1.0 - s.level_weight[1];
    s.level_count = 2;
    s.lod_active = p.uv_da != nullptr || p.lod_bias != nullptr;
    return s;
  }

  [[gnu::always_inline]] Footprint footprint(const PixelSample& s, int level) const {
    const int w = p.layout.width[level], h = p.layout.height[level];
    return p.filter == TextureFilter::Nearest ? nearest(s.ul, s.v, w, h, p.channels, p.boundary)
                                              : bilinear(s.ul, s.v, w, h, p.channels, p.boundary);
  }

  const T* level_data(int level) const { return level == 0 ? p.tex : p.mip; }
};

/// One pixel of the general forward path. CC: the channel count when known at compile time
/// (1, 3, 4), 0 for any.
template <typename T, int CC>
[[gnu::always_inline]] inline void forward_pixel(const Sampler<T>& sampler, int C, int view, std::int64_t pix) {
  const TextureParams<T>& p = sampler.p;
  T* out = p.out + pix * C;
  // With a known channel count the sum stays in registers (out may not alias the texels).
  T local[CC ? CC : 1] = {};
  T* acc = CC ? local : out;
  if (!CC) std::memset(static_cast<void*>(out), 0, sizeof(T) * C);
  const PixelSample s = sampler.setup(pix);
  if (s.valid) {
    for (int k = 0; k < s.level_count; ++k) {
      const int level = s.level[k];
      const T* img = sampler.level_data(level) + sampler.image_offset(level, view, s.tile);
      const Footprint f = sampler.footprint(s, level);
      for (int t = 0; t < f.taps; ++t) {
        if (f.offset[t] < 0) continue;
        const T w = T(f.weight[t] * s.level_weight[k]);
        const T* texel = img + f.offset[t];
        for (int c = 0; c < C; ++c) acc[c] += w * texel[c];
      }
    }
  }
  if (CC)
    for (int c = 0; c < C; ++c) out[c] = acc[c];
}

template <typename T, int CC>
void forward_general(const TextureParams<T>& p) {
  const int C = CC ? CC : p.channels;
  Sampler<T> sampler{p, p.tex_view_stride == 0 ? 1 : p.views, std::int64_t(p.tex_height) * p.tex_width * C};
  cpu::parallel_blocks(std::int64_t(p.views) * p.height, 4, [&](std::int64_t row0, std::int64_t row1, int) {
    for (std::int64_t row = row0; row < row1; ++row) {
      const int view = static_cast<int>(row / p.height);
      for (int x = 0; x < p.width; ++x) forward_pixel<T, CC>(sampler, C, view, row * p.width + x);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Fast path: bilinear and mip-mapped filters with wrap or clamp, a known channel count, in the
// texture's own precision (R = T: float arithmetic for float textures). Pixels it does not take
// (non-finite or very large coordinates, extreme uv derivatives) go through the general path.

/// Level images of the pyramid: base pointers and sizes.
template <typename T>
struct FastLevels {
  int levels = 1;
  int top = 0;  // deepest level the filter may use
  int w[kMaxMipLevels] = {}, h[kMaxMipLevels] = {};
  std::ptrdiff_t row_elems[kMaxMipLevels] = {}, image_elems[kMaxMipLevels] = {};
  const T* data[kMaxMipLevels] = {};
};

template <typename T>
FastLevels<T> fast_levels(const TextureParams<T>& p, int C, bool mips) {
  FastLevels<T> L;
  L.levels = mips ? p.layout.levels : 1;
  L.top = L.levels - 1;
  for (int l = 0; l < L.levels; ++l) {
    L.w[l] = p.layout.width[l];
    L.h[l] = p.layout.height[l];
    L.row_elems[l] = std::ptrdiff_t(L.w[l]) * C;
    L.image_elems[l] = L.row_elems[l] * L.h[l];
    L.data[l] = l == 0 ? p.tex : p.mip + p.layout.offset[l];
  }
  return L;
}

/// A pixel's sample on the fast path.
template <typename R>
struct FastSample {
  std::ptrdiff_t image = 0;  // view * tiles + tile
  R ul = 0, v = 0;
  int level[2] = {0, 0};
  R lw[2] = {1, 0};
  int count = 1;
  bool lod_active = false;
  R lambda = 0, dx0 = 0, dx1 = 0, dy0 = 0, dy1 = 0;
};

enum FastStatus { kFastZero, kFastSample, kFastGeneral };

/// floor(x) for |x| < 2^30 (SSE2 has no rounding instruction; std::floor is a library call).
template <typename R>
[[gnu::always_inline]] inline int floor_int(R x) {
  const int i = static_cast<int>(x);
  return i - (x < R(i) ? 1 : 0);
}

/// log2 of a positive normal float to about 1e-7: exponent and mantissa m in [sqrt(1/2), sqrt(2)),
/// log2(m) = 2 atanh(s) / ln 2 with s = (m - 1) / (m + 1), |s| < 0.172, to the s^7 term (the
/// next is below 5e-8). Doubles use std::log2.
inline float fast_log2(float x) {
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  // Mantissa bits above sqrt(2)'s move to the next exponent.
  const std::uint32_t shifted = bits + (0x3f800000u - 0x3f3504f3u);
  const int e = static_cast<int>(shifted >> 23) - 127;
  const std::uint32_t mbits = (shifted & 0x007fffffu) + 0x3f3504f3u;
  float m;
  std::memcpy(&m, &mbits, sizeof m);
  const float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
  const float series = s * (2.0f + s2 * (2.0f / 3 + s2 * (2.0f / 5 + s2 * (2.0f / 7))));
  return float(e) + series * 1.44269504088896340736f;
}
inline double fast_log2(double x) { return std::log2(x); }

template <typename T, typename R>
struct FastSetup {
  const TextureParams<T>& p;
  const FastLevels<T>& L;
  bool mips;
  bool trilinear;
  R limit;  // |u|, |v| below this keep every texel coordinate below 2^22 on level 0
  R tex_w, tex_h;

  FastSetup(const TextureParams<T>& params, const FastLevels<T>& levels, bool mipmapped)
      : p(params), L(levels), mips(mipmapped), trilinear(params.filter == TextureFilter::LinearMipmapLinear),
        limit(R(double(1 << 22) / std::max(params.tex_width, params.tex_height))),
        tex_w(R(params.tex_width)), tex_h(R(params.tex_height)) {}

  [[gnu::always_inline]] FastStatus operator()(std::int64_t pix, int view, FastSample<R>& s) const {
    const R u = R(p.uv[pix * 2]), v = R(p.uv[pix * 2 + 1]);
    s.count = 1;
    s.level[0] = 0;
    s.lw[0] = R(1);
    s.lod_active = false;
    if (!(std::fabs(u) < limit) || !(std::fabs(v) < limit)) return kFastGeneral;  // also NaN, inf
    int tile = 0;
    R ul = u;
    if (p.tiles > 1) {
      tile = floor_int(u);
      if (tile < 0 || tile >= p.tiles) return kFastZero;
      ul = u - R(tile);
    }
    s.image = std::ptrdiff_t(p.tex_view_stride == 0 ? 0 : view) * p.tiles + tile;
    s.ul = ul;
    s.v = v;
    if (!mips) return kFastSample;
    R lod = 0;
    if (p.uv_da) {
      const T* d = p.uv_da + pix * 4;
      s.dx0 = R(d[0]) * tex_w;
      s.dx1 = R(d[2]) * tex_h;
      s.dy0 = R(d[1]) * tex_w;
      s.dy1 = R(d[3]) * tex_h;
      const R a = s.dx0 * s.dx0 + s.dx1 * s.dx1;
      const R c = s.dy0 * s.dy0 + s.dy1 * s.dy1;
      const R b = s.dx0 * s.dy0 + s.dx1 * s.dy1;
      s.lambda = R(0.5) * (a + c) + std::sqrt(R(0.25) * (a - c) * (a - c) + b * b);
      if (s.lambda == R(0) && !p.lod_bias) return kFastSample;  // zero derivatives: level 0
      // Underflow, overflow and NaN (rare): the general path, in double precision.
      if (!(s.lambda > R(1e-30)) || !(s.lambda < R(1e30))) return kFastGeneral;
      lod = R(0.5) * fast_log2(s.lambda);
    }
    if (p.lod_bias) {
      lod += R(p.lod_bias[pix]);
      if (!(std::fabs(lod) < R(1e6))) return kFastGeneral;
    }
    if (!trilinear) {
      const R l = std::floor(lod + R(0.5));
      s.level[0] = l <= R(0) ? 0 : (l >= R(L.top) ? L.top : static_cast<int>(l));
      return kFastSample;
    }
    if (lod <= R(0)) return kFastSample;
    if (lod >= R(L.top)) {
      s.level[0] = L.top;
      return kFastSample;
    }
    const int l0 = static_cast<int>(lod);  // lod > 0
    s.level[0] = l0;
    s.level[1] = l0 + 1;
    s.lw[1] = lod - R(l0);
    s.lw[0] = R(1) - s.lw[1];
    s.count = 2;
    s.lod_active = p.uv_da != nullptr || p.lod_bias != nullptr;
    return kFastSample;
  }
};

/// A bilinear footprint: texel columns x0, x1 and rows y0, y1 of its taps, and the fractions.
template <typename R>
struct FastFootprint {
  int x0, x1, y0, y1;
  R fx, fy;
};

/// i modulo n in 0..n-1, without a division for i in -1..n-1 (the taps of the wrapped edge).
[[gnu::always_inline]] inline int wrap_index(int i, int n) {
  if (static_cast<unsigned>(i) < static_cast<unsigned>(n)) return i;
  if (i == -1) return n - 1;
  const int r = i % n;
  return r < 0 ? r + n : r;
}

template <bool Wrap, typename T, typename R>
[[gnu::always_inline]] inline void fast_footprint(const FastLevels<T>& L, int level, R ul, R v, FastFootprint<R>& f) {
  const int w = L.w[level], h = L.h[level];
  const R x = ul * R(w) - R(0.5), y = (R(1) - v) * R(h) - R(0.5);
  const int xi = floor_int(x), yi = floor_int(y);
  f.fx = x - R(xi);
  f.fy = y - R(yi);
  if (Wrap) {
    f.x0 = wrap_index(xi, w);
    f.x1 = f.x0 + 1 == w ? 0 : f.x0 + 1;
    f.y0 = wrap_index(yi, h);
    f.y1 = f.y0 + 1 == h ? 0 : f.y0 + 1;
  } else {
    f.x0 = std::min(std::max(xi, 0), w - 1);
    f.x1 = std::min(std::max(xi + 1, 0), w - 1);
    f.y0 = std::min(std::max(yi, 0), h - 1);
    f.y1 = std::min(std::max(yi + 1, 0), h - 1);
  }
}

/// Pixels are planned in chunks, their texels prefetched, then sampled: the texel loads (mostly
/// cache misses on a large texture) of a whole chunk are in flight at once. The plan is a
/// structure of arrays, so that its arithmetic vectorises over pixels (plan_chunk_simd).
constexpr int kChunk = 32;

template <typename R>
struct ChunkPlan {
  // Integers as wide as R, for the vector passes of plan_chunk_simd.
  using IR = std::conditional_t<sizeof(R) == 4, std::int32_t, std::int64_t>;
  IR status[kChunk];  // FastStatus
  IR image[kChunk];   // view * tiles + tile
  IR count[kChunk];   // levels sampled (1 or 2)
  IR lod_active[kChunk];
  IR level[2][kChunk];
  R lw[2][kChunk];
  R fx[2][kChunk], fy[2][kChunk];
  IR x0[2][kChunk], x1[2][kChunk], y0[2][kChunk], y1[2][kChunk];
  R gda[4][kChunk];  // backward: d(lod)/d(uv_da) of lod_active pixels with uv derivatives
  // From ChunkPlanner::plan: element offset of tap 00 in the level buffer, of taps 10 and 01 from it.
  std::ptrdiff_t off[2][kChunk], dx[2][kChunk], dy[2][kChunk];
  // Scratch of plan_chunk_simd: u and v, then the local u; uv derivatives; mip bias.
  R ul[kChunk], v[kChunk], da[4][kChunk], bias[kChunk];
};

/// d(lod)/d(uv_da) for lod = log2(lambda) / 2, lambda the largest eigenvalue of J^T J
/// (lambda > 0), J the texel-space Jacobian (dx0 dy0; dx1 dy1).
template <typename R>
[[gnu::always_inline]] inline void lod_gradient(R dx0, R dx1, R dy0, R dy1, R lambda, R tex_w, R tex_h, R* g0, R* g1,
                                                R* g2, R* g3) {
  const R a = dx0 * dx0 + dx1 * dx1;
  const R c = dy0 * dy0 + dy1 * dy1;
  const R b = dx0 * dy0 + dx1 * dy1;
  const R r = std::sqrt(R(0.25) * (a - c) * (a - c) + b * b);
  const R rs = r > R(0) ? r : R(1);
  const R h = r > R(0) ? R(0.25) * (a - c) / rs : R(0);
  const R dla = R(0.5) + h, dlc = R(0.5) - h;
  const R dlb = r > R(0) ? b / rs : R(0);
  const R G = R(0.5 / kLn2) / lambda;
  *g0 = G * (dla * 2 * dx0 + dlb * dy0) * tex_w;
  *g1 = G * (dlc * 2 * dy0 + dlb * dx0) * tex_w;
  *g2 = G * (dla * 2 * dx1 + dlb * dy1) * tex_h;
  *g3 = G * (dlc * 2 * dy1 + dlb * dx1) * tex_h;
}

/// The plan of one pixel through FastSetup (any pyramid, any filter of the fast path).
template <typename T, typename R, bool Wrap, bool Grad>
[[gnu::always_inline]] inline void plan_pixel(const FastSetup<T, R>& setup, const FastLevels<T>& L, std::int64_t pix,
                                              int view, ChunkPlan<R>& q, int i) {
  FastSample<R> s;
  const FastStatus status = setup(pix, view, s);
  q.status[i] = status;
  if (status != kFastSample) return;
  q.image[i] = static_cast<int>(s.image);
  q.count[i] = s.count;
  q.lod_active[i] = s.lod_active;
  for (int k = 0; k < s.count; ++k) {
    FastFootprint<R> f;
    fast_footprint<Wrap>(L, s.level[k], s.ul, s.v, f);
    q.level[k][i] = s.level[k];
    q.lw[k][i] = s.lw[k];
    q.fx[k][i] = f.fx;
    q.fy[k][i] = f.fy;
    q.x0[k][i] = f.x0;
    q.x1[k][i] = f.x1;
    q.y0[k][i] = f.y0;
    q.y1[k][i] = f.y1;
  }
  if (Grad && s.lod_active && setup.p.uv_da)
    lod_gradient(s.dx0, s.dx1, s.dy0, s.dy1, s.lambda, setup.tex_w, setup.tex_h, &q.gda[0][i], &q.gda[1][i],
                 &q.gda[2][i], &q.gda[3][i]);
}

/// GCC/Clang vector extensions as wide as the instruction set's registers (kernel_isa.h: SSE2's
/// four floats or two doubles at the baseline, twice that with AVX2, four times with AVX-512),
/// with the integers of the same width.
template <typename R>
struct Vec;
template <>
struct Vec<float> {
  typedef float V __attribute__((vector_size(LIKENESS_RASTER_VECTOR_BYTES)));
  typedef std::int32_t I __attribute__((vector_size(LIKENESS_RASTER_VECTOR_BYTES)));
  static constexpr int kLanes = LIKENESS_RASTER_VECTOR_BYTES / 4, kMantissa = 23, kBias = 127;
};
template <>
struct Vec<double> {
  typedef double V __attribute__((vector_size(LIKENESS_RASTER_VECTOR_BYTES)));
  typedef std::int64_t I __attribute__((vector_size(LIKENESS_RASTER_VECTOR_BYTES)));
  static constexpr int kLanes = LIKENESS_RASTER_VECTOR_BYTES / 8, kMantissa = 52, kBias = 1023;
};
static_assert(kChunk % Vec<float>::kLanes == 0, "a chunk is whole vectors");

/// floor for lanes below 2^22 in magnitude (SSE2 has no rounding instruction).
template <typename R>
[[gnu::always_inline]] inline typename Vec<R>::V floor_vec(typename Vec<R>::V x) {
  using V = typename Vec<R>::V;
  using I = typename Vec<R>::I;
  const V t = __builtin_convertvector(__builtin_convertvector(x, I), V);
  return x < t ? t - R(1) : t;
}

/// Square roots lane by lane (correctly rounded at every width).
template <typename R>
[[gnu::always_inline]] inline typename Vec<R>::V sqrt_vec(typename Vec<R>::V x) {
  using V [[maybe_unused]] = typename Vec<R>::V;
  constexpr bool f = sizeof(R) == 4;
#if defined(__SSE2__) && LIKENESS_RASTER_VECTOR_BYTES == 64
  // Two 256-bit halves: GCC 12's 512-bit square-root intrinsics warn about their own undefined
  // pass-through operand.
  __m256 half[2];
  std::memcpy(half, &x, sizeof x);
  for (__m256& h : half)
    h = f ? _mm256_sqrt_ps(h) : reinterpret_cast<__m256>(_mm256_sqrt_pd(reinterpret_cast<__m256d>(h)));
  std::memcpy(&x, half, sizeof x);
  return x;
#elif defined(__SSE2__) && LIKENESS_RASTER_VECTOR_BYTES == 32
  if constexpr (f)
    return reinterpret_cast<V>(_mm256_sqrt_ps(reinterpret_cast<__m256>(x)));
  else
    return reinterpret_cast<V>(_mm256_sqrt_pd(reinterpret_cast<__m256d>(x)));
#elif defined(__SSE2__) && LIKENESS_RASTER_VECTOR_BYTES == 16
  if constexpr (f)
    return reinterpret_cast<V>(_mm_sqrt_ps(reinterpret_cast<__m128>(x)));
  else
    return reinterpret_cast<V>(_mm_sqrt_pd(reinterpret_cast<__m128d>(x)));
#else
  for (int i = 0; i < Vec<R>::kLanes; ++i) x[i] = std::sqrt(x[i]);
  return x;
#endif
}

/// fast_log2 lane by lane: the float bit manipulation four at a time, std::log2 for doubles.
template <typename R>
[[gnu::always_inline]] inline typename Vec<R>::V log2_vec(typename Vec<R>::V x) {
  using V = typename Vec<R>::V;
  using I = typename Vec<R>::I;
  if constexpr (sizeof(R) == 4) {
    const I shifted = reinterpret_cast<I>(x) + (0x3f800000 - 0x3f3504f3);
    const I e = (shifted >> 23) - 127;
    const V m = reinterpret_cast<V>((shifted & 0x007fffff) + 0x3f3504f3);
    const V s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
    const V series = s * (2.0f + s2 * (2.0f / 3 + s2 * (2.0f / 5 + s2 * (2.0f / 7))));
    return __builtin_convertvector(e, V) + series * 1.44269504088896340736f;
  } else {
    for (int i = 0; i < Vec<R>::kLanes; ++i) x[i] = std::log2(x[i]);
    return x;
  }
}

/// The plan of pixels pix0 .. pix0 + n - 1 on a power-of-two texture (level l is
/// max(1, W >> l) x max(1, H >> l)): the samples pixel by pixel through FastSetup, then the
/// footprints on their levels several pixels at a time. Same values as plan_pixel.
template <typename T, typename R, bool Wrap, bool Grad>
void plan_chunk_simd(const FastSetup<T, R>& setup, std::int64_t pix0, int n, int view, ChunkPlan<R>& q) {
  using V = typename Vec<R>::V;
  using I = typename Vec<R>::I;
  constexpr int N = Vec<R>::kLanes;
  const int lanes = (n + N - 1) / N * N;
  const TextureParams<T>& p = setup.p;
  const bool has_da = p.uv_da != nullptr, has_bias = p.lod_bias != nullptr;
  // The inputs in lanes (past n: zeros).
  const T* uv = p.uv + 2 * pix0;
  for (int i = 0; i < n; ++i) {
    q.ul[i] = R(uv[2 * i]);
    q.v[i] = R(uv[2 * i + 1]);
  }
  if (has_da) {
    const T* da = p.uv_da + 4 * pix0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < 4; ++j) q.da[j][i] = R(da[4 * i + j]);
  }
  if (has_bias)
    for (int i = 0; i < n; ++i) q.bias[i] = R(p.lod_bias[pix0 + i]);
  for (int i = n; i < lanes; ++i) {
    q.ul[i] = q.v[i] = q.bias[i] = R(0);
    for (int j = 0; j < 4; ++j) q.da[j][i] = R(0);
  }
  // FastSetup, several pixels at a time.
  const V one = V{} + R(1), zero = V{};
  const I yes = I{} - 1, no = I{};
  const V limit = V{} + setup.limit, tex_w = V{} + setup.tex_w, tex_h = V{} + setup.tex_h;
  const V tiles = V{} + R(p.tiles), top = V{} + R(setup.L.top);
  const I image0 = I{} + (p.tex_view_stride == 0 ? 0 : view) * p.tiles;
  const I bias_level0 = has_bias ? no : yes;  // zero derivatives read level 0 unless biased
  for (int i = 0; i < lanes; i += N) {
    V u, v;
    std::memcpy(&u, q.ul + i, sizeof u);
    std::memcpy(&v, q.v + i, sizeof v);
    const I ok = (u < limit) & (u > -limit) & (v < limit) & (v > -limit);  // also NaN, inf
    u = ok ? u : zero;
    v = ok ? v : zero;
    V tile = zero;
    I inside = yes;
    if (p.tiles > 1) {
      tile = floor_vec<R>(u);
      inside = (tile >= zero) & (tile < tiles);
    }
    const V ul = u - tile;
    I general = ~ok;
    V lod = zero;
    if (has_da) {
      V d0, d1, d2, d3;
      std::memcpy(&d0, q.da[0] + i, sizeof d0);
      std::memcpy(&d1, q.da[1] + i, sizeof d1);
      std::memcpy(&d2, q.da[2] + i, sizeof d2);
      std::memcpy(&d3, q.da[3] + i, sizeof d3);
      const V dx0 = d0 * tex_w, dy0 = d1 * tex_w, dx1 = d2 * tex_h, dy1 = d3 * tex_h;
      const V a = dx0 * dx0 + dx1 * dx1;
      const V c = dy0 * dy0 + dy1 * dy1;
      const V b = dx0 * dy0 + dx1 * dy1;
      const V r = sqrt_vec<R>(R(0.25) * (a - c) * (a - c) + b * b);
      const V lambda = R(0.5) * (a + c) + r;
      const I lambda_ok = (lambda > R(1e-30)) & (lambda < R(1e30));
      // Zero derivatives without a bias: level 0; other extremes: the general path.
      general |= ~lambda_ok & ~((lambda == zero) & bias_level0);
      const V lambda_s = lambda_ok ? lambda : one;
      lod = lambda_ok ? R(0.5) * log2_vec<R>(lambda_s) : zero - R(1e4);
      if constexpr (Grad) {
        // lod_gradient, several pixels at a time.
        const I rp = r > zero;
        const V rs = rp ? r : one;
        const V h = rp ? R(0.25) * (a - c) / rs : zero;
        const V dla = R(0.5) + h, dlc = R(0.5) - h;
        const V dlb = rp ? b / rs : zero;
        const V G = R(0.5 / kLn2) / lambda_s;
        const V g0 = G * (dla * 2 * dx0 + dlb * dy0) * tex_w;
        const V g1 = G * (dlc * 2 * dy0 + dlb * dx0) * tex_w;
        const V g2 = G * (dla * 2 * dx1 + dlb * dy1) * tex_h;
        const V g3 = G * (dlc * 2 * dy1 + dlb * dx1) * tex_h;
        std::memcpy(q.gda[0] + i, &g0, sizeof g0);
        std::memcpy(q.gda[1] + i, &g1, sizeof g1);
        std::memcpy(q.gda[2] + i, &g2, sizeof g2);
        std::memcpy(q.gda[3] + i, &g3, sizeof g3);
      }
    }
    if (has_bias) {
      V bias;
      std::memcpy(&bias, q.bias + i, sizeof bias);
      lod += bias;
      general |= ~((lod < R(1e6)) & (lod > R(-1e6)));
    }
    lod = general ? zero : lod;
    const I status = general ? I{} + int(kFastGeneral) : (inside ? I{} + int(kFastSample) : I{} + int(kFastZero));
    const I image = image0 + (inside ? __builtin_convertvector(tile, I) : no);
    I level0 = no, level1 = no, count = I{} + 1, lod_active = no;
    V lw0 = one, lw1 = zero;
    if (setup.mips && setup.trilinear) {
      V lc = lod > zero ? lod : zero;
      lc = lc < top ? lc : top;
      level0 = __builtin_convertvector(lc, I);
      const I two = (lod > zero) & (lod < top);
      const V w1 = lc - __builtin_convertvector(level0, V);
      count = two ? I{} + 2 : count;
      level1 = two ? level0 + 1 : level0;
      lw0 = two ? one - w1 : one;
      lw1 = two ? w1 : zero;
      lod_active = (has_da || has_bias) ? two & 1 : no;
    } else if (setup.mips) {
      V l = floor_vec<R>(lod + R(0.5));
      l = l > zero ? l : zero;
      l = l < top ? l : top;
      level0 = level1 = __builtin_convertvector(l, I);
    }
    std::memcpy(q.ul + i, &ul, sizeof ul);
    std::memcpy(q.v + i, &v, sizeof v);
    std::memcpy(q.status + i, &status, sizeof status);
    std::memcpy(q.image + i, &image, sizeof image);
    std::memcpy(q.count + i, &count, sizeof count);
    std::memcpy(q.lod_active + i, &lod_active, sizeof lod_active);
    std::memcpy(q.level[0] + i, &level0, sizeof level0);
    std::memcpy(q.level[1] + i, &level1, sizeof level1);
    std::memcpy(q.lw[0] + i, &lw0, sizeof lw0);
    std::memcpy(q.lw[1] + i, &lw1, sizeof lw1);
  }
  const V half = V{} + R(0.5);
  const V w0 = V{} + R(setup.L.w[0]), h0 = V{} + R(setup.L.h[0]);
  // The second level only where a pixel of the chunk blends two.
  bool two = false;
  for (int i = 0; i < n; ++i) two = two || q.count[i] == 2;
  for (int k = 0; k < (two ? 2 : 1); ++k)
    for (int i = 0; i < lanes; i += N) {
      V ul, v;
      I level;
      std::memcpy(&ul, q.ul + i, sizeof ul);
      std::memcpy(&v, q.v + i, sizeof v);
      std::memcpy(&level, q.level[k] + i, sizeof level);
      const V scale = reinterpret_cast<V>((I{} + Vec<R>::kBias - level) << Vec<R>::kMantissa);  // 2^-level
      V wl = w0 * scale, hl = h0 * scale;
      wl = wl > one ? wl : one;
      hl = hl > one ? hl : one;
      const V x = ul * wl - half, y = (one - v) * hl - half;
      const V xf = floor_vec<R>(x), yf = floor_vec<R>(y);
      const V fx = x - xf, fy = y - yf;
      V xa, xb, ya, yb;
      if constexpr (Wrap) {
        // Exact: wl and 1 / wl are powers of two and |xf| < 2^22.
        xa = xf - wl * floor_vec<R>(xf * (one / wl));
        ya = yf - hl * floor_vec<R>(yf * (one / hl));
        xb = xa + one;
        xb = xb == wl ? zero : xb;
        yb = ya + one;
        yb = yb == hl ? zero : yb;
      } else {
        const V wm = wl - one, hm = hl - one;
        xa = xf < zero ? zero : xf;
        xa = xa > wm ? wm : xa;
        xb = xf + one;
        xb = xb < zero ? zero : xb;
        xb = xb > wm ? wm : xb;
        ya = yf < zero ? zero : yf;
        ya = ya > hm ? hm : ya;
        yb = yf + one;
        yb = yb < zero ? zero : yb;
        yb = yb > hm ? hm : yb;
      }
      const I ixa = __builtin_convertvector(xa, I), ixb = __builtin_convertvector(xb, I);
      const I iya = __builtin_convertvector(ya, I), iyb = __builtin_convertvector(yb, I);
      std::memcpy(q.fx[k] + i, &fx, sizeof fx);
      std::memcpy(q.fy[k] + i, &fy, sizeof fy);
      std::memcpy(q.x0[k] + i, &ixa, sizeof ixa);
      std::memcpy(q.x1[k] + i, &ixb, sizeof ixb);
      std::memcpy(q.y0[k] + i, &iya, sizeof iya);
      std::memcpy(q.y1[k] + i, &iyb, sizeof iyb);
    }
}

/// Plans pixels pix0 .. pix0 + n - 1 of one image row (vectorised where the texture allows),
/// then the element offsets of their taps, prefetching the texels.
template <typename T, typename R, int C, bool Wrap, bool Grad>
struct ChunkPlanner {
  const FastSetup<T, R>& setup;
  const FastLevels<T>& L;
  bool simd;  // power-of-two texture, bilinear or trilinear

  static bool simd_applies(const FastLevels<T>& L) {
    const int w0 = L.w[0], h0 = L.h[0];
    if ((w0 & (w0 - 1)) != 0 || (h0 & (h0 - 1)) != 0) return false;
    for (int l = 0; l < L.levels; ++l)
      if (L.w[l] != std::max(1, w0 >> l) || L.h[l] != std::max(1, h0 >> l)) return false;
    return true;
  }

  [[gnu::always_inline]] void plan(std::int64_t pix0, int n, int view, ChunkPlan<R>& q) const {
    if (simd)
      plan_chunk_simd<T, R, Wrap, Grad>(setup, pix0, n, view, q);
    else
      for (int i = 0; i < n; ++i) plan_pixel<T, R, Wrap, Grad>(setup, L, pix0 + i, view, q, i);
    for (int i = 0; i < n; ++i) {
      if (q.status[i] != kFastSample) continue;
      for (int k = 0; k < q.count[i]; ++k) {
        const int level = q.level[k][i];
        const std::ptrdiff_t rs = L.row_elems[level];
        const std::ptrdiff_t r0 = q.y0[k][i] * rs, c0 = std::ptrdiff_t(q.x0[k][i]) * C;
        const std::ptrdiff_t off = q.image[i] * L.image_elems[level] + r0 + c0;
        const std::ptrdiff_t dx = std::ptrdiff_t(q.x1[k][i]) * C - c0, dy = q.y1[k][i] * rs - r0;
        q.off[k][i] = off;
        q.dx[k][i] = dx;
        q.dy[k][i] = dy;
        const T* t = L.data[level] + off;
        __builtin_prefetch(t);
        __builtin_prefetch(t + dx + (C - 1));
        __builtin_prefetch(t + dy);
        __builtin_prefetch(t + dy + dx + (C - 1));
      }
    }
  }
};

template <typename T, typename R, int C, bool Wrap>
void forward_fast(const TextureParams<T>& p, bool mips) {
  Sampler<T> sampler{p, p.tex_view_stride == 0 ? 1 : p.views, std::int64_t(p.tex_height) * p.tex_width * C};
  const FastLevels<T> L = fast_levels(p, C, mips);
  const FastSetup<T, R> setup(p, L, mips);
  const ChunkPlanner<T, R, C, Wrap, false> planner{setup, L, ChunkPlanner<T, R, C, Wrap, false>::simd_applies(L)};
  cpu::parallel_blocks(std::int64_t(p.views) * p.height, 4, [&](std::int64_t row0, std::int64_t row1, int) {
    ChunkPlan<R> q{};
    for (std::int64_t row = row0; row < row1; ++row) {
      const int view = static_cast<int>(row / p.height);
      for (int x0 = 0; x0 < p.width; x0 += kChunk) {
        const int n = std::min(kChunk, p.width - x0);
        const std::int64_t pix0 = row * p.width + x0;
        planner.plan(pix0, n, view, q);
        for (int i = 0; i < n; ++i) {
          const std::int64_t pix = pix0 + i;
          if (q.status[i] == kFastGeneral) {
            forward_pixel<T, C>(sampler, C, view, pix);
            continue;
          }
          R acc[C] = {};
          if (q.status[i] == kFastSample) {
            for (int k = 0; k < q.count[i]; ++k) {
              const T* t00 = L.data[q.level[k][i]] + q.off[k][i];
              const T* t10 = t00 + q.dx[k][i];
              const T* t01 = t00 + q.dy[k][i];
              const T* t11 = t01 + q.dx[k][i];
              const R lw = q.lw[k][i], fx = q.fx[k][i], fy = q.fy[k][i];
              const R wy0 = lw * (R(1) - fy), wy1 = lw * fy;
              const R w00 = (R(1) - fx) * wy0, w10 = fx * wy0, w01 = (R(1) - fx) * wy1, w11 = fx * wy1;
              for (int c = 0; c < C; ++c)
                acc[c] += (w00 * R(t00[c]) + w10 * R(t10[c])) + (w01 * R(t01[c]) + w11 * R(t11[c]));
            }
          }
          T* out = p.out + pix * C;
          for (int c = 0; c < C; ++c) out[c] = T(acc[c]);
        }
      }
    }
  });
}

template <typename T, int CC>
void forward(const TextureParams<T>& p) {
  const bool mips = (p.filter == TextureFilter::LinearMipmapNearest || p.filter == TextureFilter::LinearMipmapLinear) &&
                    p.layout.levels > 1;
  if constexpr (CC != 0) {
    if (p.filter != TextureFilter::Nearest && p.boundary != TextureBoundary::Zero) {
      if (p.boundary == TextureBoundary::Wrap)
        forward_fast<T, T, CC, true>(p, mips);
      else
        forward_fast<T, T, CC, false>(p, mips);
      return;
    }
  }
  forward_general<T, CC>(p);
}

/// Texel rows of the gradient pyramid, numbered over all levels: level l holds images x height[l]
/// rows of width[l] * C elements, starting at global row row_base[l].
struct RowLayout {
  int levels = 1;
  std::int64_t row_base[kMaxMipLevels + 1] = {};
  std::int64_t row_elems[kMaxMipLevels] = {};
  std::int64_t image_rows[kMaxMipLevels] = {};  // height of a level image

  int level_of(std::int64_t global_row) const {
    int l = 0;
    while (l + 1 < levels && global_row >= row_base[l + 1]) ++l;
    return l;
  }
};

/// One worker slot's gradient pyramid: dense levels whose rows are zeroed on first touch, so the
/// parts of a large texture that no sample reaches are never cleared, added or walked down.
template <typename T>
struct GradPyramid {
  T* level[kMaxMipLevels] = {};
  std::uint8_t* zeroed = nullptr;  // per global row

  T* row(const RowLayout& rl, int l, std::int64_t level_row) const {
    return level[l] + level_row * rl.row_elems[l];
  }
  /// The row, zeroed if this is its first touch.
  T* touch(const RowLayout& rl, int l, std::int64_t level_row) {
    T* r = row(rl, l, level_row);
    std::uint8_t& z = zeroed[rl.row_base[l] + level_row];
    if (!z) {
      std::memset(static_cast<void*>(r), 0, sizeof(T) * static_cast<std::size_t>(rl.row_elems[l]));
      z = 1;
    }
    return r;
  }
};

/// Scratch memory for gradient pyramids, kept between calls (a fresh multi-megabyte buffer per
/// call costs more in page faults than the backward pass itself). Uninitialised, so pages no row
/// ever touches are never faulted in.
template <typename T>
struct GradScratch {
  std::unique_ptr<T[]> data;
  std::size_t capacity = 0;
  std::vector<std::uint8_t> zeroed;
  T* reserve(std::size_t n) {
    if (n > capacity) {
      data.reset(new T[n]);
      capacity = n;
    }
    return data.get();
  }
};

template <typename T>
class GradScratchPool {
public:
  std::unique_ptr<GradScratch<T>> acquire() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) return std::make_unique<GradScratch<T>>();
    std::unique_ptr<GradScratch<T>> s = std::move(free_.back());
    free_.pop_back();
    return s;
  }
  /// Keeps at most 256 MB (address space; only touched pages are memory) for the next call.
  void release(std::unique_ptr<GradScratch<T>> s) {
    constexpr std::size_t kKeepBytes = std::size_t(256) << 20;
    if (!s) return;
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t kept = 0;
    for (const auto& f : free_) kept += f->capacity * sizeof(T);
    if (kept + s->capacity * sizeof(T) <= kKeepBytes) free_.push_back(std::move(s));
  }

private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<GradScratch<T>>> free_;
};

template <typename T>
GradScratchPool<T>& grad_scratch_pool() {
  static GradScratchPool<T> pool;
  return pool;
}

/// One pixel of the general backward path: scatter into the slot's gradient pyramid `gp`, write
/// its uv, uv-derivative and bias gradients.
template <typename T, int CC>
[[gnu::always_inline]] inline void backward_pixel(const Sampler<T>& sampler, int C, const RowLayout& rl,
                                                  GradPyramid<T>& gp, int view, std::int64_t pix) {
  const TextureParams<T>& p = sampler.p;
  if (p.grad_uv) p.grad_uv[pix * 2] = p.grad_uv[pix * 2 + 1] = T(0);
  if (p.grad_uv_da)
    for (int c = 0; c < 4; ++c) p.grad_uv_da[pix * 4 + c] = T(0);
  if (p.grad_lod_bias) p.grad_lod_bias[pix] = T(0);
  const T* g_out = p.grad_out + pix * C;
  // A local copy with a known channel count lets the scatter keep g in registers.
  T g_local[CC ? CC : 1];
  if (CC)
    for (int c = 0; c < C; ++c) g_local[c] = g_out[c];
  const T* g = CC ? g_local : g_out;
  bool any = false;
  for (int c = 0; c < C; ++c) any = any || g[c] != T(0);
  if (!any) return;
  const PixelSample s = sampler.setup(pix);
  if (!s.valid) return;
  const std::int64_t image = std::int64_t(p.tex_view_stride == 0 ? 0 : view) * p.tiles + s.tile;
  double gu = 0, gv = 0;
  double level_sample[2] = {0, 0};  // g . sample(level k)
  for (int k = 0; k < s.level_count; ++k) {
    const int level = s.level[k];
    const T* img = sampler.level_data(level) + sampler.image_offset(level, view, s.tile);
    const Footprint f = sampler.footprint(s, level);
    // The level image in this slot's pyramid, with the footprint's rows zeroed on first touch.
    const std::int64_t first_row = image * rl.image_rows[level];
    T* gimg = gp.row(rl, level, first_row);
    for (int r = 0; r < (f.taps == 4 ? 2 : 1); ++r)
      if (f.row[r] >= 0) gp.touch(rl, level, first_row + f.row[r]);
    const double lw = s.level_weight[k];
    double dfx = 0, dfy = 0, sample_dot = 0;
    for (int t = 0; t < f.taps; ++t) {
      if (f.offset[t] < 0) continue;
      const T w = T(f.weight[t] * lw);
      T* gt = gimg + f.offset[t];
      const T* tv = img + f.offset[t];
      double gdot = 0;
      for (int c = 0; c < C; ++c) {
        gt[c] += w * g[c];
        gdot += double(g[c]) * double(tv[c]);
      }
      // d(weight)/d(fx), d(weight)/d(fy) for taps 00, 10, 01, 11.
      if (f.taps == 4) {
        const double wx = (t & 1) ? 1.0 : -1.0, wy = (t & 2) ? 1.0 : -1.0;
        dfx += gdot * wx * ((t & 2) ? f.fy : 1 - f.fy);
        dfy += gdot * wy * ((t & 1) ? f.fx : 1 - f.fx);
      }
      sample_dot += gdot * f.weight[t];
    }
    if (f.taps == 4) {
      gu += lw * dfx * p.layout.width[level];
      gv += lw * dfy * -double(p.layout.height[level]);
    }
    level_sample[k] = sample_dot;
  }
  if (p.grad_uv) {
    p.grad_uv[pix * 2] = T(gu);
    p.grad_uv[pix * 2 + 1] = T(gv);
  }
  if (s.lod_active) {
    const double g_lod = level_sample[1] - level_sample[0];
    if (p.grad_lod_bias) p.grad_lod_bias[pix] = T(g_lod);
    if (p.grad_uv_da && p.uv_da && s.lambda > 0.0) {
      const double a = s.dx[0] * s.dx[0] + s.dx[1] * s.dx[1];
      const double c = s.dy[0] * s.dy[0] + s.dy[1] * s.dy[1];
      const double b = s.dx[0] * s.dy[0] + s.dx[1] * s.dy[1];
      const double r = std::sqrt(0.25 * (a - c) * (a - c) + b * b);
      const double dla = r > 0 ? 0.5 + 0.25 * (a - c) / r : 0.5;
      const double dlc = r > 0 ? 0.5 - 0.25 * (a - c) / r : 0.5;
      const double dlb = r > 0 ? b / r : 0.0;
      const double G = g_lod * 0.5 / (s.lambda * kLn2);
      double gdx[2], gdy[2];
      for (int i = 0; i < 2; ++i) {
        gdx[i] = G * (dla * 2 * s.dx[i] + dlb * s.dy[i]);
        gdy[i] = G * (dlc * 2 * s.dy[i] + dlb * s.dx[i]);
      }
      T* gd = p.grad_uv_da + pix * 4;
      gd[0] = T(gdx[0] * p.tex_width);
      gd[1] = T(gdy[0] * p.tex_width);
      gd[2] = T(gdx[1] * p.tex_height);
      gd[3] = T(gdy[1] * p.tex_height);
    }
  }
}

template <typename T, typename R, int C, bool Wrap>
void backward_fast(const TextureParams<T>& p, const Sampler<T>& sampler, const RowLayout& rl,
                   std::vector<GradPyramid<T>>& pyramids, bool mips) {
  const FastLevels<T> L = fast_levels(p, C, mips);
  const FastSetup<T, R> setup(p, L, mips);
  const ChunkPlanner<T, R, C, Wrap, true> planner{setup, L, ChunkPlanner<T, R, C, Wrap, true>::simd_applies(L)};
  cpu::parallel_blocks(std::int64_t(p.views) * p.height, 4, [&](std::int64_t row0, std::int64_t row1, int slot) {
    GradPyramid<T>& gp = pyramids[static_cast<std::size_t>(slot)];
    ChunkPlan<R> q{};
    for (std::int64_t row = row0; row < row1; ++row) {
      const int view = static_cast<int>(row / p.height);
      for (int x0 = 0; x0 < p.width; x0 += kChunk) {
        const int n = std::min(kChunk, p.width - x0);
        const std::int64_t pix0 = row * p.width + x0;
        planner.plan(pix0, n, view, q);
        for (int i = 0; i < n; ++i) {
          if (q.status[i] != kFastSample) continue;
          const std::int64_t pix = pix0 + i;
          bool any = false;
          for (int c = 0; c < C; ++c) any = any || p.grad_out[pix * C + c] != T(0);
          if (!any) {
            q.status[i] = kFastZero;
            continue;
          }
          for (int k = 0; k < q.count[i]; ++k) {
            // The footprint's rows of this slot's gradient level image, zeroed on first touch.
            const int level = q.level[k][i];
            const std::int64_t first_row = std::int64_t(q.image[i]) * rl.image_rows[level];
            gp.touch(rl, level, first_row + q.y0[k][i]);
            gp.touch(rl, level, first_row + q.y1[k][i]);
            T* g00 = gp.level[level] + q.off[k][i];
            __builtin_prefetch(g00, 1);
            __builtin_prefetch(g00 + q.dx[k][i] + (C - 1), 1);
            __builtin_prefetch(g00 + q.dy[k][i], 1);
            __builtin_prefetch(g00 + q.dy[k][i] + q.dx[k][i] + (C - 1), 1);
          }
        }
        for (int i = 0; i < n; ++i) {
          const std::int64_t pix = pix0 + i;
          if (q.status[i] == kFastGeneral) {
            backward_pixel<T, C>(sampler, C, rl, gp, view, pix);
            continue;
          }
          R gu = 0, gv = 0, level_dot[2] = {0, 0};
          const bool sample = q.status[i] == kFastSample;
          if (sample) {
            R g[C];
            for (int c = 0; c < C; ++c) g[c] = R(p.grad_out[pix * C + c]);
            for (int k = 0; k < q.count[i]; ++k) {
              const int level = q.level[k][i];
              const std::ptrdiff_t dx = q.dx[k][i], dy = q.dy[k][i];
              const T* t00 = L.data[level] + q.off[k][i];
              const T* t10 = t00 + dx;
              const T* t01 = t00 + dy;
              const T* t11 = t01 + dx;
              T* g00 = gp.level[level] + q.off[k][i];
              T* g10 = g00 + dx;
              T* g01 = g00 + dy;
              T* g11 = g01 + dx;
              const R lw = q.lw[k][i], fx = q.fx[k][i], fy = q.fy[k][i];
              const R wy0 = lw * (R(1) - fy), wy1 = lw * fy;
              const R w00 = (R(1) - fx) * wy0, w10 = fx * wy0, w01 = (R(1) - fx) * wy1, w11 = fx * wy1;
              R dfx = 0, dfy = 0, dot = 0;
              for (int c = 0; c < C; ++c) {
                const R a = R(t00[c]), b = R(t10[c]), d = R(t01[c]), e = R(t11[c]);
                const R top = a + fx * (b - a), bottom = d + fx * (e - d);
                dfx += g[c] * ((R(1) - fy) * (b - a) + fy * (e - d));
                dfy += g[c] * (bottom - top);
                dot += g[c] * (top + fy * (bottom - top));
              }
              // Sequential adds: at a clamped edge two taps may be the same texel.
              for (int c = 0; c < C; ++c) g00[c] += T(w00 * g[c]);
              for (int c = 0; c < C; ++c) g10[c] += T(w10 * g[c]);
              for (int c = 0; c < C; ++c) g01[c] += T(w01 * g[c]);
              for (int c = 0; c < C; ++c) g11[c] += T(w11 * g[c]);
              gu += lw * dfx * R(L.w[level]);
              gv -= lw * dfy * R(L.h[level]);
              level_dot[k] = dot;
            }
          }
          if (p.grad_uv) {
            p.grad_uv[pix * 2] = T(gu);
            p.grad_uv[pix * 2 + 1] = T(gv);
          }
          const bool lod_active = sample && q.lod_active[i];
          const R g_lod = lod_active ? level_dot[1] - level_dot[0] : R(0);
          if (p.grad_lod_bias) p.grad_lod_bias[pix] = T(g_lod);
          if (p.grad_uv_da) {
            T* gd = p.grad_uv_da + pix * 4;
            const bool da = lod_active && p.uv_da;
            for (int j = 0; j < 4; ++j) gd[j] = da ? T(g_lod * q.gda[j][i]) : T(0);
          }
        }
      }
    }
  });
}

template <typename T, int CC>
void backward(const TextureParams<T>& p) {
  const int C = CC ? CC : p.channels;
  const int tex_views = p.tex_view_stride == 0 ? 1 : p.views;
  Sampler<T> sampler{p, tex_views, std::int64_t(p.tex_height) * p.tex_width * C};
  const bool mips = sampler.mipmapped() && p.layout.levels > 1;
  const int workers = cpu::worker_count();
  const int images = tex_views * p.tiles;
  const std::int64_t level0_size = std::int64_t(images) * sampler.level0_image;
  const std::int64_t mip_size = mips ? p.layout.mip_size : 0;

  RowLayout rl;
  rl.levels = mips ? p.layout.levels : 1;
  for (int l = 0; l < rl.levels; ++l) {
    rl.row_elems[l] = std::int64_t(p.layout.width[l]) * C;
    rl.image_rows[l] = p.layout.height[l];
    rl.row_base[l + 1] = rl.row_base[l] + std::int64_t(images) * p.layout.height[l];
  }
  const std::int64_t total_rows = rl.row_base[rl.levels];

  // Slot 0 scatters level 0 straight into grad_tex; other slots into scratch, added at the end.
  auto& pool = grad_scratch_pool<T>();
  std::vector<std::unique_ptr<GradScratch<T>>> scratch(static_cast<std::size_t>(workers));
  std::vector<GradPyramid<T>> pyramids(static_cast<std::size_t>(workers));
  for (int s = 0; s < workers; ++s) {
    scratch[s] = pool.acquire();
    GradScratch<T>& sc = *scratch[s];
    T* base = sc.reserve(static_cast<std::size_t>((s == 0 ? 0 : level0_size) + mip_size) + 1);
    sc.zeroed.assign(static_cast<std::size_t>(total_rows), 0);
    GradPyramid<T>& gp = pyramids[s];
    gp.zeroed = sc.zeroed.data();
    gp.level[0] = s == 0 ? p.grad_tex : base;
    T* mip_base = s == 0 ? base : base + level0_size;
    for (int l = 1; l < rl.levels; ++l) gp.level[l] = mip_base + p.layout.offset[l];
  }

  bool fast = false;
  if constexpr (CC != 0) {
    if (p.filter != TextureFilter::Nearest && p.boundary != TextureBoundary::Zero) {
      fast = true;
      if (p.boundary == TextureBoundary::Wrap)
        backward_fast<T, T, CC, true>(p, sampler, rl, pyramids, mips);
      else
        backward_fast<T, T, CC, false>(p, sampler, rl, pyramids, mips);
    }
  }
  if (!fast)
    cpu::parallel_blocks(std::int64_t(p.views) * p.height, 4, [&](std::int64_t row0, std::int64_t row1, int slot) {
      GradPyramid<T>& gp = pyramids[static_cast<std::size_t>(slot)];
      for (std::int64_t row = row0; row < row1; ++row) {
        const int view = static_cast<int>(row / p.height);
        for (int x = 0; x < p.width; ++x) backward_pixel<T, CC>(sampler, C, rl, gp, view, row * p.width + x);
      }
    });

  GradPyramid<T>& g0 = pyramids[0];
  // Other slots' touched rows into slot 0, slot by slot.
  if (workers > 1) {
    const std::int64_t grain = std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, rl.row_elems[0]));
    cpu::parallel_blocks(total_rows, grain, [&](std::int64_t r0, std::int64_t r1, int) {
      for (std::int64_t r = r0; r < r1; ++r) {
        const int l = rl.level_of(r);
        const std::int64_t level_row = r - rl.row_base[l];
        const std::int64_t n = rl.row_elems[l];
        for (int s = 1; s < workers; ++s) {
          const GradPyramid<T>& gs = pyramids[static_cast<std::size_t>(s)];
          if (!gs.zeroed[r]) continue;
          T* dst = g0.row(rl, l, level_row);
          const T* src = gs.row(rl, l, level_row);
          if (!g0.zeroed[r]) {
            // First touch in slot 0: a copy instead of zeroing and adding.
            std::memcpy(static_cast<void*>(dst), src, sizeof(T) * static_cast<std::size_t>(n));
            g0.zeroed[r] = 1;
            continue;
          }
          for (std::int64_t i = 0; i < n; ++i) dst[i] += src[i];
        }
      }
    });
  }

  bool halving = true;
  for (int l = 1; l < rl.levels; ++l)
    halving = halving && p.layout.width[l - 1] == 2 * p.layout.width[l] &&
              p.layout.height[l - 1] == 2 * p.layout.height[l];
  if (mips && !halving) {
    // Odd sizes: densify slot 0's pyramid and walk it down with the general transpose filter.
    cpu::parallel_blocks(total_rows, 64, [&](std::int64_t r0, std::int64_t r1, int) {
      for (std::int64_t r = r0; r < r1; ++r) {
        const int l = rl.level_of(r);
        g0.touch(rl, l, r - rl.row_base[l]);
      }
    });
    texture_mips_backward_cpu(p.grad_tex, g0.level[1] - p.layout.offset[1], p.layout, images, C);
  } else {
    // Exact halving: every texel of level l - 1 receives a quarter of its parent's gradient
    // (the same sums, in the same order, as the dense walk in mipmap_cpu.cpp). Only touched
    // parent rows contribute, down to level 1.
    for (int l = rl.levels - 1; l >= 2; --l) {
      const std::int64_t w = p.layout.width[l], h = rl.image_rows[l];
      const std::int64_t rows = std::int64_t(images) * h;
      cpu::parallel_blocks(rows, std::max<std::int64_t>(1, 16384 / (w * C)), [&](std::int64_t r0, std::int64_t r1, int) {
        for (std::int64_t r = r0; r < r1; ++r) {
          if (!g0.zeroed[rl.row_base[l] + r]) continue;
          const std::int64_t image = r / h, y = r % h;
          const T* gp = g0.row(rl, l, r);
          T* s0 = g0.touch(rl, l - 1, image * rl.image_rows[l - 1] + 2 * y);
          T* s1 = g0.touch(rl, l - 1, image * rl.image_rows[l - 1] + 2 * y + 1);
          for (std::int64_t x = 0; x < w; ++x, gp += C, s0 += 2 * C, s1 += 2 * C)
            for (int c = 0; c < C; ++c) {
              const T q = T(0.25) * gp[c];
              s0[c] += q;
              s0[c + C] += q;
              s1[c] += q;
              s1[c + C] += q;
            }
        }
      });
    }
    // Level 0 (grad_tex): every element written once, from its own scatter and its parent.
    const std::int64_t w0 = p.layout.width[0], h0 = rl.image_rows[0];
    const std::int64_t w1 = mips ? p.layout.width[1] : 0, h1 = mips ? rl.image_rows[1] : 0;
    const std::int64_t rows0 = std::int64_t(images) * h0;
    cpu::parallel_blocks(rows0, std::max<std::int64_t>(1, 16384 / (w0 * C)), [&](std::int64_t r0, std::int64_t r1, int) {
      for (std::int64_t r = r0; r < r1; ++r) {
        const bool own = g0.zeroed[r] != 0;
        T* dst = g0.row(rl, 0, r);
        const std::int64_t parent = mips ? (r / h0) * h1 + (r % h0) / 2 : -1;
        if (!mips || !g0.zeroed[rl.row_base[1] + parent]) {
          if (!own) std::memset(static_cast<void*>(dst), 0, sizeof(T) * static_cast<std::size_t>(w0 * C));
          continue;
        }
        const T* gp = g0.row(rl, 1, parent);
        if (own) {
          for (std::int64_t x = 0; x < w1; ++x, gp += C, dst += 2 * C)
            for (int c = 0; c < C; ++c) {
              const T q = T(0.25) * gp[c];
              dst[c] += q;
              dst[c + C] += q;
            }
        } else {
          for (std::int64_t x = 0; x < w1; ++x, gp += C, dst += 2 * C)
            for (int c = 0; c < C; ++c) {
              const T q = T(0.25) * gp[c];
              dst[c] = q;
              dst[c + C] = q;
            }
        }
      }
    });
  }
  for (auto& s : scratch) pool.release(std::move(s));
}

template <typename T>
void forward_any(const TextureParams<T>& p) {
  cpu::with_channels<1, 3, 4>(p.channels, [&](auto cc) { forward<T, decltype(cc)::value>(p); });
}

template <typename T>
void backward_any(const TextureParams<T>& p) {
  cpu::with_channels<1, 3, 4>(p.channels, [&](auto cc) { backward<T, decltype(cc)::value>(p); });
}

template <typename T>
void used_images(const TextureParams<T>& p, unsigned char* used) {
  const int tex_views = p.tex_view_stride == 0 ? 1 : p.views;
  if (p.tiles <= 1) {
    std::fill(used, used + tex_views * p.tiles, 1);
    return;
  }
  const std::int64_t per_view = std::int64_t(p.height) * p.width;
  cpu::parallel_blocks(std::int64_t(p.views) * per_view, 1 << 14, [&](std::int64_t b, std::int64_t e, int) {
    auto mark = [&](std::int64_t image) {
      std::atomic_ref<unsigned char> flag(used[image]);
      if (!flag.load(std::memory_order_relaxed)) flag.store(1, std::memory_order_relaxed);
    };
    for (std::int64_t i = b; i < e; ++i) {
      const std::int64_t first = std::int64_t(p.tex_view_stride == 0 ? 0 : i / per_view) * p.tiles;
      const double u = double(p.uv[i * 2]);
      if (!std::isfinite(u)) {
        for (int t = 0; t < p.tiles; ++t) mark(first + t);
        continue;
      }
      for (const double k : {std::floor(u), std::floor(double(static_cast<float>(u)))})
        if (k >= 0.0 && k < p.tiles) mark(first + static_cast<std::int64_t>(k));
    }
  });
}

}  // namespace

void texture_used_images_cpu(const TextureParams<float>& p, unsigned char* used) { used_images(p, used); }
void texture_used_images_cpu(const TextureParams<double>& p, unsigned char* used) { used_images(p, used); }
void texture_forward_cpu(const TextureParams<float>& p) { forward_any(p); }
void texture_forward_cpu(const TextureParams<double>& p) { forward_any(p); }
void texture_backward_cpu(const TextureParams<float>& p) { backward_any(p); }
void texture_backward_cpu(const TextureParams<double>& p) { backward_any(p); }

}  // namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS
