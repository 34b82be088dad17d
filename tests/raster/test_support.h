#pragma once
// Shared helpers for the raster tests: small meshes, random clip-space scenes, and a finite-
// difference gradient check.
#include <ATen/core/Tensor.h>

#include <functional>
#include <string>

namespace likeness::raster::test {

/// A triangle mesh: positions [V, 3] (double) and triangles [T, 3] (int64).
struct Mesh {
  at::Tensor positions;
  at::Tensor triangles;
};

/// Unit icosphere (closed, counter-clockwise outward), `subdivisions` levels of 4:1 splits.
Mesh icosphere(int subdivisions);

/// A regular n x n quad grid over [-1, 1]^2 at z = 0, two triangles per quad.
Mesh grid(int n);

/// Clip positions [1, V, 4] of world positions [V, 3] seen by a camera at `distance` on +z
/// (yaw/pitch in degrees), fov 40 degrees, square image. Double precision.
at::Tensor clip_of(const at::Tensor& positions, double yaw_deg, double pitch_deg, double distance);

/// Random triangles with clip coordinates: x, y in [-spread, spread] * w, z/w in (-0.9, 0.9),
/// w in [0.5, 2] per vertex; [1, 3T, 4] and triangles [T, 3].
Mesh random_clip_triangles(int count, double spread, std::uint64_t seed);

struct GradCheck {
  double h = 1e-6;
  double rtol = 1e-4;
  double atol = 1e-6;
  int samples = 40;        ///< elements of x checked (all when x is smaller)
  std::uint64_t seed = 1;
};

/// Compares `analytic` (d loss / d x) against central differences of `loss` at random elements
/// of x. `loss` returns NaN when an evaluation is invalid (e.g. coverage changed); such elements
/// are skipped. Returns the number of elements checked; reports mismatches through gtest.
int check_gradient(const std::function<double(const at::Tensor&)>& loss, const at::Tensor& x,
                   const at::Tensor& analytic, const GradCheck& options, const std::string& what);

/// Random weights to turn an output into a scalar loss: sum(out * weights).
at::Tensor loss_weights(const at::Tensor& like, std::uint64_t seed);

}  // namespace likeness::raster::test
