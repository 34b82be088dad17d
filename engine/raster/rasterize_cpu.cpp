// Rasterize on the CPU: triangle setup with homogeneous clipping, binning into 16x16 pixel tiles,
// tiles rasterized in parallel with fixed-point edge functions (top-left fill rule) and a depth
// test, then one perspective-correct barycentric evaluation per covered pixel.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "engine/raster/cpu_parallel.h"
#include "engine/raster/fast_paths.h"
#include "engine/raster/raster_math.h"
#include "engine/raster/rasterize_params.h"
#include "engine/raster/kernel_isa.h"  // last: what follows is compiled per instruction set

namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS {
namespace {

constexpr int kTileShift = 4;
constexpr int kTile = 1 << kTileShift;
constexpr std::int64_t kSub = 1 << kSubpixelBits;  // fixed-point units per pixel
constexpr std::int64_t kHalf = kSub / 2;

/// Doubles as wide as the instruction set's registers (kernel_isa.h): several vertices or pixels
/// evaluated at once, each lane with exactly the operations of one at a time.
constexpr int kLanes = LIKENESS_RASTER_VECTOR_BYTES / int(sizeof(double));
typedef double Lanes __attribute__((vector_size(LIKENESS_RASTER_VECTOR_BYTES)));
using LaneMask = math::Mask<Lanes>;

inline Lanes load_lanes(const double* a) {
  Lanes out;
  std::memcpy(&out, a, sizeof out);
  return out;
}

/// One screen-space triangle ready for tile rasterization (a clipped piece of a mesh triangle).
/// Aligned to a cache line: each one is read and written as one line (unaligned, every other
/// primitive straddled two, and the bins' chunk boundaries shared lines between workers).
struct alignas(64) Prim {
  std::int32_t x[3], y[3];  // fixed-point vertex positions, counter-clockwise (y up)
  double za, zb, zc;        // z/w = za * px + zb * py + zc at pixel index (px, py)
  std::int32_t triangle;
  std::int16_t x0, x1, y0, y1;  // inclusive pixel bounds of possibly covered centres (< kMaxRasterSize)
};
static_assert(sizeof(Prim) == 64, "a binned primitive is one cache line");

/// One covered pixel centre of a small triangle (SmallTriangleCoverage): only its depth there is
/// needed. A quarter of a Prim: on a dense mesh nearly every triangle that draws anything covers
/// a few known centres, and the binning passes are bound by memory traffic once both cores run.
struct Point {
  double z;
  std::int32_t triangle;
  std::int16_t x, y;
};
static_assert(sizeof(Point) == 16, "a point primitive is sixteen bytes");

/// What triangle setup emits: general primitives and covered centres.
struct Emitted {
  std::vector<Prim> prims;
  std::vector<Point> points;
  void clear() {
    prims.clear();
    points.clear();
  }
  /// Stores a finished primitive: as its covered centres where setup found them (`covered`, bit
  /// k: centre (x0 + k % columns, y0 + k / columns) of its bounds), else whole. The depth of a
  /// centre is the expression the tile pass evaluates.
  void add(const Prim& prim, unsigned covered, int columns) {
    if (covered == 0) {
      prims.push_back(prim);
      return;
    }
    for (; covered != 0; covered &= covered - 1) {
      const int k = std::countr_zero(covered);
      const int x = prim.x0 + k % columns, y = prim.y0 + k / columns;
      points.push_back({prim.za * x + (prim.zb * y + prim.zc), prim.triangle, std::int16_t(x), std::int16_t(y)});
    }
  }
};

struct ClipVertex {
  double c[4];  // x, y, z, w
};

/// floor(a / kSub): an arithmetic shift (C++20 defines >> on negative values as flooring).
inline std::int64_t floor_sub(std::int64_t a) { return a >> kSubpixelBits; }

/// std::llround (half away from zero) without the library call, for |x| < 2^52, where x minus
/// its truncation is exact; other values (huge, NaN) go to std::llround.
inline std::int64_t round_fixed(double x) {
  if (!(std::fabs(x) < 4503599627370496.0)) return std::llround(x);
  const std::int64_t t = static_cast<std::int64_t>(x);
  const double f = x - double(t);
  // Comparisons as 0/1 rather than branches: the rounding direction is a coin toss.
  return t + std::int64_t(f >= 0.5) - std::int64_t(f <= -0.5);
}

struct Viewport {
  int width, height;
  double guard_x, guard_y;  // clip |x| <= guard_x * w keeps fixed-point coordinates in range
  bool small_coverage = false;  // FastPath::SmallTriangleCoverage
  // Per-call constants of the depth plane (the same expressions, hoisted out of the triangle loop).
  double half_x = 0, half_y = 0;  // 1 / width - 1, 1 / height - 1
  // x * 2 / width as a product when width is a power of two (exact scaling: the same value).
  bool pow2_x = false, pow2_y = false;
  double scale_x = 0, scale_y = 0;  // 1 / width, 1 / height when pow2
  void init_constants() {
    half_x = 1.0 / width - 1.0;
    half_y = 1.0 / height - 1.0;
    pow2_x = (width & (width - 1)) == 0;
    pow2_y = (height & (height - 1)) == 0;
    scale_x = 1.0 / width;
    scale_y = 1.0 / height;
  }
  double over_width(double v) const { return pow2_x ? v * scale_x : v / width; }
  double over_height(double v) const { return pow2_y ? v * scale_y : v / height; }
};

/// NDC of pixel centre i on an axis of n pixels, (i + 0.5) / n * 2 - 1; for n a power of two the
/// division is an exact scaling, so a product by 1 / n gives the same value.
inline double pixel_ndc(int i, int n) {
  const double c = i + 0.5;
  return ((n & (n - 1)) == 0 ? c * (1.0 / n) : c / n) * 2.0 - 1.0;
}

/// Bounds (in pixel centres) up to which emit_fixed tests coverage itself and emits the covered
/// centres as points (at most 32: one bit each); up to kBranchFreeCentres it tests all of them
/// whatever the bounds (most triangles of a dense mesh are this small).
constexpr int kPointCentres = 16;
constexpr int kBranchFreeCentres = 4;
static_assert(kPointCentres <= 32 && kBranchFreeCentres <= kPointCentres, "one bit per centre");

/// Integer edge functions of a primitive at pixel centres: e_k(x, y) = a[k] x + b[k] y + c[k] >= 0
/// for all k means covered (top-left rule folded into c).
struct EdgeFunctions {
  std::int64_t a[3], b[3], c[3];
  bool covers(std::int64_t x, std::int64_t y) const {
    return ((a[0] * x + b[0] * y + c[0]) | (a[1] * x + b[1] * y + c[1]) | (a[2] * x + b[2] * y + c[2])) >= 0;
  }
};

constexpr int kPlaneCount = 6;

/// Signed distances of a clip-space point to the clip planes (inside when >= 0): near, far, then
/// the guard band's right, left, top and bottom. V: double, or one point per lane.
template <typename V>
[[gnu::always_inline]] inline void plane_distances(V x, V y, V z, V w, const Viewport& vp, V (&d)[kPlaneCount]) {
  d[0] = z + w;
  d[1] = w - z;
  d[2] = vp.guard_x * w - x;
  d[3] = vp.guard_x * w + x;
  d[4] = vp.guard_y * w - y;
  d[5] = vp.guard_y * w + y;
}

/// Signed distance of a vertex to clip plane `k`.
double plane_distance(const ClipVertex& v, int k, const Viewport& vp) {
  double d[kPlaneCount];
  plane_distances(v.c[0], v.c[1], v.c[2], v.c[3], vp, d);
  return d[k];
}

struct Projected {
  double x, y, z;  // pixel coordinates and z/w
};

/// z/w as an affine function of the pixel index: za * x + zb * y + zc (valid = false when the
/// triangle's plane passes through the eye).
struct DepthPlane {
  double za = 0, zb = 0, zc = 0;
  bool valid = false;
};

/// The exact depth plane of a clip-space triangle: z/w = (sum_i z_i E_i) . p / det(v0, v1, v2) with
/// E_i the homogeneous edge functions and p = (px, py, 1) in NDC. Independent of clipping and of
/// vertex snapping, so nearly coplanar surfaces resolve as precisely as the inputs allow.
DepthPlane exact_depth_plane(const ClipVertex (&v)[3], const Viewport& vp) {
  DepthPlane plane;
  math::ClipTriangle t;
  for (int i = 0; i < 3; ++i) {
    t.v[i] = {v[i].c[0], v[i].c[1], v[i].c[3]};
    t.z[i] = v[i].c[2];
  }
  const math::Vec3 e[3] = {math::cross(t.v[1], t.v[2]), math::cross(t.v[2], t.v[0]), math::cross(t.v[0], t.v[1])};
  const double det = math::dot(e[0], t.v[0]);
  if (det == 0.0 || !std::isfinite(det)) return plane;
  const math::Vec3 n = t.z[0] * e[0] + t.z[1] * e[1] + t.z[2] * e[2];
  // NDC px = (x + 0.5) * 2 / W - 1.
  // One division (a rounding apart from three quotients); three where 1 / det overflows.
  const double inv_det = 1.0 / det;
  const bool finite_inv = std::isfinite(inv_det);
  const double ax = finite_inv ? n.x * inv_det : n.x / det, ay = finite_inv ? n.y * inv_det : n.y / det,
               c = finite_inv ? n.z * inv_det : n.z / det;
  plane.za = vp.over_width(ax * 2.0);
  plane.zb = vp.over_height(ay * 2.0);
  plane.zc = c + ax * vp.half_x + ay * vp.half_y;
  plane.valid = std::isfinite(plane.za) && std::isfinite(plane.zb) && std::isfinite(plane.zc);
  return plane;
}

/// The depth plane of a mesh triangle, computed on first use from its three clip-space vertices:
/// most of a dense mesh's triangles cover no pixel centre and never need it.
template <typename T>
struct LazyPlane {
  LazyPlane(const T* a, const T* b, const T* c, const Viewport& viewport) : src{a, b, c}, vp(viewport) {}
  const T* src[3];
  const Viewport& vp;
  bool ready = false;
  DepthPlane plane;
  const DepthPlane& get() {
    if (!ready) {
      ClipVertex v[3];
      for (int i = 0; i < 3; ++i)
        for (int c = 0; c < 4; ++c) v[i].c[c] = double(src[i][c]);
      plane = exact_depth_plane(v, vp);
      ready = true;
    }
    return plane;
  }
};

EdgeFunctions edge_functions(const Prim& prim) {
  EdgeFunctions f;
  for (int e = 0; e < 3; ++e) {
    const int a = e, bb = (e + 1) % 3;
    const std::int64_t dx = std::int64_t(prim.x[bb]) - prim.x[a], dy = std::int64_t(prim.y[bb]) - prim.y[a];
    // Top-left rule (y up, counter-clockwise): pixels exactly on an edge belong to the
    // triangle for which that edge is a left edge (going down) or a top edge (going left).
    const bool top_left = dy < 0 || (dy == 0 && dx < 0);
    f.a[e] = -kSub * dy;
    f.b[e] = kSub * dx;
    f.c[e] = dx * (kHalf - prim.y[a]) - dy * (kHalf - prim.x[a]) - (top_left ? 0 : 1);
  }
  return f;
}

/// Emits the screen triangle with fixed-point vertices (fx, fy); `vertex_z(i)` gives the z/w of
/// vertex i, needed only where the exact depth plane is not finite. Branch-light: a dense mesh
/// sends most of its triangles through here, and whether a triangle faces the camera or covers
/// a centre is a coin toss the branch predictor loses.
template <typename Plane, typename VertexZ>
void emit_fixed(const std::int64_t (&fx)[3], const std::int64_t (&fy)[3], int triangle, Plane& lazy,
                VertexZ&& vertex_z, const Viewport& vp, Emitted& out) {
  std::int64_t area = (fx[1] - fx[0]) * (fy[2] - fy[0]) - (fx[2] - fx[0]) * (fy[1] - fy[0]);
  if (area == 0) return;
  // Counter-clockwise order: vertices 1 and 2 swap for a negative area (selects, not branches).
  const bool flip = area < 0;
  area = flip ? -area : area;
  const int second = flip ? 2 : 1, third = flip ? 1 : 2;
  Prim prim;
  prim.x[0] = static_cast<std::int32_t>(fx[0]);
  prim.y[0] = static_cast<std::int32_t>(fy[0]);
  prim.x[1] = static_cast<std::int32_t>(flip ? fx[2] : fx[1]);
  prim.y[1] = static_cast<std::int32_t>(flip ? fy[2] : fy[1]);
  prim.x[2] = static_cast<std::int32_t>(flip ? fx[1] : fx[2]);
  prim.y[2] = static_cast<std::int32_t>(flip ? fy[1] : fy[2]);
  const std::int64_t min_x = std::min(std::min(fx[0], fx[1]), fx[2]), max_x = std::max(std::max(fx[0], fx[1]), fx[2]);
  const std::int64_t min_y = std::min(std::min(fy[0], fy[1]), fy[2]), max_y = std::max(std::max(fy[0], fy[1]), fy[2]);
  // Pixel x has its centre at x * kSub + kHalf.
  std::int64_t x0 = std::max<std::int64_t>(floor_sub(min_x - kHalf + kSub - 1), 0);
  std::int64_t y0 = std::max<std::int64_t>(floor_sub(min_y - kHalf + kSub - 1), 0);
  std::int64_t x1 = std::min<std::int64_t>(floor_sub(max_x - kHalf), vp.width - 1);
  std::int64_t y1 = std::min<std::int64_t>(floor_sub(max_y - kHalf), vp.height - 1);
  if ((x0 > x1) | (y0 > y1)) return;
  const std::int64_t columns = x1 - x0 + 1, centres = columns * (y1 - y0 + 1);
  unsigned covered = 0;
  if (vp.small_coverage && centres <= kPointCentres) {
    // A small triangle: its few centres are tested here and the covered ones emitted as points
    // (none: the triangle draws nothing and needs no depth plane); the tile pass would find
    // exactly these. Up to kBranchFreeCentres, all candidates are evaluated and those past the
    // bounds masked off, so no branch depends on the geometry.
    const EdgeFunctions ef = edge_functions(prim);
    if (centres <= kBranchFreeCentres) {
      for (int k = 0; k < kBranchFreeCentres; ++k)
        covered |= unsigned(ef.covers(x0 + k % columns, y0 + k / columns) & (k < centres)) << k;
    } else {
      for (int k = 0; k < centres; ++k) covered |= unsigned(ef.covers(x0 + k % columns, y0 + k / columns)) << k;
    }
    if (covered == 0) return;
  }
  prim.x0 = static_cast<std::int16_t>(x0);
  prim.x1 = static_cast<std::int16_t>(x1);
  prim.y0 = static_cast<std::int16_t>(y0);
  prim.y1 = static_cast<std::int16_t>(y1);

  const DepthPlane& exact = lazy.get();
  if (exact.valid) {
    prim.za = exact.za;
    prim.zb = exact.zb;
    prim.zc = exact.zc;
    prim.triangle = triangle;
    out.add(prim, covered, int(columns));
    return;
  }
  // Fallback: the plane through the snapped vertices (pixel units), whose determinant is never zero.
  const int order[3] = {0, second, third};
  double sx[3], sy[3], sz[3];
  for (int i = 0; i < 3; ++i) {
    sx[i] = double(prim.x[i]) / kSub;
    sy[i] = double(prim.y[i]) / kSub;
    sz[i] = vertex_z(order[i]);
  }
  const double det = double(area) / double(kSub * kSub);
  prim.za = ((sz[1] - sz[0]) * (sy[2] - sy[0]) - (sz[2] - sz[0]) * (sy[1] - sy[0])) / det;
  prim.zb = ((sx[1] - sx[0]) * (sz[2] - sz[0]) - (sx[2] - sx[0]) * (sz[1] - sz[0])) / det;
  prim.zc = sz[0] + prim.za * (0.5 - sx[0]) + prim.zb * (0.5 - sy[0]);
  if (!std::isfinite(prim.za) || !std::isfinite(prim.zb) || !std::isfinite(prim.zc)) return;
  prim.triangle = triangle;
  out.add(prim, covered, int(columns));
}

/// Pixel coordinates and z/w of a clip-space point (meaningful where w > 0). V: double, or one
/// point per lane.
template <typename V>
[[gnu::always_inline]] inline void projection(V x, V y, V z, V w, const Viewport& vp, V& px, V& py, V& pz) {
  px = (x / w * 0.5 + 0.5) * double(vp.width);
  py = (y / w * 0.5 + 0.5) * double(vp.height);
  pz = z / w;
}

bool project(const ClipVertex& v, const Viewport& vp, Projected& out) {
  const double w = v.c[3];
  if (!(w > 0.0)) return false;
  projection(v.c[0], v.c[1], v.c[2], w, vp, out.x, out.y, out.z);
  return std::isfinite(out.x) && std::isfinite(out.y) && std::isfinite(out.z);
}

/// Per-vertex setup shared by the triangles around a vertex: finiteness, outcode against the clip
/// planes and, for vertices inside all of them, the fixed-point snap of the projection. Twelve
/// bytes, so a view's vertices stay in cache while its triangles gather them.
struct VertexSetup {
  std::int32_t fx = 0, fy = 0;  // valid when projected (within the guard band: |fx| < 2^28)
  std::uint8_t finite = 0;
  std::uint8_t projected = 0;   // inside every plane and projected
  std::uint8_t code = 0;        // bit k: outside plane k
};
static_assert(sizeof(VertexSetup) == 12, "a vertex setup is twelve bytes");

/// The VertexSetup of vertices first..last-1 (vertex i at pos_of(i)), kLanes at a time: outcode,
/// projection and finiteness in vectors (plane_distances and projection, as the clipping path
/// uses them), then the snap lane by lane.
template <typename T, typename PosOf>
void setup_vertices(std::int64_t first, std::int64_t last, PosOf&& pos_of, const Viewport& vp, VertexSetup* out) {
  alignas(LIKENESS_RASTER_VECTOR_BYTES) double in[4][kLanes];
  alignas(LIKENESS_RASTER_VECTOR_BYTES) double snap[2][kLanes];
  alignas(LIKENESS_RASTER_VECTOR_BYTES) std::int64_t flags[3][kLanes];
  for (std::int64_t i0 = first; i0 < last; i0 += kLanes) {
    const int n = static_cast<int>(std::min<std::int64_t>(kLanes, last - i0));
    for (int l = 0; l < kLanes; ++l) {
      const T* src = l < n ? pos_of(i0 + l) : nullptr;
      for (int c = 0; c < 4; ++c) in[c][l] = src ? double(src[c]) : 0.0;
    }
    const Lanes x = load_lanes(in[0]), y = load_lanes(in[1]), z = load_lanes(in[2]), w = load_lanes(in[3]);
    const LaneMask finite = math::finite(x) & math::finite(y) & math::finite(z) & math::finite(w);
    // Bit k: outside plane k.
    Lanes distance[kPlaneCount];
    plane_distances(x, y, z, w, vp, distance);
    LaneMask code{};
    for (int k = 0; k < kPlaneCount; ++k) code |= LaneMask(distance[k] < 0.0) & (1 << k);
    // project(): pixel coordinates and z/w, all finite.
    Lanes px, py, pz;
    projection(x, y, z, w, vp, px, py, pz);
    const LaneMask projected = finite & (code == 0) & LaneMask(w > 0.0) & math::finite(px) & math::finite(py) &
                               math::finite(pz);
    const Lanes sx = px * double(kSub), sy = py * double(kSub);
    std::memcpy(snap[0], &sx, sizeof sx);
    std::memcpy(snap[1], &sy, sizeof sy);
    std::memcpy(flags[0], &finite, sizeof finite);
    std::memcpy(flags[1], &code, sizeof code);
    std::memcpy(flags[2], &projected, sizeof projected);
    for (int l = 0; l < n; ++l) {
      VertexSetup v;
      if (flags[0][l] != 0) {
        v.finite = 1;
        v.code = static_cast<std::uint8_t>(flags[1][l]);
        if (flags[2][l] != 0) {
          v.projected = 1;
          v.fx = static_cast<std::int32_t>(round_fixed(snap[0][l]));
          v.fy = static_cast<std::int32_t>(round_fixed(snap[1][l]));
        }
      }
      out[i0 + l] = v;
    }
  }
}

/// Clips one mesh triangle against near, far and the guard band, and emits its screen pieces.
template <typename T>
void setup_triangle(const T* pos, const VertexSetup* vs, const std::int32_t* tri, int triangle, const Viewport& vp,
                    Emitted& out) {
  const VertexSetup& s0 = vs[tri[0]];
  const VertexSetup& s1 = vs[tri[1]];
  const VertexSetup& s2 = vs[tri[2]];
  const T* src[3] = {pos + std::int64_t(tri[0]) * 4, pos + std::int64_t(tri[1]) * 4, pos + std::int64_t(tri[2]) * 4};
  LazyPlane<T> plane(src[0], src[1], src[2], vp);
  if (s0.projected & s1.projected & s2.projected) {
    // The common case: inside every plane, no clipping.
    const std::int64_t fx[3] = {s0.fx, s1.fx, s2.fx}, fy[3] = {s0.fy, s1.fy, s2.fy};
    // z/w as project() computes it, for the rare fallback plane.
    auto vertex_z = [&](int i) { return double(src[i][2]) / double(src[i][3]); };
    emit_fixed(fx, fy, triangle, plane, vertex_z, vp, out);
    return;
  }
  if (!s0.finite || !s1.finite || !s2.finite) return;
  const unsigned outside_all = s0.code & s1.code & s2.code;
  const unsigned outside_any = s0.code | s1.code | s2.code;
  // Entirely outside one plane, or inside all with a vertex that does not project.
  if (outside_all != 0 || outside_any == 0) return;
  ClipVertex v[3];
  for (int i = 0; i < 3; ++i)
    for (int c = 0; c < 4; ++c) v[i].c[c] = double(src[i][c]);
  // Sutherland-Hodgman in homogeneous space. Intersections are computed from the inside vertex
  // toward the outside one, so an edge shared by two triangles is cut at the same point in both.
  ClipVertex poly[3 + kPlaneCount], next[3 + kPlaneCount];
  int n = 3;
  std::copy(v, v + 3, poly);
  for (int k = 0; k < kPlaneCount && n > 0; ++k) {
    if (!(outside_any & (1u << k))) continue;
    int m = 0;
    for (int i = 0; i < n; ++i) {
      const ClipVertex& a = poly[i];
      const ClipVertex& b = poly[(i + 1) % n];
      const double da = plane_distance(a, k, vp), db = plane_distance(b, k, vp);
      const bool ina = da >= 0.0, inb = db >= 0.0;
      if (ina) next[m++] = a;
      if (ina != inb) {
        const ClipVertex& in = ina ? a : b;
        const ClipVertex& outv = ina ? b : a;
        const double din = ina ? da : db, dout = ina ? db : da;
        const double t = din / (din - dout);
        ClipVertex c;
        for (int j = 0; j < 4; ++j) c.c[j] = in.c[j] + t * (outv.c[j] - in.c[j]);
        next[m++] = c;
      }
    }
    n = m;
    std::copy(next, next + n, poly);
  }
  if (n < 3) return;
  Projected pp[3 + kPlaneCount];
  for (int i = 0; i < n; ++i)
    if (!project(poly[i], vp, pp[i])) return;
  for (int i = 1; i + 1 < n; ++i) {
    const Projected* piece[3] = {&pp[0], &pp[i], &pp[i + 1]};
    std::int64_t fx[3], fy[3];
    for (int k = 0; k < 3; ++k) {
      fx[k] = round_fixed(piece[k]->x * kSub);
      fy[k] = round_fixed(piece[k]->y * kSub);
    }
    auto vertex_z = [&](int k) { return piece[k]->z; };
    emit_fixed(fx, fy, triangle, plane, vertex_z, vp, out);
  }
}

/// Scratch memory kept between calls by the calling thread.
struct Scratch {
  std::vector<VertexSetup> vertices;  // [pos views][vertex_count]
  std::vector<Emitted> chunk_out;
  std::vector<std::int64_t> counts, point_counts;  // [chunk][tile]
  std::vector<std::int64_t> tile_begin, point_tile_begin;
  // Copies, so each tile reads its primitives sequentially.
  std::vector<Prim> bins;
  std::vector<Point> point_bins;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

/// Pixels evaluated together, one per lane: the clip vertices of each pixel's triangle and the
/// pixel's NDC position. Lanes past `count` hold zeros, which make no valid barycentrics.
struct PixelBatch {
  alignas(LIKENESS_RASTER_VECTOR_BYTES) double v[3][3][kLanes];  // vertex, (x, y, w), lane
  alignas(LIKENESS_RASTER_VECTOR_BYTES) double z[3][kLanes];
  alignas(LIKENESS_RASTER_VECTOR_BYTES) double px[kLanes], py[kLanes];
  int count = 0;

  bool full() const { return count == kLanes; }
  /// Appends the pixel at NDC (x, y) on the triangle with clip vertices p[0..2]; returns its lane.
  template <typename T>
  int add(const T* const (&p)[3], double x, double y) {
    const int l = count++;
    for (int i = 0; i < 3; ++i) {
      v[i][0][l] = double(p[i][0]);
      v[i][1][l] = double(p[i][1]);
      v[i][2][l] = double(p[i][3]);
      z[i][l] = double(p[i][2]);
    }
    px[l] = x;
    py[l] = y;
    return l;
  }
  /// The lanes as vectors, unused lanes zeroed.
  math::ClipTriangleT<Lanes> triangle() {
    for (int l = count; l < kLanes; ++l) {
      for (int i = 0; i < 3; ++i) v[i][0][l] = v[i][1][l] = v[i][2][l] = z[i][l] = 0.0;
      px[l] = py[l] = 0.0;
    }
    math::ClipTriangleT<Lanes> t;
    for (int i = 0; i < 3; ++i) {
      t.v[i].x = load_lanes(v[i][0]);
      t.v[i].y = load_lanes(v[i][1]);
      t.v[i].z = load_lanes(v[i][2]);
      t.z[i] = load_lanes(z[i]);
    }
    return t;
  }
};

/// The triangle's clip vertices, for the three vertex indices at `tri`.
template <typename T>
struct TriangleVertices {
  const T* p[3];
  TriangleVertices(const T* pos, const std::int32_t* tri)
      : p{pos + std::int64_t(tri[0]) * 4, pos + std::int64_t(tri[1]) * 4, pos + std::int64_t(tri[2]) * 4} {}
};

/// The resolve pass of a tile: barycentrics, z/w, triangle id and (with rast_db) derivatives of
/// its covered pixels, several pixels at a time.
template <typename T>
class TileResolver {
public:
  TileResolver(const RasterizeForwardParams<T>& p, const T* pos) : p_(p), pos_(pos) {}

  /// Pixel (x, y), output offset `o`, covered by `triangle` (its depth-plane z/w `plane_z`).
  void add(int x, int y, std::int64_t o, int triangle, double plane_z) {
    const TriangleVertices<T> tv(pos_, p_.triangles + static_cast<std::int64_t>(triangle) * 3);
    const int l = batch_.add(tv.p, pixel_ndc(x, p_.width), pixel_ndc(y, p_.height));
    offset_[l] = o;
    triangle_[l] = triangle;
    plane_z_[l] = plane_z;
    if (batch_.full()) flush();
  }

  void flush() {
    if (batch_.count == 0) return;
    const math::ClipTriangleT<Lanes> t = batch_.triangle();
    const math::PixelBarycentricsT<Lanes> r =
        math::pixel_barycentrics(t, load_lanes(batch_.px), load_lanes(batch_.py));
    Lanes db[4] = {};
    if (p_.rast_db) math::barycentric_derivatives(r, p_.width, p_.height, db);
    for (int l = 0; l < batch_.count; ++l) {
      const bool valid = r.valid[l] != 0;
      T* out = p_.rast + offset_[l];
      if (valid) {
        out[0] = T(r.b[0][l]);
        out[1] = T(r.b[1][l]);
        out[2] = T(r.zw[l]);
      } else {
        out[0] = T(1.0 / 3.0);
        out[1] = T(1.0 / 3.0);
        out[2] = T(plane_z_[l]);
      }
      out[3] = T(triangle_[l] + 1);
      if (p_.rast_db) {
        T* out_db = p_.rast_db + offset_[l];
        for (int c = 0; c < 4; ++c) {
          const double d = valid ? db[c][l] : 0.0;
          out_db[c] = std::isfinite(d) ? T(d) : T(0);
        }
      }
    }
    batch_.count = 0;
  }

private:
  const RasterizeForwardParams<T>& p_;
  const T* pos_;
  PixelBatch batch_;
  std::int64_t offset_[kLanes];
  int triangle_[kLanes];
  double plane_z_[kLanes];
};

template <typename T>
void forward(const RasterizeForwardParams<T>& p) {
  const int width = p.width, height = p.height, views = p.views;
  const int tiles_x = (width + kTile - 1) / kTile, tiles_y = (height + kTile - 1) / kTile;
  const int tiles = tiles_x * tiles_y;
  const int workers = cpu::worker_count();
  const int per_view = std::max(1, std::min(p.triangle_count / 1024 + 1, workers * 4));
  const int chunks = views * per_view;

  Viewport vp;
  vp.width = width;
  vp.height = height;
  vp.guard_x = double(1 << 20) / width;
  vp.guard_y = double(1 << 20) / height;
  vp.small_coverage = cpu::fast_path_enabled(cpu::FastPath::SmallTriangleCoverage);
  vp.init_constants();

  Scratch& s = scratch();
  if (static_cast<int>(s.chunk_out.size()) < chunks) s.chunk_out.resize(chunks);
  s.counts.assign(static_cast<std::size_t>(chunks) * tiles, 0);
  s.point_counts.assign(static_cast<std::size_t>(chunks) * tiles, 0);

  // 0. Vertex setup, once per vertex and view.
  const std::int64_t pos_views = p.pos_view_stride == 0 ? 1 : views;
  s.vertices.resize(static_cast<std::size_t>(pos_views * p.vertex_count));
  cpu::parallel_blocks(pos_views * p.vertex_count, 4096, [&](std::int64_t b, std::int64_t e, int) {
    auto pos_of = [&](std::int64_t i) {
      return p.pos + p.pos_view_stride * (i / p.vertex_count) + (i % p.vertex_count) * 4;
    };
    setup_vertices<T>(b, e, pos_of, vp, s.vertices.data());
  });

  // 1. Triangle setup and counting, per chunk of triangles of one view.
  auto tile_of = [&](int x, int y) { return (y >> kTileShift) * tiles_x + (x >> kTileShift); };
  cpu::parallel_items(chunks, workers, [&](std::int64_t c, int) {
    const int view = static_cast<int>(c / per_view), part = static_cast<int>(c % per_view);
    const int t0 = static_cast<int>(std::int64_t(p.triangle_count) * part / per_view);
    const int t1 = static_cast<int>(std::int64_t(p.triangle_count) * (part + 1) / per_view);
    const T* pos = p.pos + p.pos_view_stride * view;
    const VertexSetup* vs = s.vertices.data() + (p.pos_view_stride == 0 ? 0 : std::int64_t(view) * p.vertex_count);
    // Filled through local vectors: the chunks' vector headers share cache lines, and pushing
    // through them from two workers bounced those lines between cores on every primitive.
    Emitted out = std::move(s.chunk_out[c]);
    out.clear();
    for (int t = t0; t < t1; ++t) setup_triangle(pos, vs, p.triangles + std::int64_t(t) * 3, t, vp, out);
    std::int64_t* counts = s.counts.data() + c * tiles;
    for (const Prim& prim : out.prims)
      for (int ty = prim.y0 >> kTileShift; ty <= (prim.y1 >> kTileShift); ++ty)
        for (int tx = prim.x0 >> kTileShift; tx <= (prim.x1 >> kTileShift); ++tx) ++counts[ty * tiles_x + tx];
    std::int64_t* point_counts = s.point_counts.data() + c * tiles;
    for (const Point& q : out.points) ++point_counts[tile_of(q.x, q.y)];
    s.chunk_out[c] = std::move(out);
  });

  // 2. Offsets: per view, per tile, chunks in order, so every bin lists triangles in index order.
  auto offsets = [&](std::vector<std::int64_t>& counts, std::vector<std::int64_t>& begin) {
    begin.assign(static_cast<std::size_t>(views) * tiles + 1, 0);
    std::int64_t total = 0;
    for (int view = 0; view < views; ++view)
      for (int tile = 0; tile < tiles; ++tile) {
        begin[std::size_t(view) * tiles + tile] = total;
        for (int part = 0; part < per_view; ++part) {
          std::int64_t& count = counts[(std::size_t(view) * per_view + part) * tiles + tile];
          const std::int64_t n = count;
          count = total;  // becomes the chunk's write cursor in this bin
          total += n;
        }
      }
    begin[std::size_t(views) * tiles] = total;
    return total;
  };
  s.bins.resize(static_cast<std::size_t>(offsets(s.counts, s.tile_begin)));
  s.point_bins.resize(static_cast<std::size_t>(offsets(s.point_counts, s.point_tile_begin)));
  cpu::parallel_items(chunks, workers, [&](std::int64_t c, int) {
    std::int64_t* cursor = s.counts.data() + c * tiles;
    for (const Prim& prim : s.chunk_out[c].prims)
      for (int ty = prim.y0 >> kTileShift; ty <= (prim.y1 >> kTileShift); ++ty)
        for (int tx = prim.x0 >> kTileShift; tx <= (prim.x1 >> kTileShift); ++tx)
          s.bins[cursor[ty * tiles_x + tx]++] = prim;
    std::int64_t* point_cursor = s.point_counts.data() + c * tiles;
    for (const Point& q : s.chunk_out[c].points) s.point_bins[point_cursor[tile_of(q.x, q.y)]++] = q;
  });

  // 3. Tiles in parallel: coverage, depth test, then resolve.
  cpu::parallel_items(std::int64_t(views) * tiles, workers, [&](std::int64_t item, int) {
    const int view = static_cast<int>(item / tiles), tile = static_cast<int>(item % tiles);
    const int tx0 = (tile % tiles_x) * kTile, ty0 = (tile / tiles_x) * kTile;
    const int tx1 = std::min(tx0 + kTile, width), ty1 = std::min(ty0 + kTile, height);
    double zbuf[kTile * kTile];
    std::int32_t ids[kTile * kTile];
    std::fill(zbuf, zbuf + kTile * kTile, std::numeric_limits<double>::infinity());
    std::fill(ids, ids + kTile * kTile, -1);
    // General primitives in triangle order: the strict test keeps the first of equal depths.
    const std::int64_t b0 = s.tile_begin[std::size_t(item)], b1 = s.tile_begin[std::size_t(item) + 1];
    for (std::int64_t b = b0; b < b1; ++b) {
      const Prim& prim = s.bins[b];
      const int xa = std::max<int>(prim.x0, tx0), xb = std::min<int>(prim.x1, tx1 - 1);
      const int ya = std::max<int>(prim.y0, ty0), yb = std::min<int>(prim.y1, ty1 - 1);
      const EdgeFunctions ef = edge_functions(prim);
      const std::int64_t(&ea)[3] = ef.a;
      const std::int64_t(&eb)[3] = ef.b;
      const std::int64_t(&ec)[3] = ef.c;
      for (int y = ya; y <= yb; ++y) {
        std::int64_t e0 = ea[0] * xa + eb[0] * y + ec[0];
        std::int64_t e1 = ea[1] * xa + eb[1] * y + ec[1];
        std::int64_t e2 = ea[2] * xa + eb[2] * y + ec[2];
        const double zrow = prim.zb * y + prim.zc;
        for (int x = xa; x <= xb; ++x, e0 += ea[0], e1 += ea[1], e2 += ea[2]) {
          if ((e0 | e1 | e2) < 0) continue;
          const double z = prim.za * x + zrow;
          const int i = (y - ty0) * kTile + (x - tx0);
          if (z < zbuf[i]) {
            zbuf[i] = z;
            ids[i] = prim.triangle;
          }
        }
      }
    }
    // Then the points (one centre, known covered: only the depth test), after the primitives of
    // later triangles: of equal depths the lower triangle index wins, as in triangle order.
    const std::int64_t q0 = s.point_tile_begin[std::size_t(item)], q1 = s.point_tile_begin[std::size_t(item) + 1];
    for (std::int64_t b = q0; b < q1; ++b) {
      const Point& q = s.point_bins[b];
      const int i = (q.y - ty0) * kTile + (q.x - tx0);
      if (q.z < zbuf[i] || (q.z == zbuf[i] && q.triangle < ids[i])) {
        zbuf[i] = q.z;
        ids[i] = q.triangle;
      }
    }
    TileResolver<T> resolver(p, p.pos + p.pos_view_stride * view);
    for (int y = ty0; y < ty1; ++y)
      for (int x = tx0; x < tx1; ++x) {
        const std::int64_t o = ((std::int64_t(view) * height + y) * width + x) * 4;
        const int i = (y - ty0) * kTile + (x - tx0);
        if (ids[i] >= 0) {
          resolver.add(x, y, o, ids[i], zbuf[i]);
          continue;
        }
        for (int c = 0; c < 4; ++c) p.rast[o + c] = T(0);
        if (p.rast_db)
          for (int c = 0; c < 4; ++c) p.rast_db[o + c] = T(0);
      }
    resolver.flush();
  });
}

/// The backward pass of one slot: pixels with a gradient, several at a time, scattered into the
/// slot's vertex gradients.
template <typename T>
class PixelGradients {
public:
  PixelGradients(const RasterizeBackwardParams<T>& p, const T* pos, T* grad) : p_(p), pos_(pos), grad_(grad) {}

  /// Pixel (x, y) at element offset `o` of rast, on triangle `id - 1`.
  void add(int x, int y, std::int64_t o, int id) {
    const std::int32_t* tri = p_.triangles + std::int64_t(id - 1) * 3;
    const TriangleVertices<T> tv(pos_, tri);
    const int l = batch_.add(tv.p, pixel_ndc(x, p_.width), pixel_ndc(y, p_.height));
    for (int k = 0; k < 3; ++k) vertex_[k][l] = tri[k];
    const T* g = p_.grad_rast + o;
    for (int c = 0; c < 3; ++c) g_[c][l] = double(g[c]);
    if (p_.grad_rast_db)
      for (int c = 0; c < 4; ++c) gdb_[c][l] = double(p_.grad_rast_db[o + c]);
    if (batch_.full()) flush();
  }

  void flush() {
    if (batch_.count == 0) return;
    for (int l = batch_.count; l < kLanes; ++l) {
      for (int c = 0; c < 3; ++c) g_[c][l] = 0.0;
      for (int c = 0; c < 4; ++c) gdb_[c][l] = 0.0;
    }
    const math::ClipTriangleT<Lanes> t = batch_.triangle();
    const Lanes px = load_lanes(batch_.px), py = load_lanes(batch_.py);
    const math::PixelBarycentricsT<Lanes> r = math::pixel_barycentrics(t, px, py);
    Lanes gdb[4];
    for (int c = 0; c < 4; ++c) gdb[c] = load_lanes(gdb_[c]);
    Lanes gv[3][4] = {};
    math::pixel_barycentrics_vjp(t, r, px, py, load_lanes(g_[0]), load_lanes(g_[1]),
                                 load_lanes(g_[2]), p_.grad_rast_db ? gdb : nullptr, p_.width, p_.height, gv);
    for (int l = 0; l < batch_.count; ++l)
      for (int k = 0; k < 3; ++k) {
        T* dst = grad_ + std::int64_t(vertex_[k][l]) * 4;
        for (int c = 0; c < 4; ++c) {
          const double d = gv[k][c][l];
          if (std::isfinite(d)) dst[c] += T(d);
        }
      }
    batch_.count = 0;
  }

private:
  const RasterizeBackwardParams<T>& p_;
  const T* pos_;
  T* grad_;
  PixelBatch batch_;
  std::int32_t vertex_[3][kLanes];
  alignas(LIKENESS_RASTER_VECTOR_BYTES) double g_[3][kLanes];
  alignas(LIKENESS_RASTER_VECTOR_BYTES) double gdb_[4][kLanes];
};

template <typename T>
void backward(const RasterizeBackwardParams<T>& p) {
  const int views = p.views, width = p.width, height = p.height;
  const std::int64_t pos_views = p.pos_view_stride == 0 ? 1 : views;
  const std::size_t grad_size = static_cast<std::size_t>(pos_views) * p.vertex_count * 4;
  cpu::ScatterBuffers<T> grads(p.grad_pos, grad_size, cpu::worker_count());
  cpu::parallel_blocks(std::int64_t(views) * height, 8, [&](std::int64_t row0, std::int64_t row1, int slot) {
    T* grad = grads.slot(slot);
    for (std::int64_t row = row0; row < row1; ++row) {
      const int view = static_cast<int>(row / height), y = static_cast<int>(row % height);
      PixelGradients<T> pixels(p, p.pos + p.pos_view_stride * view,
                               grad + (p.pos_view_stride == 0 ? 0 : std::int64_t(view) * p.vertex_count * 4));
      for (int x = 0; x < width; ++x) {
        const std::int64_t o = (row * width + x) * 4;
        const int id = static_cast<int>(p.rast[o + 3]);
        if (id <= 0 || id > p.triangle_count) continue;
        const T* g = p.grad_rast + o;
        bool any = g[0] != T(0) || g[1] != T(0) || g[2] != T(0);
        if (p.grad_rast_db)
          for (int c = 0; c < 4; ++c) any = any || p.grad_rast_db[o + c] != T(0);
        if (any) pixels.add(x, y, o, id);
      }
      pixels.flush();
    }
  });
  grads.reduce();
}

}  // namespace

void rasterize_forward_cpu(const RasterizeForwardParams<float>& p) { forward(p); }
void rasterize_forward_cpu(const RasterizeForwardParams<double>& p) { forward(p); }
void rasterize_backward_cpu(const RasterizeBackwardParams<float>& p) { backward(p); }
void rasterize_backward_cpu(const RasterizeBackwardParams<double>& p) { backward(p); }

}  // namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS
