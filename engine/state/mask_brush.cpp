#include "engine/state/mask_brush.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace likeness::state {
namespace {

Vec3 sub(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
float dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

Vec3 vertex(const std::vector<float>& p, std::uint32_t i) { return {p[3 * i], p[3 * i + 1], p[3 * i + 2]}; }

float apply(float current, float weight, const Brush& brush) {
  const float s = std::clamp(brush.strength, 0.0f, 1.0f) * weight;
  return brush.erase ? std::min(current, 1.0f - s) : std::max(current, s);
}

}  // namespace

float brush_falloff(const Brush& brush, float distance) {
  if (!(brush.radius > 0) || distance >= brush.radius) return 0.0f;
  const float inner = std::clamp(brush.hardness, 0.0f, 1.0f) * brush.radius;
  if (distance <= inner) return 1.0f;
  const float t = (distance - inner) / (brush.radius - inner);  // 0 at inner, 1 at the rim
  return 1.0f - t * t * (3.0f - 2.0f * t);
}

std::optional<SurfaceHit> pick_surface(const std::vector<float>& positions, const std::vector<std::uint32_t>& triangles,
                                       const Vec3& origin, const Vec3& direction) {
  const float len = std::sqrt(dot(direction, direction));
  if (!(len > 0)) return std::nullopt;
  const Vec3 d{direction[0] / len, direction[1] / len, direction[2] / len};
  const std::size_t vertex_count = positions.size() / 3;
  std::optional<SurfaceHit> best;
  float best_t = std::numeric_limits<float>::infinity();
  // Moller-Trumbore, both faces.
  for (std::size_t t = 0; t + 2 < triangles.size(); t += 3) {
    const std::uint32_t i0 = triangles[t], i1 = triangles[t + 1], i2 = triangles[t + 2];
    if (i0 >= vertex_count || i1 >= vertex_count || i2 >= vertex_count) continue;
    const Vec3 a = vertex(positions, i0), e1 = sub(vertex(positions, i1), a), e2 = sub(vertex(positions, i2), a);
    const Vec3 p = cross(d, e2);
    const float det = dot(e1, p);
    if (std::abs(det) < 1e-12f) continue;
    const float inv = 1.0f / det;
    const Vec3 s = sub(origin, a);
    const float u = dot(s, p) * inv;
    if (u < 0.0f || u > 1.0f) continue;
    const Vec3 q = cross(s, e1);
    const float v = dot(d, q) * inv;
    if (v < 0.0f || u + v > 1.0f) continue;
    const float dist = dot(e2, q) * inv;
    if (dist <= 0.0f || dist >= best_t) continue;
    best_t = dist;
    SurfaceHit h;
    h.triangle = static_cast<int>(t / 3);
    h.distance = dist;
    h.point = {origin[0] + d[0] * dist, origin[1] + d[1] * dist, origin[2] + d[2] * dist};
    h.barycentric = {1.0f - u - v, u, v};
    best = h;
  }
  return best;
}

int paint_sphere(std::vector<float>& mask, const std::vector<float>& positions, const Vec3& center, const Brush& brush) {
  const std::size_t n = std::min(mask.size(), positions.size() / 3);
  const float r2 = brush.radius * brush.radius;
  int changed = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const float dx = positions[3 * i] - center[0], dy = positions[3 * i + 1] - center[1], dz = positions[3 * i + 2] - center[2];
    const float d2 = dx * dx + dy * dy + dz * dz;
    if (d2 >= r2) continue;
    const float next = apply(mask[i], brush_falloff(brush, std::sqrt(d2)), brush);
    if (next != mask[i]) {
      mask[i] = next;
      ++changed;
    }
  }
  return changed;
}

int paint_uv(std::vector<float>& mask, const std::vector<float>& uvs, const std::vector<std::int32_t>& uv_vertex, int tile,
             const Vec2& center, const Brush& brush) {
  const std::size_t n = std::min(uvs.size() / 2, uv_vertex.size());
  // Nearest UV point of each vertex within the radius (a vertex on a seam has several).
  std::vector<std::pair<std::int32_t, float>> nearest;
  for (std::size_t i = 0; i < n; ++i) {
    const float u = uvs[2 * i], v = uvs[2 * i + 1];
    if (static_cast<int>(std::floor(u)) != tile) continue;
    const float du = u - static_cast<float>(tile) - center[0], dv = v - center[1];
    const float d = std::sqrt(du * du + dv * dv);
    if (d < brush.radius) nearest.push_back({uv_vertex[i], d});
  }
  std::sort(nearest.begin(), nearest.end());
  int changed = 0;
  for (std::size_t k = 0; k < nearest.size(); ++k) {
    if (k > 0 && nearest[k].first == nearest[k - 1].first) continue;  // sorted: the first is the nearest
    const std::int32_t vtx = nearest[k].first;
    if (vtx < 0 || static_cast<std::size_t>(vtx) >= mask.size()) continue;
    const float next = apply(mask[static_cast<std::size_t>(vtx)], brush_falloff(brush, nearest[k].second), brush);
    if (next != mask[static_cast<std::size_t>(vtx)]) {
      mask[static_cast<std::size_t>(vtx)] = next;
      ++changed;
    }
  }
  return changed;
}

}  // namespace likeness::state
