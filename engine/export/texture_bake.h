#pragma once
// Texture preparation for export: resampling to the requested resolution and padding (dilation)
// across UV seams. Texels outside every UV island are filled from the nearest island texels, a
// ring at a time, so that bilinear filtering and the smaller mip levels a game engine builds
// never pull in background colour along a seam.
#include <cstdint>
#include <vector>

#include "engine/export/export_scene.h"

namespace likeness::exporter {

struct BakeOptions {
  int resolution = 0;  ///< output size of every map (square); 0 keeps each map's own size
  int padding = 16;    ///< texels of dilation beyond the UV islands; 0: none
};

/// Which texels of a width x height map the polygons with `materials` cover (1) in UV space
/// ([0, 1], v up, row 0 at v = 1): a texel counts if its centre lies in a triangle or a triangle
/// corner lies in it (so thin slivers keep their texels).
std::vector<std::uint8_t> uv_coverage(const ExportMesh& mesh, const std::vector<std::uint32_t>& materials, int width, int height);

/// Fills up to `rings` rings of uncovered texels around the covered ones, each texel with the mean
/// of its already filled 8-neighbours. `coverage` is updated to the filled area.
void dilate(io::Image& image, std::vector<std::uint8_t>& coverage, int rings);

/// Bilinear resampling (area-averaged when shrinking by a factor of 2 or more).
io::Image resample(const io::Image& image, int width, int height);

/// Resamples and pads every texture set of `scene` in place, each against the UV islands of the
/// materials that use it.
void bake_textures(ExportScene& scene, const BakeOptions& options);

}  // namespace likeness::exporter
