#pragma once
// The per-pixel mathematics shared by the rasterize kernels (CPU now, CUDA later): perspective-
// correct barycentrics of a clip-space triangle at a pixel, their screen-space derivatives, and
// the vector-Jacobian product of both. Plain C++, double precision, no LibTorch.
//
// With v_i = (x_i, y_i, w_i) and the pixel p = (px, py, 1) in NDC, the homogeneous edge
// functions lambda_i = det(v_{i+1}, v_{i+2}, p) give b_i = lambda_i / sum(lambda) (Olano and
// Greer's 2D homogeneous rasterization). This needs no division by w, so it also holds for
// triangles that cross the plane w = 0, once coverage is decided by clipping.
#include <cmath>

namespace likeness::raster::math {

struct Vec3 {
  double x = 0, y = 0, z = 0;
};
inline Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
inline Vec3 operator*(double s, Vec3 a) { return {s * a.x, s * a.y, s * a.z}; }
inline double dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline Vec3 cross(Vec3 a, Vec3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }

/// A triangle in clip space: v[i] = (x, y, w), z[i] the clip z.
struct ClipTriangle {
  Vec3 v[3];
  double z[3] = {0, 0, 0};
};

/// Loads a clip triangle from three float/double (x, y, z, w) vertices.
template <typename T>
inline ClipTriangle load_clip_triangle(const T* p0, const T* p1, const T* p2) {
  ClipTriangle t;
  const T* p[3] = {p0, p1, p2};
  for (int i = 0; i < 3; ++i) {
    t.v[i] = {double(p[i][0]), double(p[i][1]), double(p[i][3])};
    t.z[i] = double(p[i][2]);
  }
  return t;
}

/// Barycentrics of a pixel: the point is b0 * v0 + b1 * v1 + (1 - b0 - b1) * v2.
struct PixelBarycentrics {
  Vec3 e[3];            ///< e_i = v_{i+1} x v_{i+2}, so lambda_i = e_i . p (kept for the derivatives)
  double lambda[3] = {0, 0, 0};
  double sum = 0;       ///< sum of lambda
  double inv_sum = 0;   ///< 1 / sum
  double b[3] = {0, 0, 0};
  double depth = 0;     ///< sum lambda_i w_i
  double inv_depth = 0; ///< 1 / depth
  double zw = 0;        ///< z / w at the pixel
  bool valid = false;   ///< false when the pixel ray is parallel to the triangle or values overflow
};

/// Evaluates the barycentrics at NDC (px, py).
inline PixelBarycentrics pixel_barycentrics(const ClipTriangle& t, double px, double py) {
  PixelBarycentrics r;
  const Vec3 p{px, py, 1.0};
  r.e[0] = cross(t.v[1], t.v[2]);
  r.e[1] = cross(t.v[2], t.v[0]);
  r.e[2] = cross(t.v[0], t.v[1]);
  for (int i = 0; i < 3; ++i) r.lambda[i] = dot(r.e[i], p);
  r.sum = r.lambda[0] + r.lambda[1] + r.lambda[2];
  r.depth = r.lambda[0] * t.v[0].z + r.lambda[1] * t.v[1].z + r.lambda[2] * t.v[2].z;
  if (r.sum == 0.0 || r.depth == 0.0 || !std::isfinite(r.sum) || !std::isfinite(r.depth)) return r;
  // One division per pixel: both reciprocals from 1 / (sum * depth), products by them (a rounding
  // or two apart from the quotients); two divisions where that product leaves the double range.
  const double inv = 1.0 / (r.sum * r.depth);
  if (std::isfinite(inv) && inv != 0.0) {
    r.inv_sum = r.depth * inv;
    r.inv_depth = r.sum * inv;
  } else {
    r.inv_sum = 1.0 / r.sum;
    r.inv_depth = 1.0 / r.depth;
  }
  for (int i = 0; i < 3; ++i) r.b[i] = r.lambda[i] * r.inv_sum;
  r.zw = (r.lambda[0] * t.z[0] + r.lambda[1] * t.z[1] + r.lambda[2] * t.z[2]) * r.inv_depth;
  r.valid = std::isfinite(r.b[0]) && std::isfinite(r.b[1]) && std::isfinite(r.zw);
  return r;
}

/// Screen-space derivatives (du/dX, du/dY, dv/dX, dv/dY) per pixel, for an image W x H.
inline void barycentric_derivatives(const PixelBarycentrics& r, int width, int height, double out[4]) {
  const Vec3* e = r.e;
  const double sa = e[0].x + e[1].x + e[2].x, sc = e[0].y + e[1].y + e[2].y;
  const double kx = 2.0 / width * r.inv_sum, ky = 2.0 / height * r.inv_sum;
  out[0] = (e[0].x - r.b[0] * sa) * kx;
  out[1] = (e[0].y - r.b[0] * sc) * ky;
  out[2] = (e[1].x - r.b[1] * sa) * kx;
  out[3] = (e[1].y - r.b[1] * sc) * ky;
}

/// Gradient of a loss with respect to the clip vertices (x, y, z, w each), given the gradients
/// of u, v, z/w and optionally of the derivatives (du/dX, du/dY, dv/dX, dv/dY). Adds into grad[i][4].
inline void pixel_barycentrics_vjp(const ClipTriangle& t, const PixelBarycentrics& r, double px, double py,
                                   double gu, double gv, double gz, const double* gdb, int width, int height,
                                   double grad[3][4]) {
  if (!r.valid) return;
  const double inv_s = r.inv_sum;
  const double g_b[3] = {gu, gv, 0.0};
  const double gb_dot = gu * r.b[0] + gv * r.b[1];
  double g_lambda[3], g_a[3] = {0, 0, 0}, g_c[3] = {0, 0, 0};
  for (int j = 0; j < 3; ++j) g_lambda[j] = (g_b[j] - gb_dot) * inv_s;

  if (gz != 0.0) {
    const double gz_d = gz * r.inv_depth;
    for (int j = 0; j < 3; ++j) {
      g_lambda[j] += gz_d * (t.z[j] - r.zw * t.v[j].z);
      grad[j][3] += -gz_d * r.zw * r.lambda[j];
      grad[j][2] += gz_d * r.lambda[j];
    }
  }

  if (gdb != nullptr && (gdb[0] != 0.0 || gdb[1] != 0.0 || gdb[2] != 0.0 || gdb[3] != 0.0)) {
    const Vec3* e = r.e;
    const double sa = e[0].x + e[1].x + e[2].x, sc = e[0].y + e[1].y + e[2].y;
    const double kx = 2.0 / width, ky = 2.0 / height;
    const double gx[3] = {gdb[0] * kx, gdb[2] * kx, 0.0};
    const double gy[3] = {gdb[1] * ky, gdb[3] * ky, 0.0};
    double qx[3], qy[3];
    for (int i = 0; i < 3; ++i) {
      qx[i] = (e[i].x - r.b[i] * sa) * inv_s;
      qy[i] = (e[i].y - r.b[i] * sc) * inv_s;
    }
    const double gxb = gx[0] * r.b[0] + gx[1] * r.b[1] + gx[2] * r.b[2];
    const double gyb = gy[0] * r.b[0] + gy[1] * r.b[1] + gy[2] * r.b[2];
    const double gxq = gx[0] * qx[0] + gx[1] * qx[1] + gx[2] * qx[2];
    const double gyq = gy[0] * qy[0] + gy[1] * qy[1] + gy[2] * qy[2];
    for (int j = 0; j < 3; ++j) {
      g_a[j] = (gx[j] - gxb) * inv_s;
      g_c[j] = (gy[j] - gyb) * inv_s;
      g_lambda[j] += -sa * inv_s * g_a[j] - gxq * inv_s;
      g_lambda[j] += -sc * inv_s * g_c[j] - gyq * inv_s;
    }
  }

  // lambda_i, a_i and c_i are det(v_{i+1}, v_{i+2}, q) for q = p, e_x, e_y: fold them into one
  // vector per i, then d/dv_k = P_{k+1} x v_{k+2} + v_{k+1} x P_{k+2}.
  const Vec3 p{px, py, 1.0};
  Vec3 pv[3];
  for (int j = 0; j < 3; ++j) pv[j] = Vec3{g_lambda[j] * p.x + g_a[j], g_lambda[j] * p.y + g_c[j], g_lambda[j]};
  for (int k = 0; k < 3; ++k) {
    const int k1 = (k + 1) % 3, k2 = (k + 2) % 3;
    const Vec3 g = cross(pv[k1], t.v[k2]) + cross(t.v[k1], pv[k2]);
    grad[k][0] += g.x;
    grad[k][1] += g.y;
    grad[k][3] += g.z;
  }
}

}  // namespace likeness::raster::math
