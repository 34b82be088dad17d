#include "engine/face/lash_cards.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>
#include <tuple>
#include <vector>

#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/face/uv_bake.h"

namespace likeness::face {
namespace {

int find_root(std::vector<int>& parent, int a) {
  while (parent[static_cast<std::size_t>(a)] != a) {
    parent[static_cast<std::size_t>(a)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(a)])];
    a = parent[static_cast<std::size_t>(a)];
  }
  return a;
}

/// A uniform number in [0, 1) from a strand index and the seed.
float hash01(std::uint64_t seed, std::int64_t k, std::uint64_t salt) {
  std::uint64_t h = (seed + salt * 0x9E3779B97F4A7C15ull) ^ (static_cast<std::uint64_t>(k) * 0xBF58476D1CE4E5B9ull);
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBull;
  h ^= h >> 31;
  return static_cast<float>(h >> 40) / static_cast<float>(1ull << 24);
}

float smoothstep(float e0, float e1, float x) {
  const float t = std::clamp((x - e0) / (e1 - e0), 0.0f, 1.0f);
  return t * t * (3.0f - 2.0f * t);
}

/// The baked card parameters of the lash tile ([R, R, 2], -1 where no card), cached per model
/// and resolution: baking rasterizes the tile's UV layout.
at::Tensor baked_parameter(const FaceModel& model, int resolution) {
  static std::mutex mutex;
  static std::map<std::pair<const FaceModel*, int>, at::Tensor> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = cache[{&model, resolution}];
  if (!slot.defined()) {
    const Topology& topo = model.topology();
    const UvRaster raster = rasterize_uv(topo, kLashesTile, resolution, {MaterialKind::Lashes});
    const at::Tensor t = lash_card_parameter(model).clamp_min(0.0f);
    const at::Tensor baked = bake_vertex_attribute(raster, topo, t);  // [R, R, 2]
    slot = at::where(raster.coverage().unsqueeze(-1), baked, at::full_like(baked, -1.0f)).contiguous();
  }
  return slot;
}

}  // namespace

at::Tensor lash_card_parameter(const FaceModel& model) {
  const Topology& topo = model.topology();
  const int V = model.vertex_count();
  at::Tensor out = at::full({V, 2}, -1.0f, at::kFloat);
  const at::Tensor lash_tris = topo.triangles_of({MaterialKind::Lashes}).to(at::kLong).contiguous();
  const at::Tensor skin_tris = topo.triangles_of({MaterialKind::Skin}).to(at::kLong);
  if (lash_tris.size(0) == 0 || skin_tris.size(0) == 0) return out;

  // Cards: connected components of the lash triangles.
  std::vector<int> parent(static_cast<std::size_t>(V));
  std::iota(parent.begin(), parent.end(), 0);
  const std::int64_t* tri = lash_tris.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < lash_tris.size(0); ++i)
    for (int k = 1; k < 3; ++k) {
      const int a = find_root(parent, static_cast<int>(tri[3 * i])), b = find_root(parent, static_cast<int>(tri[3 * i + k]));
      if (a != b) parent[static_cast<std::size_t>(b)] = a;
    }
  const at::Tensor lash_vertices = std::get<0>(at::_unique(lash_tris.flatten()));
  const at::Tensor skin_vertices = std::get<0>(at::_unique(skin_tris.flatten()));

  // Distance of every lash vertex to the skin: small on the root row, largest at the tip.
  const at::Tensor neutral = model.neutral().to(at::kFloat);
  const at::Tensor distance =
      std::get<0>(at::cdist(neutral.index_select(0, lash_vertices), neutral.index_select(0, skin_vertices)).min(1)).contiguous();

  std::map<int, std::pair<float, float>> range;  // card -> (min, max) distance
  const std::int64_t* lv = lash_vertices.data_ptr<std::int64_t>();
  const float* d = distance.data_ptr<float>();
  for (std::int64_t i = 0; i < lash_vertices.size(0); ++i) {
    const int card = find_root(parent, static_cast<int>(lv[i]));
    auto [it, fresh] = range.try_emplace(card, d[i], d[i]);
    if (!fresh) it->second = {std::min(it->second.first, d[i]), std::max(it->second.second, d[i])};
  }
  float longest = 0.0f;
  for (const auto& [card, r] : range) longest = std::max(longest, r.second - r.first);
  float* o = out.data_ptr<float>();
  for (std::int64_t i = 0; i < lash_vertices.size(0); ++i) {
    const auto [lo, hi] = range.at(find_root(parent, static_cast<int>(lv[i])));
    o[2 * lv[i]] = hi > lo ? (d[i] - lo) / (hi - lo) : 0.0f;
    o[2 * lv[i] + 1] = longest > 0.0f ? (hi - lo) / longest : 1.0f;
  }
  return out;
}

at::Tensor lash_coverage(const FaceModel& model, int resolution, std::uint64_t seed) {
  if (resolution < 1) throw InputError("lash coverage: resolution must be positive, got " + std::to_string(resolution));
  const at::Tensor param = baked_parameter(model, resolution);
  at::Tensor alpha = at::zeros({resolution, resolution}, at::kFloat);
  const float* t_map = param.data_ptr<float>();
  float* a = alpha.data_ptr<float>();
  // Strands run along the cards (root to tip is v within a card); about 110 per tile width, so
  // each lid row holds some 50 and a lid's three rows about 150, as on a real upper lid.
  constexpr float kStrands = 110.0f;
  const float inv = 1.0f / static_cast<float>(resolution);
  for (int y = 0; y < resolution; ++y)
    for (int x = 0; x < resolution; ++x) {
      const std::size_t texel = static_cast<std::size_t>(y) * static_cast<std::size_t>(resolution) + static_cast<std::size_t>(x);
      const float t = t_map[2 * texel], card_length = t_map[2 * texel + 1];
      if (t < 0.0f) continue;
      // Short cards are the lower lids': fewer, finer strands there.
      const bool lower = card_length < 0.6f;
      const float s = (static_cast<float>(x) + 0.5f) * inv * kStrands;
      float best = 0.0f;
      // A texel may be reached by its own strand or a neighbour curling over.
      for (std::int64_t k = static_cast<std::int64_t>(std::floor(s)) - 1; k <= static_cast<std::int64_t>(std::floor(s)) + 1; ++k) {
        const float jitter = 0.35f * (hash01(seed, k, 1) - 0.5f);
        const float curl = 0.9f * (hash01(seed, k, 2) - 0.5f) * t * t;   // sideways drift toward the tip
        const float length = 0.55f + 0.45f * hash01(seed, k, 3);         // strands end at different heights
        if (lower && hash01(seed, k, 5) > 0.5f) continue;
        const float width = (lower ? 0.22f : 0.3f) * (1.0f - 0.6f * t);  // in strand periods, tapering
        const float offset = std::fabs(s - (static_cast<float>(k) + 0.5f + jitter + curl));
        const float body = 1.0f - smoothstep(0.45f * width, width, offset);
        const float tip = 1.0f - smoothstep(length - 0.18f, length, t);
        best = std::max(best, body * tip * (0.85f + 0.15f * hash01(seed, k, 4)));
      }
      a[texel] = best;
    }
  return alpha;
}

}  // namespace likeness::face
