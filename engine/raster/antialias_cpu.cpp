// Antialias on the CPU. Pass 1 evaluates every neighbour pair once (blocks of rows in parallel,
// vertices projected to the screen once per call, only pairs near a potential silhouette walked)
// into per-block lists; pass 2 copies the image and applies the few active pairs' blends in a
// fixed order. The backward pass reuses pass 1 from the forward pass when the caller kept it
// (AntialiasWork; the autograd wrapper does), else re-runs it, and applies the pairs' gradients
// in the same order.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "engine/raster/antialias_params.h"
#include "engine/raster/cpu_parallel.h"
#include "engine/raster/fast_paths.h"
#include "engine/raster/kernel_isa.h"  // last: what follows is compiled per instruction set

namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS {
namespace {

/// Longest walk across interior edges from the nearer pixel's triangle toward the other pixel.
constexpr int kMaxWalk = 16;

/// AntialiasWork::facing entry not computed yet.
constexpr signed char kFacingUnknown = 2;

using PairBlend = AntialiasPair;

template <typename T>
struct Context {
  Context(const AntialiasParams<T>& params, AntialiasWork* external)
      : p(params),
        w(external ? *external : local),
        facing(w.facing),
        screen(w.screen),
        rows_per_block(w.rows_per_block),
        blocks(w.blocks),
        near_silhouette(w.near_silhouette) {}
  const AntialiasParams<T>& p;
  AntialiasWork local;  // used when the caller keeps no work between passes
  AntialiasWork& w;
  // Pass 1 results (see AntialiasWork): blocks of rows, each with its active pairs in row order.
  std::vector<signed char>& facing;
  std::vector<double>& screen;
  std::int64_t& rows_per_block;
  std::vector<std::vector<PairBlend>>& blocks;
  std::vector<unsigned char>& near_silhouette;

  /// Facing of a triangle in a view, computed on first use (the walk reaches a small share of a
  /// dense mesh's triangles): +1, -1, or 0 when a vertex has w <= 0 or is not finite. Workers
  /// racing on one entry store the same value.
  signed char facing_of(int view, int tri) const {
    std::atomic_ref<signed char> entry(facing[std::size_t(view) * p.triangle_count + tri]);
    signed char f = entry.load(std::memory_order_relaxed);
    if (f == kFacingUnknown) {
      f = compute_facing(view, tri);
      entry.store(f, std::memory_order_relaxed);
    }
    return f;
  }

  /// The sign of the triangle's screen-space area (counter-clockwise, y up: +1), 0 when a vertex
  /// has no finite screen position (w <= 0, non-finite input, or a projection that overflows).
  signed char compute_facing(int view, int tri) const {
    const std::int32_t* t = p.triangles + std::int64_t(tri) * 3;
    const double* scr = screen.data() + (p.pos_view_stride == 0 ? 0 : std::int64_t(view) * p.vertex_count * 2);
    const double* a = scr + std::int64_t(t[0]) * 2;
    const double* b = scr + std::int64_t(t[1]) * 2;
    const double* c = scr + std::int64_t(t[2]) * 2;
    const double area = (b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1]);
    // Non-finite when any coordinate is (NaN marks vertices without a screen position).
    if (!std::isfinite(area) || !std::isfinite(a[0] + a[1] + b[0] + b[1] + c[0] + c[1])) return 0;
    return area > 0.0 ? 1 : (area < 0.0 ? -1 : 0);
  }

  int id(const T* rast, std::int64_t pix) const {
    const int i = static_cast<int>(rast[pix * 4 + 3]);
    return (i <= 0 || i > p.triangle_count) ? 0 : i;
  }

  /// What lies across `edge` of `tri`: sets `silhouette` when no triangle on the edge faces the
  /// same way as `tri`, and returns the first other triangle that does (or -1).
  int cross_edge(int view, int tri, int edge, bool& silhouette) const {
    const signed char f_tri = facing_of(view, tri);
    const std::int32_t b = p.topology->begin[std::size_t(tri) * 3 + edge];
    const std::int32_t e = p.topology->begin[std::size_t(tri) * 3 + edge + 1];
    silhouette = true;
    for (std::int32_t i = b; i < e; ++i) {
      const std::int32_t other = p.topology->others[i];
      if (facing_of(view, other) != f_tri) continue;
      silhouette = false;
      if (other != tri) return other;
    }
    return -1;
  }

  /// Evaluates the pair (P, Q), Q one pixel right of (horizontal) or above P: true and every field
  /// of `r` set when the pair blends, false (and `r` untouched) when it does not.
  bool pair(int view, int x, int y, bool horizontal, PairBlend& r) const {
    const T* rast = p.rast + std::int64_t(view) * p.height * p.width * 4;
    const std::int64_t pp = std::int64_t(y) * p.width + x;
    const std::int64_t qp = horizontal ? pp + 1 : pp + p.width;
    const int ip = id(rast, pp), iq = id(rast, qp);
    if (ip == iq) return false;
    if (!near_silhouette.empty()) {
      // The walk stops only at a potential silhouette edge crossing the segment between the
      // centres: pairs no such edge crosses are not marked.
      const std::int64_t pixels = std::int64_t(p.height) * p.width;
      if (near_silhouette[std::size_t((std::int64_t(view) * 2 + (horizontal ? 0 : 1)) * pixels + pp)] == 0)
        return false;
    }
    bool p_near;
    if (ip == 0) p_near = false;
    else if (iq == 0) p_near = true;
    else p_near = rast[pp * 4 + 2] <= rast[qp * 4 + 2];
    int tri = (p_near ? ip : iq) - 1;
    if (facing_of(view, tri) == 0) return false;
    const std::int64_t near_pix = p_near ? pp : qp, far_pix = p_near ? qp : pp;
    // Segment from the near centre to the far centre along one axis; the other axis is fixed.
    const double qc = (horizontal ? y : x) + 0.5;
    const double start = (horizontal ? x : y) + 0.5 + (p_near ? 0.0 : 1.0);
    const double dir = p_near ? 1.0 : -1.0;
    const T* pos = p.pos + p.pos_view_stride * view;
    const double* scr = screen.data() + (p.pos_view_stride == 0 ? 0 : std::int64_t(view) * p.vertex_count * 2);
    // Walk the surface along the segment: leave the triangle through the edge the segment crosses;
    // across an interior edge continue in the neighbour, at a silhouette edge stop. Triangles
    // narrower than a pixel (common at silhouettes, where the surface is seen edge-on) would
    // otherwise hide the silhouette from the pair. Walked triangles all face one way, so all
    // their vertices have w > 0 and projected screen positions.
    int entry = -1;
    for (int step = 0; step < kMaxWalk; ++step) {
      const std::int32_t* t = p.triangles + std::int64_t(tri) * 3;
      double sx[3], sy[3];
      for (int i = 0; i < 3; ++i) {
        sx[i] = scr[std::int64_t(t[i]) * 2];
        sy[i] = scr[std::int64_t(t[i]) * 2 + 1];
      }
      const double* along = horizontal ? sx : sy;
      const double* across = horizontal ? sy : sx;
      // The exit is the farthest crossing on the segment: a centre a snapping error outside its
      // triangle sees the segment enter the triangle first.
      int exit = -1;
      double tt = -1, rr = 0, denom = 0;
      for (int e = 0; e < 3; ++e) {
        if (e == entry) continue;
        const int i = e, j = (e + 1) % 3;
        const double qi = across[i] - qc, qj = across[j] - qc;
        if (qi * qj > 0.0 || qi == qj) continue;
        const double d = across[j] - across[i];
        const double ratio = (qc - across[i]) / d;
        const double cross = along[i] + ratio * (along[j] - along[i]);
        const double te = (cross - start) * dir;
        if (te >= 0.0 && te <= 1.0 && te > tt) {
          exit = e;
          tt = te;
          rr = ratio;
          denom = d;
        }
      }
      if (exit < 0) return false;  // the segment ends on this surface
      bool silhouette = false;
      const int next = cross_edge(view, tri, exit, silhouette);
      if (!silhouette) {
        if (next < 0) return false;
        const std::int32_t* nt = p.triangles + std::int64_t(next) * 3;
        const std::int32_t a = t[exit], b = t[(exit + 1) % 3];
        entry = -1;
        for (int k = 0; k < 3; ++k)
          if ((nt[k] == a && nt[(k + 1) % 3] == b) || (nt[k] == b && nt[(k + 1) % 3] == a)) entry = k;
        tri = next;
        continue;
      }
      const int i = exit, j = (exit + 1) % 3;
      r.view = view;
      r.near_pix = near_pix;
      r.far_pix = far_pix;
      if (tt > 0.5) {
        r.target = far_pix;
        r.source = near_pix;
        r.k = tt - 0.5;
      } else {
        r.target = near_pix;
        r.source = far_pix;
        r.k = 0.5 - tt;
      }
      // d cross / d(along_i, along_j, across_i, across_j), then through the projection.
      const double d_along[2] = {1.0 - rr, rr};
      const double d_across[2] = {(along[j] - along[i]) * (qc - across[j]) / (denom * denom),
                                  -(along[j] - along[i]) * (qc - across[i]) / (denom * denom)};
      const int ends[2] = {i, j};
      for (int k = 0; k < 2; ++k) {
        const T* v = pos + std::int64_t(t[ends[k]]) * 4;
        const double vx = double(v[0]), vy = double(v[1]), w = double(v[3]);
        const double dsx = dir * (horizontal ? d_along[k] : d_across[k]);  // dt / d screen x
        const double dsy = dir * (horizontal ? d_across[k] : d_along[k]);  // dt / d screen y
        const double kx = 0.5 * p.width / w, ky = 0.5 * p.height / w;
        r.vertex[k] = t[ends[k]];
        r.dt[k][0] = dsx * kx;
        r.dt[k][1] = dsy * ky;
        r.dt[k][2] = -(dsx * kx * vx + dsy * ky * vy) / w;
      }
      return true;
    }
    return false;
  }
};

/// Margin (pixels) by which marking near_silhouette widens an edge: far beyond the rounding of
/// the walk's crossing point.
constexpr double kMarkMargin = 1e-3;

/// Screen coordinates up to which the crossing of an edge with a line is computed to far better
/// than kMarkMargin (relative rounding 1e-16); beyond, an edge marks every pair of its bounds.
constexpr double kExactMarkExtent = 1e6;

/// Marks the neighbour pairs along one axis whose centre segment the edge from (a_along,
/// a_across) to (b_along, b_across) may cross. The segments of this axis lie on the lines
/// across = i + 0.5 (i = 0..lines-1), from along = j + 0.5 to j + 1.5 (j = 0..pairs-1); the pair
/// (j, i) is mask[i * stride_i + j * stride_j]. An edge parallel to the lines never crosses one
/// (the walk skips it); one with an end that is not finite is never walked (its triangles have
/// no facing).
inline void mark_pairs(double a_along, double a_across, double b_along, double b_across, int lines, int pairs,
                       std::int64_t stride_i, std::int64_t stride_j, unsigned char* mask) {
  const double d = b_across - a_across;
  if (!std::isfinite(a_along + a_across + b_along + b_across) || d == 0.0) return;
  const bool exact = std::max(std::max(std::fabs(a_along), std::fabs(b_along)),
                              std::max(std::fabs(a_across), std::fabs(b_across))) <= kExactMarkExtent;
  const double lo = std::min(a_across, b_across), hi = std::max(a_across, b_across);
  // Lines i with i + 0.5 within the edge's extent across (widened), clamped to the image.
  const double first = std::ceil(lo - kMarkMargin - 0.5), last = std::floor(hi + kMarkMargin - 0.5);
  const int i0 = first < 0.0 ? 0 : (first > lines ? lines : static_cast<int>(first));
  const int i1 = last < 0.0 ? -1 : (last > lines - 1 ? lines - 1 : static_cast<int>(last));
  const double slope = (b_along - a_along) / d;
  for (int i = i0; i <= i1; ++i) {
    // The edge's extent along, over the band i + 0.5 +- margin within its own extent across.
    const double c0 = std::max(lo, i + 0.5 - kMarkMargin), c1 = std::min(hi, i + 0.5 + kMarkMargin);
    const double x0 = a_along + (c0 - a_across) * slope, x1 = a_along + (c1 - a_across) * slope;
    double xl = std::min(x0, x1) - kMarkMargin, xh = std::max(x0, x1) + kMarkMargin;
    if (!exact || !std::isfinite(xl) || !std::isfinite(xh)) {
      // Far out or nearly parallel: the whole extent of the edge along the axis.
      xl = std::min(a_along, b_along) - kMarkMargin;
      xh = std::max(a_along, b_along) + kMarkMargin;
    }
    // Pairs j whose segment [j + 0.5, j + 1.5] meets [xl, xh].
    const double jf = std::ceil(xl - 1.5), jl = std::floor(xh - 0.5);
    const int j0 = jf < 0.0 ? 0 : (jf > pairs ? pairs : static_cast<int>(jf));
    const int j1 = jl < 0.0 ? -1 : (jl > pairs - 1 ? pairs - 1 : static_cast<int>(jl));
    for (int j = j0; j <= j1; ++j)
      std::atomic_ref<unsigned char>(mask[i * stride_i + j * stride_j]).store(1, std::memory_order_relaxed);
  }
}

/// Marks the horizontal and vertical pairs of a view that the edge from vertex a to b may cross.
inline void mark_edge_pairs(const double* scr, std::int32_t a, std::int32_t b, int width, int height,
                            unsigned char* mask) {
  const double* pa = scr + std::int64_t(a) * 2;
  const double* pb = scr + std::int64_t(b) * 2;
  const std::int64_t pixels = std::int64_t(width) * height;
  // Horizontal pairs: along x, lines y = const; vertical pairs: along y, lines x = const.
  mark_pairs(pa[0], pa[1], pb[0], pb[1], height, width - 1, width, 1, mask);
  mark_pairs(pa[1], pa[0], pb[1], pb[0], width, height - 1, 1, width, mask + pixels);
}

/// Every triangle's facing, then near_silhouette: the pairs whose segment an edge that can stop
/// a walk may cross. A triangle edge can (cross_edge) when its triangle has a facing
/// and no triangle on the edge, or another one facing differently. Over an undirected edge of
/// one or two triangle edges that is: one triangle with a facing, or two whose facings differ
/// (if they differ, one has a facing); so those edges are taken once each, and only the
/// irregular ones (three or more triangle edges) triangle edge by triangle edge.
template <typename T>
void mark_silhouettes(Context<T>& ctx) {
  const AntialiasParams<T>& p = ctx.p;
  const std::int64_t items = std::int64_t(p.views) * p.triangle_count;
  cpu::parallel_blocks(items, 4096, [&](std::int64_t b, std::int64_t e, int) {
    for (std::int64_t i = b; i < e; ++i)
      ctx.facing[std::size_t(i)] = ctx.compute_facing(static_cast<int>(i / p.triangle_count),
                                                      static_cast<int>(i % p.triangle_count));
  });
  const std::int64_t pixels = std::int64_t(p.height) * p.width;
  ctx.near_silhouette.assign(std::size_t(p.views * 2 * pixels), 0);
  const EdgeTopology& topo = *p.topology;
  const std::int64_t edge_count = static_cast<std::int64_t>(topo.edges.size());
  const std::int64_t irregular = static_cast<std::int64_t>(topo.irregular.size());
  auto view_screen = [&](int view) {
    return ctx.screen.data() + (p.pos_view_stride == 0 ? 0 : std::int64_t(view) * p.vertex_count * 2);
  };
  cpu::parallel_blocks(std::int64_t(p.views) * edge_count, 8192, [&](std::int64_t b, std::int64_t e, int) {
    for (std::int64_t i = b; i < e; ++i) {
      const int view = static_cast<int>(i / edge_count);
      const EdgeTopology::Edge& edge = topo.edges[std::size_t(i % edge_count)];
      const signed char* view_facing = ctx.facing.data() + std::int64_t(view) * p.triangle_count;
      const signed char f = view_facing[edge.first];
      const bool potential = edge.second < 0 ? f != 0 : f != view_facing[edge.second];
      if (potential)
        mark_edge_pairs(view_screen(view), edge.a, edge.b, p.width, p.height,
                        ctx.near_silhouette.data() + view * 2 * pixels);
    }
  });
  cpu::parallel_blocks(std::int64_t(p.views) * irregular, 4096, [&](std::int64_t b, std::int64_t e, int) {
    for (std::int64_t i = b; i < e; ++i) {
      const int view = static_cast<int>(i / irregular);
      const std::int32_t tri_edge = topo.irregular[std::size_t(i % irregular)];
      const int tri = tri_edge / 3, edge = tri_edge % 3;
      const signed char* view_facing = ctx.facing.data() + std::int64_t(view) * p.triangle_count;
      const signed char f = view_facing[tri];
      if (f == 0) continue;  // never walked
      bool potential = false;
      for (std::int32_t o = topo.begin[std::size_t(tri_edge)]; o < topo.begin[std::size_t(tri_edge) + 1] && !potential; ++o)
        potential = view_facing[topo.others[o]] != f;
      const std::int32_t* t = p.triangles + std::int64_t(tri) * 3;
      if (potential)
        mark_edge_pairs(view_screen(view), t[edge], t[(edge + 1) % 3], p.width, p.height,
                        ctx.near_silhouette.data() + view * 2 * pixels);
    }
  });
}

/// The screen position of every finite vertex with w > 0 (NaN for the others), and the silhouette
/// mask when that shortcut is on (triangle facing is otherwise computed on first use).
template <typename T>
void prepare(Context<T>& ctx) {
  const AntialiasParams<T>& p = ctx.p;
  ctx.facing.assign(std::size_t(p.views) * p.triangle_count, kFacingUnknown);  // filled on use
  const std::int64_t pos_views = p.pos_view_stride == 0 ? 1 : p.views;
  ctx.screen.assign(std::size_t(pos_views) * p.vertex_count * 2, std::numeric_limits<double>::quiet_NaN());
  cpu::parallel_blocks(pos_views * p.vertex_count, 8192, [&](std::int64_t b, std::int64_t e, int) {
    for (std::int64_t i = b; i < e; ++i) {
      const std::int64_t view = i / p.vertex_count, vertex = i % p.vertex_count;
      const T* v = p.pos + p.pos_view_stride * view + vertex * 4;
      const double w = double(v[3]);
      if (!(w > 0.0) || !std::isfinite(w) || !std::isfinite(double(v[0])) || !std::isfinite(double(v[1]))) continue;
      ctx.screen[std::size_t(i) * 2] = (double(v[0]) / w * 0.5 + 0.5) * p.width;
      ctx.screen[std::size_t(i) * 2 + 1] = (double(v[1]) / w * 0.5 + 0.5) * p.height;
    }
  });
  if (cpu::fast_path_enabled(cpu::FastPath::SilhouetteMask))
    mark_silhouettes(ctx);
  else
    ctx.near_silhouette.clear();
}

/// Pass 1: evaluates every horizontal and vertical neighbour pair once.
template <typename T>
void evaluate_pairs(Context<T>& ctx) {
  const AntialiasParams<T>& p = ctx.p;
  const std::int64_t rows = std::int64_t(p.views) * p.height;
  const std::int64_t wanted = std::min<std::int64_t>(rows, std::int64_t(cpu::worker_count()) * 16);
  ctx.rows_per_block = (rows + wanted - 1) / wanted;
  const std::int64_t block_count = (rows + ctx.rows_per_block - 1) / ctx.rows_per_block;
  ctx.blocks.assign(std::size_t(block_count), {});
  cpu::parallel_items(block_count, cpu::worker_count(), [&](std::int64_t block, int) {
    // A local list, moved into place at the end: the blocks' vector headers share cache lines,
    // and pushing through them from two workers would bounce those lines between cores.
    std::vector<PairBlend> list;
    PairBlend b;  // filled by pair() when a pair blends
    const std::int64_t row1 = std::min(rows, (block + 1) * ctx.rows_per_block);
    for (std::int64_t row = block * ctx.rows_per_block; row < row1; ++row) {
      const int view = static_cast<int>(row / p.height), y = static_cast<int>(row % p.height);
      const T* rast = p.rast + std::int64_t(view) * p.height * p.width * 4;
      const std::int64_t row_pix = std::int64_t(y) * p.width;
      for (int x = 0; x < p.width; ++x) {
        // Pairs of one triangle (or of background) blend nothing: skip them before pair().
        const int id_here = ctx.id(rast, row_pix + x);
        if (x + 1 < p.width && ctx.id(rast, row_pix + x + 1) != id_here && ctx.pair(view, x, y, true, b))
          list.push_back(b);
        if (y + 1 < p.height && ctx.id(rast, row_pix + p.width + x) != id_here && ctx.pair(view, x, y, false, b))
          list.push_back(b);
      }
    }
    ctx.blocks[std::size_t(block)] = std::move(list);
  });
}

/// Calls fn(pair) for every active pair of pass 1, blocks in row order: a fixed order, so sums
/// over pairs do not depend on the thread count. Active pairs are few (silhouette pixels), so
/// the blend passes walk them serially instead of visiting every pixel.
template <typename T, typename F>
void for_active_pairs(const Context<T>& ctx, F&& fn) {
  for (const std::vector<PairBlend>& block : ctx.blocks)
    for (const PairBlend& b : block) fn(b);
}

/// dst = src for n elements, in parallel blocks.
template <typename T>
void parallel_copy(T* dst, const T* src, std::int64_t n) {
  cpu::parallel_blocks(n, 1 << 16, [&](std::int64_t b, std::int64_t e, int) {
    std::memcpy(static_cast<void*>(dst + b), static_cast<const void*>(src + b), std::size_t(e - b) * sizeof(T));
  });
}

template <typename T>
void forward(const AntialiasParams<T>& p) {
  Context<T> ctx(p, p.work);
  ctx.w.ready = false;
  prepare(ctx);
  evaluate_pairs(ctx);
  ctx.w.ready = true;
  const int C = p.channels;
  const std::int64_t image_size = std::int64_t(p.height) * p.width * C;
  parallel_copy(p.out, p.color, p.views * image_size);
  for_active_pairs(ctx, [&](const PairBlend& b) {
    const T* color = p.color + b.view * image_size;
    T* out = p.out + b.view * image_size + b.target * C;
    const T* c = color + b.target * C;
    const T* src = color + b.source * C;
    for (int ch = 0; ch < C; ++ch) out[ch] += T(b.k) * (src[ch] - c[ch]);
  });
}

template <typename T>
void backward(const AntialiasParams<T>& p) {
  Context<T> ctx(p, p.work);
  if (!ctx.w.ready) {
    prepare(ctx);
    evaluate_pairs(ctx);
  }
  const int C = p.channels;
  const std::int64_t image_size = std::int64_t(p.height) * p.width * C;
  const std::int64_t pos_views = p.pos_view_stride == 0 ? 1 : p.views;
  parallel_copy(p.grad_color, p.grad_out, p.views * image_size);
  std::memset(static_cast<void*>(p.grad_pos), 0, std::size_t(pos_views) * p.vertex_count * 4 * sizeof(T));
  for_active_pairs(ctx, [&](const PairBlend& b) {
    const std::int64_t image = b.view * image_size;
    const T* color = p.color + image;
    const T* g = p.grad_out + image + b.target * C;  // the blended pixel's gradient
    T* g_target = p.grad_color + image + b.target * C;
    T* g_source = p.grad_color + image + b.source * C;
    for (int ch = 0; ch < C; ++ch) {
      g_target[ch] -= T(b.k) * g[ch];
      g_source[ch] += T(b.k) * g[ch];
    }
    const T* cn = color + b.near_pix * C;
    const T* cf = color + b.far_pix * C;
    double g_t = 0;
    for (int ch = 0; ch < C; ++ch) g_t += double(g[ch]) * (double(cn[ch]) - double(cf[ch]));
    if (g_t == 0.0) return;
    T* gpos = p.grad_pos + (p.pos_view_stride == 0 ? 0 : std::int64_t(b.view) * p.vertex_count * 4);
    for (int k = 0; k < 2; ++k) {
      T* dst = gpos + std::int64_t(b.vertex[k]) * 4;
      const double d0 = g_t * b.dt[k][0], d1 = g_t * b.dt[k][1], d3 = g_t * b.dt[k][2];
      if (std::isfinite(d0) && std::isfinite(d1) && std::isfinite(d3)) {
        dst[0] += T(d0);
        dst[1] += T(d1);
        dst[3] += T(d3);
      }
    }
  });
}

}  // namespace

void antialias_forward_cpu(const AntialiasParams<float>& p) { forward(p); }
void antialias_forward_cpu(const AntialiasParams<double>& p) { forward(p); }
void antialias_backward_cpu(const AntialiasParams<float>& p) { backward(p); }
void antialias_backward_cpu(const AntialiasParams<double>& p) { backward(p); }

}  // namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS
