#pragma once
// Painting the edit mask (FaceState::painted_mask: 1 where the artist allows an edit to change the
// face) with a round brush, on the 3D surface or in UV space. Plain arrays, no tensors: strokes run
// at pointer rate on the GUI thread.
//
//   auto hit = state::pick_surface(positions, triangles, eye, direction);   // the point under the pointer
//   if (hit) state::paint_sphere(mask, positions, hit->point, brush);         // cm around it
//   state::paint_uv(mask, uvs, uv_vertex, tile, {u, v}, brush);               // or in the UV view
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace likeness::state {

using Vec3 = std::array<float, 3>;
using Vec2 = std::array<float, 2>;

struct Brush {
  float radius = 1.5f;    ///< cm on the surface; UV units (0..1 per tile) in the UV view
  float hardness = 0.5f;  ///< fraction of the radius painted at full strength; the rest falls off smoothly
  float strength = 1.0f;  ///< value painted at the centre (0..1)
  bool erase = false;     ///< lowers the mask instead of raising it
};

/// The brush's weight at `distance` from its centre: 1 inside hardness * radius, a smooth step
/// down to 0 at the radius, 0 beyond.
float brush_falloff(const Brush& brush, float distance);

/// Where a ray first meets a triangle mesh.
struct SurfaceHit {
  int triangle = -1;   ///< index into the triangle list
  float distance = 0;  ///< along the (normalised) ray
  Vec3 point{};        ///< the hit point
  Vec3 barycentric{};  ///< weights of the triangle's three corners
};

/// The nearest hit of the ray origin + t * direction (t > 0) with the triangles (3 vertex indices
/// each into `positions`, 3 floats per vertex), both faces counted; nullopt on a miss.
std::optional<SurfaceHit> pick_surface(const std::vector<float>& positions, const std::vector<std::uint32_t>& triangles,
                                       const Vec3& origin, const Vec3& direction);

/// One dab of the brush around `center` (cm): each vertex within the radius gets
/// max(m, strength * falloff) (erase: min(m, 1 - strength * falloff)). `mask` has one value per
/// vertex of `positions`. Returns the number of vertices changed.
int paint_sphere(std::vector<float>& mask, const std::vector<float>& positions, const Vec3& center, const Brush& brush);

/// One dab in UV space on UDIM `tile`: `uvs` holds 2 floats per UV point (UDIM u, v up),
/// `uv_vertex` the vertex of each UV point; a vertex is painted by its nearest UV point on that
/// tile within the radius. Returns the number of vertices changed.
int paint_uv(std::vector<float>& mask, const std::vector<float>& uvs, const std::vector<std::int32_t>& uv_vertex, int tile,
             const Vec2& center, const Brush& brush);

/// Dabs along a stroke from `from` to `to`, spaced a quarter radius apart (so fast strokes leave
/// no gaps); calls `dab` with each centre, `from` excluded (it was painted by the previous call).
template <typename Point, typename Dab>
void stroke_dabs(const Point& from, const Point& to, float radius, Dab&& dab) {
  float length2 = 0;
  for (std::size_t i = 0; i < from.size(); ++i) length2 += (to[i] - from[i]) * (to[i] - from[i]);
  const float spacing = radius > 0 ? radius * 0.25f : 1.0f;
  int n = 1;
  while (static_cast<float>(n) * spacing * static_cast<float>(n) * spacing < length2 && n < 256) ++n;
  for (int k = 1; k <= n; ++k) {
    Point p = from;
    const float t = static_cast<float>(k) / static_cast<float>(n);
    for (std::size_t i = 0; i < from.size(); ++i) p[i] = from[i] + (to[i] - from[i]) * t;
    dab(p);
  }
}

}  // namespace likeness::state
