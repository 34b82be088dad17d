#pragma once
// The texels of one UV tile that some triangle covers, with what the generator needs to place
// features in 3D: neutral positions and normals, the texel-to-surface Jacobian (for hair
// directions and texel size), and the nearest covered texel of every texel (seam fill).
// Private to engine/appearance.
#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/face/topology.h"

namespace likeness::face {
class FaceModel;
class RegionSet;
struct UvRaster;
}  // namespace likeness::face

namespace likeness::appearance::detail {

struct TexelDomain {
  int tile = 0;
  int resolution = 0;
  std::vector<std::int64_t> texels;  ///< flat index y * R + x of each covered texel, ascending
  std::vector<std::int32_t> row_of;  ///< [R * R]: row in `texels` of a covered texel, -1 elsewhere
  std::vector<float> position;       ///< N * 3 neutral positions (cm)
  std::vector<float> normal;         ///< N * 3 unit neutral normals
  std::vector<float> du;             ///< N * 3: d position / d texel x (cm per texel)
  std::vector<float> dv;             ///< N * 3: d position / d texel y (row down)
  std::vector<std::uint32_t> parts;  ///< N: part bits as RegionSamples::parts
  std::vector<std::int32_t> material;  ///< N: material index of the covering triangle

  std::size_t size() const { return texels.size(); }
  /// Surface length of one texel in cm (geometric mean of the two axes).
  float texel_cm(std::size_t i) const;
  /// Row of texel (x, y), or -1 if uncovered or outside.
  int row(int x, int y) const {
    if (x < 0 || y < 0 || x >= resolution || y >= resolution) return -1;
    return row_of[static_cast<std::size_t>(y) * static_cast<std::size_t>(resolution) + static_cast<std::size_t>(x)];
  }
  /// Projects a 3D direction at row i into texel space (least squares through the Jacobian),
  /// normalised to unit length in texels; (0, 0) where degenerate.
  std::array<float, 2> texel_direction(std::size_t i, const float* direction3) const;
};

/// Builds the domain of `tile` from `raster` (as rasterize_uv gives), sampling the regions'
/// neutral positions and normals.
TexelDomain make_domain(const face::FaceModel& model, const face::RegionSet& regions, const face::UvRaster& raster);

/// For every texel of an R x R grid, the flat index of the nearest covered texel (multi-source
/// breadth-first search over 8-neighbours); -1 everywhere if nothing is covered.
std::vector<std::int64_t> nearest_covered(const std::vector<std::int32_t>& row_of, int resolution);

/// Gradient (d/dx, d/dy in texels, y down) of a field given on a domain's rows: central
/// differences where both neighbours are covered, one-sided where one is, zero otherwise.
/// Returns N * 2 values.
std::vector<float> domain_gradient(const TexelDomain& domain, const std::vector<float>& field);

/// A copy of the topology in which the named materials are marked Transparent, so that
/// rasterize_uv(copy, tile, R, {kind}) leaves them out.
face::Topology without_materials(const face::Topology& topology, const std::vector<std::string>& names);

}  // namespace likeness::appearance::detail
