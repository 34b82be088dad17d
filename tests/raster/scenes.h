#pragma once
// The table of clip-space scenes the op tests run over.
#include <ATen/core/Tensor.h>

#include <ostream>
#include <string>
#include <vector>

namespace likeness::raster::test {

struct Scene {
  std::string name;
  at::Tensor pos;        ///< [B, V, 4] double clip positions
  at::Tensor triangles;  ///< [T, 3] int64
  int height = 0;
  int width = 0;
};

/// Random overlapping triangles, an icosphere in perspective, triangles crossing the near plane
/// and the eye plane (w <= 0), triangles crossing the far plane, sub-pixel triangles, three views.
std::vector<Scene> op_scenes();

/// Prints the scene name in gtest messages.
inline void PrintTo(const Scene& scene, std::ostream* os) { *os << scene.name; }

}  // namespace likeness::raster::test
