#pragma once
// Ambient occlusion per vertex, from depth maps: the mesh is rasterized orthographically from many
// directions over the sphere (one batched rasterize call), and a vertex counts as open toward a
// direction when nothing lies in front of it there. Weighted by the cosine to the vertex normal,
// this is the fraction of the hemisphere's (cosine-weighted) ambient light that reaches it: low in
// nostrils, mouth corners, ear folds and under the eyelids.
#include <ATen/core/Tensor.h>

namespace likeness::raster {

struct OcclusionOptions {
  int directions = 96;    ///< directions over the whole sphere (Fibonacci spiral)
  int resolution = 512;   ///< depth-map size per direction
  double bias = 0.004;    ///< depth tolerance, as a fraction of the mesh's bounding diameter
};

/// [V] float in [0, 1]: 1 = open to the whole hemisphere around the vertex normal, 0 = enclosed.
/// `positions` [V, 3], `triangles` [T, 3] (the occluders and the surface), `normals` [V, 3] unit.
/// Vertices on no triangle get 1.
at::Tensor vertex_occlusion(const at::Tensor& positions, const at::Tensor& triangles, const at::Tensor& normals,
                            const OcclusionOptions& options = {});

}  // namespace likeness::raster
