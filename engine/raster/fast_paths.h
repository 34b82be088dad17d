#pragma once
// Switches for the CPU kernels' shortcuts, so tests can run the long way and compare results
// bit for bit. Internal to engine/raster and its tests; every shortcut is on by default.
namespace likeness::raster::cpu {

enum class FastPath : unsigned {
  /// rasterize: triangles whose bounds hold a few pixel centres are tested against them at
  /// setup; those covering none are dropped, the others binned as their covered centres (with
  /// their depth there) instead of as triangles for the tile pass.
  SmallTriangleCoverage = 1u << 0,
  /// antialias: pixels that no potential silhouette edge's screen bounds touch are marked once
  /// per call; a neighbour pair of two unmarked pixels cannot blend and is not walked.
  SilhouetteMask = 1u << 1,
};

bool fast_path_enabled(FastPath path);
void set_fast_path_enabled(FastPath path, bool on);

}  // namespace likeness::raster::cpu
