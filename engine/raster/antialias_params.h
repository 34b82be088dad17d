#pragma once
// Antialias: plain parameters and kernel entry points (no LibTorch).
//
// For every pair of horizontally or vertically adjacent pixels whose triangle ids differ, the
// surface of the nearer pixel's triangle (the only one if the other is empty) is followed along
// the segment between the two pixel centres: where the segment leaves a triangle through an
// interior edge it continues in the same-facing neighbour (up to 16 triangles, so sub-pixel
// triangles seen edge-on at silhouettes are crossed); where it leaves through a silhouette edge
// (no neighbour facing the same way: a mesh boundary or a front/back fold), that edge crosses the
// segment at t (0 at the nearer centre, 1 at the other). If the segment ends on the surface
// (continuous surface, no silhouette), nothing blends. Treating the segment as the two pixels' 1D footprint,
// the nearer surface covers t - 1/2 of the far pixel (t > 1/2: out_far += (t - 1/2)(c_near - c_far))
// or leaves 1/2 - t of its own pixel uncovered (out_near += (1/2 - t)(c_far - c_near)). The
// result is continuous in the vertex positions, which is where silhouette gradients come from.
#include <cstdint>
#include <vector>

namespace likeness::raster {

/// For every triangle edge e of triangle t (edge e joins corners e and (e + 1) % 3), the other
/// triangles sharing that undirected edge: others[begin[3t + e] .. begin[3t + e + 1]).
struct EdgeTopology {
  int triangle_count = 0;
  int vertex_count = 0;
  std::vector<std::int32_t> begin;
  std::vector<std::int32_t> others;
  /// Every undirected edge of one or two triangle edges, once: vertices a < b and its triangles
  /// (second -1 on a mesh boundary). Edges of three or more triangle edges (non-manifold) are in
  /// `irregular` instead, as triangle edge indices 3t + e.
  struct Edge {
    std::int32_t a, b, first, second;
  };
  std::vector<Edge> edges;
  std::vector<std::int32_t> irregular;
};

/// Builds the edge adjacency of validated triangles (indices in 0..vertex_count-1).
EdgeTopology build_edge_topology(const std::int32_t* triangles, int triangle_count, int vertex_count);

/// One neighbour pair's blend, from the surface walk described above:
/// out[target] += k * (c[source] - c[target]), and d out[target] / dt = c_near - c_far.
struct AntialiasPair {
  int view = 0;                         ///< the view of the pair
  std::int64_t target = 0, source = 0;  ///< pixel indices within the view
  std::int64_t near_pix = 0, far_pix = 0;
  double k = 0;
  int vertex[2] = {0, 0};                     ///< the silhouette edge's end vertices
  double dt[2][3] = {{0, 0, 0}, {0, 0, 0}};  ///< dt / d(clip x, y, w) of each end vertex
};

/// The pairs pass of one call (facing, screen positions, silhouette mask, active pairs by block).
/// The forward pass fills it when given one; a backward pass with the same inputs reuses it
/// instead of walking every pair again.
struct AntialiasWork {
  bool ready = false;                 ///< set by the forward pass once complete
  std::vector<signed char> facing;    ///< [views][triangles]: sign of the screen area (+1 counter-clockwise), 0 (a vertex without a screen position), 2 (not needed yet)
  std::vector<double> screen;         ///< [pos views][vertices][2] pixel coordinates, NaN where w <= 0 or not finite
  /// [views][2][height][width]: 1 for a neighbour pair (plane 0: pixel and its right
  /// neighbour, plane 1: pixel and the one above, indexed by the first pixel) whose centre
  /// segment a potential silhouette edge (a mesh boundary, or an edge whose triangles do not
  /// all face one way) may cross, within 1e-3 px; empty when the shortcut is off. A pair blends
  /// only where such an edge crosses its segment, so only marked pairs are walked.
  std::vector<unsigned char> near_silhouette;
  std::int64_t rows_per_block = 1;    ///< image rows (over all views) per pair block
  std::vector<std::vector<AntialiasPair>> blocks;  ///< active pairs per block of rows
};

template <typename T>
struct AntialiasParams {
  const T* color = nullptr;  ///< [views][height][width][channels]
  int channels = 0;
  const T* rast = nullptr;   ///< [views][height][width][4]
  const T* pos = nullptr;    ///< clip-space [pos_views][vertex_count][4]
  std::int64_t pos_view_stride = 0;
  int vertex_count = 0;
  const std::int32_t* triangles = nullptr;
  int triangle_count = 0;
  const EdgeTopology* topology = nullptr;
  int views = 0;
  int height = 0;
  int width = 0;

  T* out = nullptr;  ///< forward output, like color
  AntialiasWork* work = nullptr;  ///< optional: filled by forward, reused by backward when ready

  const T* grad_out = nullptr;  ///< backward
  T* grad_color = nullptr;      ///< overwritten
  T* grad_pos = nullptr;        ///< overwritten, like pos
};

void antialias_forward_cpu(const AntialiasParams<float>& p);
void antialias_forward_cpu(const AntialiasParams<double>& p);
void antialias_backward_cpu(const AntialiasParams<float>& p);
void antialias_backward_cpu(const AntialiasParams<double>& p);

}  // namespace likeness::raster
