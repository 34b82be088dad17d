#pragma once
// Shared fixtures of the export tests: a small textured, blendshaped scene and comparison helpers.
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/export/export_scene.h"
#include "engine/export/presets.h"

namespace likeness::exporter::test {

/// A fresh empty folder under the test temp dir.
std::filesystem::path temp_folder(const std::string& name);

/// A procedural image (smooth gradients and a checker) of `channels` channels.
io::Image procedural_image(int width, int height, int channels, int seed);

/// A cube (8 vertices, 6 quads, 14 UVs) with 2 materials and texture sets, 3 blendshapes (one
/// all zero) and weights; centimetres like the head.
ExportScene cube_scene();

/// One corner as a reader sees it: position, UV.
using Corner = std::array<double, 5>;

/// Every corner of the scene's polygons (positions through `space`, optionally with the
/// blendshape weights applied), sorted.
std::vector<Corner> expected_corners(const ExportScene& scene, const AxisPreset& space, bool posed);

/// Max absolute difference of two sorted corner lists (infinity if their sizes differ).
double max_difference(std::vector<Corner> a, std::vector<Corner> b);

}  // namespace likeness::exporter::test
