// Interpolate on the CPU: a gather per pixel forward, a scatter into per-worker buffers backward.
#include <cstring>

#include "engine/raster/channel_dispatch.h"
#include "engine/raster/cpu_parallel.h"
#include "engine/raster/interpolate_params.h"
#include "engine/raster/kernel_isa.h"  // last: what follows is compiled per instruction set

namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS {
namespace {

/// The pixel's triangle (0-based) or -1.
template <typename T>
int pixel_triangle(const InterpolateParams<T>& p, const T* r) {
  const int id = static_cast<int>(r[3]);
  return (id <= 0 || id > p.triangle_count) ? -1 : id - 1;
}

/// CC: the channel count when known at compile time (2, 3, 4), 0 for any.
template <typename T, int CC>
void forward(const InterpolateParams<T>& p) {
  const int C = CC ? CC : p.channels, D = p.diff_count;
  cpu::parallel_blocks(std::int64_t(p.views) * p.height, 4, [&](std::int64_t row0, std::int64_t row1, int) {
    for (std::int64_t row = row0; row < row1; ++row) {
      const int view = static_cast<int>(row / p.height);
      const T* attr = p.attr + p.attr_view_stride * view;
      for (int x = 0; x < p.width; ++x) {
        const std::int64_t pix = row * p.width + x;
        const T* r = p.rast + pix * 4;
        T* out = p.out + pix * C;
        T* out_da = p.out_da ? p.out_da + pix * 2 * D : nullptr;
        const int t = pixel_triangle(p, r);
        if (t < 0) {
          std::memset(static_cast<void*>(out), 0, sizeof(T) * C);
          if (out_da) std::memset(static_cast<void*>(out_da), 0, sizeof(T) * 2 * D);
          continue;
        }
        const std::int32_t* tri = p.triangles + std::int64_t(t) * 3;
        const T* a0 = attr + std::int64_t(tri[0]) * C;
        const T* a1 = attr + std::int64_t(tri[1]) * C;
        const T* a2 = attr + std::int64_t(tri[2]) * C;
        const T b0 = r[0], b1 = r[1], b2 = T(1) - r[0] - r[1];
        for (int c = 0; c < C; ++c) out[c] = b0 * a0[c] + b1 * a1[c] + b2 * a2[c];
        if (out_da) {
          const T* db = p.rast_db + pix * 4;
          for (int k = 0; k < D; ++k) {
            const int c = p.diff_channels[k];
            const T d0 = a0[c] - a2[c], d1 = a1[c] - a2[c];
            out_da[2 * k] = d0 * db[0] + d1 * db[2];
            out_da[2 * k + 1] = d0 * db[1] + d1 * db[3];
          }
        }
      }
    }
  });
}

template <typename T, int CC>
void backward(const InterpolateParams<T>& p) {
  const int C = CC ? CC : p.channels, D = p.diff_count;
  const std::int64_t attr_views = p.attr_view_stride == 0 ? 1 : p.views;
  cpu::ScatterBuffers<T> grads(p.grad_attr, static_cast<std::size_t>(attr_views * p.attr_count * C),
                               cpu::worker_count());
  cpu::parallel_blocks(std::int64_t(p.views) * p.height, 4, [&](std::int64_t row0, std::int64_t row1, int slot) {
    T* grad = grads.slot(slot);
    for (std::int64_t row = row0; row < row1; ++row) {
      const int view = static_cast<int>(row / p.height);
      const T* attr = p.attr + p.attr_view_stride * view;
      T* grad_view = grad + p.attr_view_stride * view;
      for (int x = 0; x < p.width; ++x) {
        const std::int64_t pix = row * p.width + x;
        const T* r = p.rast + pix * 4;
        T* gr = p.grad_rast + pix * 4;
        T* gdb = p.grad_rast_db ? p.grad_rast_db + pix * 4 : nullptr;
        gr[0] = gr[1] = gr[2] = gr[3] = T(0);
        if (gdb) gdb[0] = gdb[1] = gdb[2] = gdb[3] = T(0);
        const int t = pixel_triangle(p, r);
        if (t < 0) continue;
        const std::int32_t* tri = p.triangles + std::int64_t(t) * 3;
        const T* a0 = attr + std::int64_t(tri[0]) * C;
        const T* a1 = attr + std::int64_t(tri[1]) * C;
        const T* a2 = attr + std::int64_t(tri[2]) * C;
        T* g0 = grad_view + std::int64_t(tri[0]) * C;
        T* g1 = grad_view + std::int64_t(tri[1]) * C;
        T* g2 = grad_view + std::int64_t(tri[2]) * C;
        const T b0 = r[0], b1 = r[1], b2 = T(1) - r[0] - r[1];
        const T* go = p.grad_out + pix * C;
        T gu = 0, gv = 0;
        for (int c = 0; c < C; ++c) {
          const T g = go[c];
          if (g == T(0)) continue;
          g0[c] += b0 * g;
          g1[c] += b1 * g;
          g2[c] += b2 * g;
          gu += g * (a0[c] - a2[c]);
          gv += g * (a1[c] - a2[c]);
        }
        gr[0] = gu;
        gr[1] = gv;
        if (p.grad_out_da && p.rast_db) {
          const T* db = p.rast_db + pix * 4;
          const T* gda = p.grad_out_da + pix * 2 * D;
          for (int k = 0; k < D; ++k) {
            const int c = p.diff_channels[k];
            const T gx = gda[2 * k], gy = gda[2 * k + 1];
            if (gx == T(0) && gy == T(0)) continue;
            const T s0 = gx * db[0] + gy * db[1], s1 = gx * db[2] + gy * db[3];
            g0[c] += s0;
            g1[c] += s1;
            g2[c] -= s0 + s1;
            if (gdb) {
              const T d0 = a0[c] - a2[c], d1 = a1[c] - a2[c];
              gdb[0] += gx * d0;
              gdb[1] += gy * d0;
              gdb[2] += gx * d1;
              gdb[3] += gy * d1;
            }
          }
        }
      }
    }
  });
  grads.reduce();
}

template <typename T>
void forward_any(const InterpolateParams<T>& p) {
  cpu::with_channels<2, 3, 4>(p.channels, [&](auto cc) { forward<T, decltype(cc)::value>(p); });
}

template <typename T>
void backward_any(const InterpolateParams<T>& p) {
  cpu::with_channels<2, 3, 4>(p.channels, [&](auto cc) { backward<T, decltype(cc)::value>(p); });
}

}  // namespace

void interpolate_forward_cpu(const InterpolateParams<float>& p) { forward_any(p); }
void interpolate_forward_cpu(const InterpolateParams<double>& p) { forward_any(p); }
void interpolate_backward_cpu(const InterpolateParams<float>& p) { backward_any(p); }
void interpolate_backward_cpu(const InterpolateParams<double>& p) { backward_any(p); }

}  // namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS
