#pragma once
// Fused Lambertian shading under spherical-harmonic light: plain parameters and kernel entry
// points (no LibTorch), so one pass per pixel replaces the normalize / basis / product / coverage
// tensor ops between interpolate and antialias, forward and backward.
//
// Per pixel i of view b: n = normals[i] / max(|normals[i]|, 1e-12), E_c(n) the irradiance of
// channel c under sh[b] (sh_irradiance's basis and constants), and
//   out[i][c] = coverage(i) * albedo[i][c] * E_c(n),   coverage(i) = rast[i][3] > 0 (1 without rast).
// Per-pixel arithmetic is in the tensors' precision; the lighting gradient sums in double.
#include <cstdint>

namespace likeness::raster {

/// Ramamoorthi and Hanrahan's irradiance constants ("An Efficient Representation for Irradiance
/// Environment Maps", 2001), shared by sh_irradiance and the fused kernel.
inline constexpr double kShC1 = 0.429043, kShC2 = 0.511664, kShC3 = 0.743125, kShC4 = 0.886227,
                        kShC5 = 0.247708;

/// The irradiance basis of a unit normal (x, y, z), constants folded in: E_c = sum_k L[c][k] * basis[k]
/// for coefficients in the order L00, L1-1, L10, L11, L2-2, L2-1, L20, L21, L22. R: float or double.
template <typename R>
inline void sh_irradiance_basis(R x, R y, R z, R basis[9]) {
  basis[0] = R(kShC4);
  basis[1] = R(2.0 * kShC2) * y;
  basis[2] = R(2.0 * kShC2) * z;
  basis[3] = R(2.0 * kShC2) * x;
  basis[4] = R(2.0 * kShC1) * x * y;
  basis[5] = R(2.0 * kShC1) * y * z;
  basis[6] = R(kShC3) * z * z - R(kShC5);
  basis[7] = R(2.0 * kShC1) * x * z;
  basis[8] = R(kShC1) * (x * x - y * y);
}

template <typename T>
struct ShadeParams {
  const T* albedo = nullptr;   ///< [pixels][3]
  const T* normals = nullptr;  ///< [pixels][3], need not be unit length
  const T* sh = nullptr;       ///< [sh_views][3][9]
  int sh_views = 1;            ///< 1 (shared) or the number of views
  const T* rast = nullptr;     ///< optional [pixels][4]
  std::int64_t pixels = 0;     ///< over all views
  std::int64_t per_view = 0;   ///< pixels per view (pixel i is in view i / per_view)

  T* out = nullptr;  ///< forward: [pixels][3]

  const T* grad_out = nullptr;  ///< backward: [pixels][3]
  T* grad_albedo = nullptr;     ///< optional, overwritten
  T* grad_normals = nullptr;    ///< optional, overwritten
  T* grad_sh = nullptr;         ///< optional, overwritten: [sh_views][3][9]
};

void shade_forward_cpu(const ShadeParams<float>& p);
void shade_forward_cpu(const ShadeParams<double>& p);
void shade_backward_cpu(const ShadeParams<float>& p);
void shade_backward_cpu(const ShadeParams<double>& p);

}  // namespace likeness::raster
