#pragma once
// The per-pixel mathematics shared by the rasterize kernels (CPU now, CUDA later): perspective-
// correct barycentrics of a clip-space triangle at a pixel, their screen-space derivatives, and
// the vector-Jacobian product of both. Plain C++, double precision, no LibTorch.
//
// With v_i = (x_i, y_i, w_i) and the pixel p = (px, py, 1) in NDC, the homogeneous edge
// functions lambda_i = det(v_{i+1}, v_{i+2}, p) give b_i = lambda_i / sum(lambda) (Olano and
// Greer's 2D homogeneous rasterization). This needs no division by w, so it also holds for
// triangles that cross the plane w = 0, once coverage is decided by clipping.
//
// Every function takes its values as V: double, one pixel, or a GCC vector of doubles, one pixel
// per lane (the CPU kernels evaluate several pixels at once). Conditions are masks (bool, or a
// vector of all-ones / zero lanes) and every conditional term is computed and then selected, so
// a lane gets exactly the value the one-pixel evaluation gives, operation for operation.
//
// The functions are always inlined: the kernels are compiled once per instruction set
// (kernel_isa.h), and only code inlined into them is compiled for it; an out-of-line copy would
// run at the baseline (and be one copy for all levels, as the linker keeps one).
#include <cmath>

namespace likeness::raster::math {

/// The mask type of V: bool for double, a vector of 64-bit integers for a vector of doubles.
template <typename V>
using Mask = decltype(V{} < V{});

/// mask ? a : b, lane by lane.
template <typename M, typename V>
[[gnu::always_inline]] inline V select(M mask, V a, V b) {
  return mask ? a : b;
}

/// Neither infinite nor NaN (x - x is 0 exactly then, NaN otherwise).
template <typename V>
[[gnu::always_inline]] inline Mask<V> finite(V x) {
  return (x - x) == V{};
}

template <typename V = double>
struct Vec3T {
  V x{}, y{}, z{};
};
using Vec3 = Vec3T<double>;
template <typename V>
[[gnu::always_inline]] inline Vec3T<V> operator+(Vec3T<V> a, Vec3T<V> b) {
  return {a.x + b.x, a.y + b.y, a.z + b.z};
}
template <typename V>
[[gnu::always_inline]] inline Vec3T<V> operator*(V s, Vec3T<V> a) {
  return {s * a.x, s * a.y, s * a.z};
}
template <typename V>
[[gnu::always_inline]] inline V dot(Vec3T<V> a, Vec3T<V> b) {
  return a.x * b.x + a.y * b.y + a.z * b.z;
}
template <typename V>
[[gnu::always_inline]] inline Vec3T<V> cross(Vec3T<V> a, Vec3T<V> b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

/// A triangle in clip space: v[i] = (x, y, w), z[i] the clip z.
template <typename V = double>
struct ClipTriangleT {
  Vec3T<V> v[3];
  V z[3]{};
};
using ClipTriangle = ClipTriangleT<double>;

/// Barycentrics of a pixel: the point is b0 * v0 + b1 * v1 + (1 - b0 - b1) * v2. Where `valid`
/// is false (the pixel ray is parallel to the triangle, or values overflow) the other fields are
/// not meaningful.
template <typename V = double>
struct PixelBarycentricsT {
  Vec3T<V> e[3];   ///< e_i = v_{i+1} x v_{i+2}, so lambda_i = e_i . p (kept for the derivatives)
  V lambda[3]{};
  V sum{};         ///< sum of lambda
  V inv_sum{};     ///< 1 / sum
  V b[3]{};
  V depth{};       ///< sum lambda_i w_i
  V inv_depth{};   ///< 1 / depth
  V zw{};          ///< z / w at the pixel
  Mask<V> valid{};
};

/// Evaluates the barycentrics at NDC (px, py).
template <typename V>
[[gnu::always_inline]] inline PixelBarycentricsT<V> pixel_barycentrics(const ClipTriangleT<V>& t, V px, V py) {
  using M = Mask<V>;
  PixelBarycentricsT<V> r;
  const Vec3T<V> p{px, py, V{} + 1.0};
  r.e[0] = cross(t.v[1], t.v[2]);
  r.e[1] = cross(t.v[2], t.v[0]);
  r.e[2] = cross(t.v[0], t.v[1]);
  for (int i = 0; i < 3; ++i) r.lambda[i] = dot(r.e[i], p);
  r.sum = r.lambda[0] + r.lambda[1] + r.lambda[2];
  r.depth = r.lambda[0] * t.v[0].z + r.lambda[1] * t.v[1].z + r.lambda[2] * t.v[2].z;
  const M usable = M(r.sum != V{}) & M(r.depth != V{}) & finite(r.sum) & finite(r.depth);
  // One division per pixel: both reciprocals from 1 / (sum * depth), products by them (a rounding
  // or two apart from the quotients); two divisions where that product leaves the double range.
  const V inv = 1.0 / (r.sum * r.depth);
  const M product = finite(inv) & M(inv != V{});
  r.inv_sum = select(product, r.depth * inv, 1.0 / r.sum);
  r.inv_depth = select(product, r.sum * inv, 1.0 / r.depth);
  for (int i = 0; i < 3; ++i) r.b[i] = r.lambda[i] * r.inv_sum;
  r.zw = (r.lambda[0] * t.z[0] + r.lambda[1] * t.z[1] + r.lambda[2] * t.z[2]) * r.inv_depth;
  r.valid = usable & finite(r.b[0]) & finite(r.b[1]) & finite(r.zw);
  return r;
}

/// Screen-space derivatives (du/dX, du/dY, dv/dX, dv/dY) per pixel, for an image W x H (valid
/// lanes only).
template <typename V>
[[gnu::always_inline]] inline void barycentric_derivatives(const PixelBarycentricsT<V>& r, int width, int height,
                                                           V out[4]) {
  const Vec3T<V>* e = r.e;
  const V sa = e[0].x + e[1].x + e[2].x, sc = e[0].y + e[1].y + e[2].y;
  const V kx = 2.0 / width * r.inv_sum, ky = 2.0 / height * r.inv_sum;
  out[0] = (e[0].x - r.b[0] * sa) * kx;
  out[1] = (e[0].y - r.b[0] * sc) * ky;
  out[2] = (e[1].x - r.b[1] * sa) * kx;
  out[3] = (e[1].y - r.b[1] * sc) * ky;
}

/// Gradient of a loss with respect to the clip vertices (x, y, z, w each), given the gradients
/// of u, v, z/w and optionally of the derivatives (du/dX, du/dY, dv/dX, dv/dY). Adds into
/// grad[i][4] where r is valid and leaves the other lanes as they are.
template <typename V>
[[gnu::always_inline]] inline void pixel_barycentrics_vjp(const ClipTriangleT<V>& t, const PixelBarycentricsT<V>& r,
                                                          V px, V py, V gu, V gv, V gz, const V* gdb, int width,
                                                          int height, V grad[3][4]) {
  using M = Mask<V>;
  V acc[3][4];
  for (int k = 0; k < 3; ++k)
    for (int c = 0; c < 4; ++c) acc[k][c] = grad[k][c];
  const V inv_s = r.inv_sum;
  const V g_b[3] = {gu, gv, V{}};
  const V gb_dot = gu * r.b[0] + gv * r.b[1];
  V g_lambda[3], g_a[3] = {}, g_c[3] = {};
  for (int j = 0; j < 3; ++j) g_lambda[j] = (g_b[j] - gb_dot) * inv_s;

  // The depth term, where its gradient is not zero.
  const M depth_term = gz != V{};
  const V gz_d = gz * r.inv_depth;
  for (int j = 0; j < 3; ++j) {
    g_lambda[j] = select(depth_term, g_lambda[j] + gz_d * (t.z[j] - r.zw * t.v[j].z), g_lambda[j]);
    acc[j][3] = select(depth_term, acc[j][3] + -gz_d * r.zw * r.lambda[j], acc[j][3]);
    acc[j][2] = select(depth_term, acc[j][2] + gz_d * r.lambda[j], acc[j][2]);
  }

  // The derivatives' term, where one of their gradients is not zero.
  if (gdb != nullptr) {
    const M db_term = M(gdb[0] != V{}) | M(gdb[1] != V{}) | M(gdb[2] != V{}) | M(gdb[3] != V{});
    const Vec3T<V>* e = r.e;
    const V sa = e[0].x + e[1].x + e[2].x, sc = e[0].y + e[1].y + e[2].y;
    const double kx = 2.0 / width, ky = 2.0 / height;
    const V gx[3] = {gdb[0] * kx, gdb[2] * kx, V{}};
    const V gy[3] = {gdb[1] * ky, gdb[3] * ky, V{}};
    V qx[3], qy[3];
    for (int i = 0; i < 3; ++i) {
      qx[i] = (e[i].x - r.b[i] * sa) * inv_s;
      qy[i] = (e[i].y - r.b[i] * sc) * inv_s;
    }
    const V gxb = gx[0] * r.b[0] + gx[1] * r.b[1] + gx[2] * r.b[2];
    const V gyb = gy[0] * r.b[0] + gy[1] * r.b[1] + gy[2] * r.b[2];
    const V gxq = gx[0] * qx[0] + gx[1] * qx[1] + gx[2] * qx[2];
    const V gyq = gy[0] * qy[0] + gy[1] * qy[1] + gy[2] * qy[2];
    for (int j = 0; j < 3; ++j) {
      const V a = (gx[j] - gxb) * inv_s;
      const V c = (gy[j] - gyb) * inv_s;
      V l = g_lambda[j] + (-sa * inv_s * a - gxq * inv_s);
      l = l + (-sc * inv_s * c - gyq * inv_s);
      g_a[j] = select(db_term, a, g_a[j]);
      g_c[j] = select(db_term, c, g_c[j]);
      g_lambda[j] = select(db_term, l, g_lambda[j]);
    }
  }

  // lambda_i, a_i and c_i are det(v_{i+1}, v_{i+2}, q) for q = p, e_x, e_y: fold them into one
  // vector per i, then d/dv_k = P_{k+1} x v_{k+2} + v_{k+1} x P_{k+2}.
  Vec3T<V> pv[3];
  for (int j = 0; j < 3; ++j) pv[j] = Vec3T<V>{g_lambda[j] * px + g_a[j], g_lambda[j] * py + g_c[j], g_lambda[j]};
  for (int k = 0; k < 3; ++k) {
    const int k1 = (k + 1) % 3, k2 = (k + 2) % 3;
    const Vec3T<V> g = cross(pv[k1], t.v[k2]) + cross(t.v[k1], pv[k2]);
    acc[k][0] = acc[k][0] + g.x;
    acc[k][1] = acc[k][1] + g.y;
    acc[k][3] = acc[k][3] + g.z;
  }
  for (int k = 0; k < 3; ++k)
    for (int c = 0; c < 4; ++c) grad[k][c] = select(r.valid, acc[k][c], grad[k][c]);
}

}  // namespace likeness::raster::math
