// Stand-in textures for the renderer until the appearance model generates real ones: skin whose
// colour follows melanin and hemoglobin, lips, brows and blush placed by the semantic regions, fine
// pore normals, an oilier T-zone, irises and sclera on the eye tile, gums, teeth, lash strands.
#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <mutex>
#include <tuple>

#include "app/cli/render_adapter.h"
#include "engine/face/face_model.h"
#include "engine/face/lash_cards.h"
#include "engine/face/regions.h"
#include "engine/face/uv_bake.h"
#include "engine/raster/occlusion.h"
#include "render/texture_pack.h"

namespace likeness::render_adapter {
namespace {

using Rgb = std::array<float, 3>;

float param(const std::map<std::string, float>& p, const std::string& name, float fallback) {
  auto it = p.find(name);
  return it == p.end() || !std::isfinite(it->second) ? fallback : it->second;
}

float srgb_to_linear(float s) {
  s = std::clamp(s, 0.0f, 1.0f);
  return s <= 0.04045f ? s / 12.92f : std::pow((s + 0.055f) / 1.055f, 2.4f);
}

// A colour parameter given as sRGB entries "id.r/.g/.b", returned linear.
Rgb color_param(const std::map<std::string, float>& p, const std::string& id, const Rgb& srgb_default) {
  return {srgb_to_linear(param(p, id + ".r", srgb_default[0])), srgb_to_linear(param(p, id + ".g", srgb_default[1])),
          srgb_to_linear(param(p, id + ".b", srgb_default[2]))};
}

Rgb mix(const Rgb& a, const Rgb& b, float t) {
  return {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t};
}
Rgb scale(const Rgb& a, float s) { return {a[0] * s, a[1] * s, a[2] * s}; }

// Deterministic value noise in [0, 1].
struct Noise {
  std::uint64_t seed;
  float hash(std::int64_t x, std::int64_t y) const {
    std::uint64_t h = seed * 0x9E3779B97F4A7C15ull ^ (static_cast<std::uint64_t>(x) * 0xBF58476D1CE4E5B9ull) ^
                      (static_cast<std::uint64_t>(y) * 0x94D049BB133111EBull);
    h ^= h >> 31;
    h *= 0xD6E8FEB86659FD93ull;
    h ^= h >> 32;
    return static_cast<float>(h & 0xFFFFFF) / static_cast<float>(0xFFFFFF);
  }
  float value(float x, float y) const {
    const float fx = std::floor(x), fy = std::floor(y);
    const auto ix = static_cast<std::int64_t>(fx), iy = static_cast<std::int64_t>(fy);
    float tx = x - fx, ty = y - fy;
    tx = tx * tx * (3.0f - 2.0f * tx);
    ty = ty * ty * (3.0f - 2.0f * ty);
    const float a = hash(ix, iy), b = hash(ix + 1, iy), c = hash(ix, iy + 1), d = hash(ix + 1, iy + 1);
    return (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty;
  }
  float fbm(float x, float y, int octaves) const {
    float sum = 0.0f, amp = 0.5f, norm = 0.0f;
    for (int o = 0; o < octaves; ++o) {
      sum += amp * value(x, y);
      norm += amp;
      x *= 2.03f;
      y *= 2.03f;
      amp *= 0.5f;
    }
    return sum / norm;
  }
};

// Skin base colour (linear) from melanin, hemoglobin and undertone.
Rgb skin_color(float melanin, float hemoglobin, float undertone) {
  const Rgb light{0.80f, 0.58f, 0.48f}, mid{0.42f, 0.25f, 0.16f}, dark{0.10f, 0.058f, 0.040f};
  const float m = std::clamp(melanin, 0.0f, 1.0f);
  Rgb c = m < 0.5f ? mix(light, mid, m / 0.5f) : mix(mid, dark, (m - 0.5f) / 0.5f);
  const float h = std::clamp(hemoglobin, 0.0f, 1.0f) - 0.4f;
  c[1] *= 1.0f - 0.30f * h;
  c[2] *= 1.0f - 0.25f * h;
  const float u = std::clamp(undertone, -1.0f, 1.0f);
  c[1] *= 1.0f + 0.04f * u;
  c[2] *= 1.0f - 0.10f * u;
  return c;
}

// Where each eye's iris lies on the eye tile: centre and radius in tile UV (v up).
struct IrisDisc {
  float u = 0.5f, v = 0.5f, radius = 0.1f;
};

std::vector<IrisDisc> iris_discs(const face::Topology& topo) {
  std::vector<IrisDisc> discs;
  at::Tensor uvs = topo.uvs.contiguous();
  const float* uv = uvs.data_ptr<float>();
  for (std::size_t m = 0; m < topo.materials.size(); ++m) {
    if (topo.materials[m].name.find("Iris") == std::string::npos) continue;
    double su = 0, sv = 0;
    std::size_t n = 0;
    std::vector<std::pair<float, float>> points;
    for (int p = 0; p < topo.polygon_count(); ++p) {
      if (topo.polygon_material[static_cast<std::size_t>(p)] != static_cast<int>(m)) continue;
      for (std::uint32_t c = topo.polygon_offsets[static_cast<std::size_t>(p)]; c < topo.polygon_offsets[static_cast<std::size_t>(p) + 1];
           ++c) {
        const int i = topo.polygon_uvs[c];
        const float u = uv[2 * i] - std::floor(uv[2 * i]), v = uv[2 * i + 1];
        points.emplace_back(u, v);
        su += u;
        sv += v;
        ++n;
      }
    }
    if (n == 0) continue;
    IrisDisc d;
    d.u = static_cast<float>(su / static_cast<double>(n));
    d.v = static_cast<float>(sv / static_cast<double>(n));
    float r = 0.0f;
    for (auto [u, v] : points) r = std::max(r, std::hypot(u - d.u, v - d.v));
    d.radius = std::max(r, 1e-3f);
    discs.push_back(d);
  }
  return discs;
}

struct Maps {
  int res;
  std::vector<std::uint8_t> albedo;  // [8, res, res, 4] sRGB + alpha
  std::vector<std::uint8_t> normal;  // [8, res, res, 4] encoded, alpha unused
  std::vector<std::uint8_t> rough;   // [8, res, res, 1]
  std::size_t at(int tile, int x, int y) const {
    return (static_cast<std::size_t>(tile) * static_cast<std::size_t>(res) + static_cast<std::size_t>(y)) * static_cast<std::size_t>(res) +
           static_cast<std::size_t>(x);
  }
  void set(int tile, int x, int y, const Rgb& linear, float alpha, float roughness) {
    const std::size_t i = at(tile, x, y);
    for (int c = 0; c < 3; ++c) albedo[4 * i + static_cast<std::size_t>(c)] = render::linear_to_srgb8(linear[static_cast<std::size_t>(c)]);
    albedo[4 * i + 3] = static_cast<std::uint8_t>(std::lround(std::clamp(alpha, 0.0f, 1.0f) * 255.0f));
    rough[i] = static_cast<std::uint8_t>(std::lround(std::clamp(roughness, 0.0f, 1.0f) * 255.0f));
  }
  void set_normal(int tile, int x, int y, float nx, float ny) {
    const float nz = std::sqrt(std::max(0.0f, 1.0f - nx * nx - ny * ny));
    const std::size_t i = at(tile, x, y);
    normal[4 * i + 0] = static_cast<std::uint8_t>(std::lround((nx * 0.5f + 0.5f) * 255.0f));
    normal[4 * i + 1] = static_cast<std::uint8_t>(std::lround((ny * 0.5f + 0.5f) * 255.0f));
    normal[4 * i + 2] = static_cast<std::uint8_t>(std::lround((nz * 0.5f + 0.5f) * 255.0f));
    normal[4 * i + 3] = 255;
  }
};

}  // namespace

namespace {

/// [2, R, R] ambient occlusion of the face and back-of-head tiles, 1 where no skin.
at::Tensor skin_occlusion_maps(const face::FaceModel& model, int resolution) {
  static std::mutex mutex;
  static std::map<std::pair<const face::FaceModel*, int>, at::Tensor> cache;
  std::lock_guard<std::mutex> lock(mutex);
  at::Tensor& slot = cache[{&model, resolution}];
  if (slot.defined()) return slot;
  const face::Topology& topo = model.topology();
  const at::Tensor v = model.neutral();
  const at::Tensor occluders = topo.triangles_of(face::Topology::opaque_kinds());
  raster::OcclusionOptions o;
  o.directions = 48;
  o.resolution = 384;
  const at::Tensor ao = raster::vertex_occlusion(v, occluders, model.vertex_normals(v), o).unsqueeze(1);
  at::Tensor maps = at::ones({2, resolution, resolution}, at::kFloat);
  for (int tile : {face::kFaceTile, face::kBackHeadTile}) {
    const face::UvRaster r = face::rasterize_uv(topo, tile, resolution, {face::MaterialKind::Skin});
    const at::Tensor covered = r.coverage();
    const at::Tensor baked = face::dilate(face::bake_vertex_attribute(r, topo, ao), covered, 4).squeeze(-1);
    const at::Tensor grown = face::dilate(covered.to(at::kFloat).unsqueeze(-1), covered, 4).squeeze(-1).gt(0);
    maps[tile] = at::where(grown, baked, at::ones_like(baked));
  }
  slot = maps;
  return slot;
}

}  // namespace

at::Tensor albedo_alpha(const face::FaceModel& model, int tiles, int resolution, std::uint64_t seed) {
  // It depends on nothing an optimization step changes, and the studio asks for it with every
  // texture update: built once per model, tile count, resolution and seed.
  static std::mutex mutex;
  static std::map<std::tuple<const face::FaceModel*, int, int, std::uint64_t>, at::Tensor> cache;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find({&model, tiles, resolution, seed}); it != cache.end()) return it->second;
  }
  at::Tensor alpha = at::ones({tiles, resolution, resolution, 1}, at::kFloat);
  if (tiles > face::kBackHeadTile) alpha.narrow(0, 0, 2).copy_(skin_occlusion_maps(model, resolution).unsqueeze(-1));
  if (tiles > face::kLashesTile) alpha[face::kLashesTile].copy_(face::lash_coverage(model, resolution, seed).unsqueeze(-1));
  std::lock_guard<std::mutex> lock(mutex);
  if (cache.size() >= 8) cache.clear();  // a few seeds and resolutions at a time
  return cache.emplace(std::make_tuple(&model, tiles, resolution, seed), alpha).first->second;
}

render::Textures stand_in_textures(const std::shared_ptr<const face::FaceModel>& model,
                                   const std::map<std::string, float>& appearance, int resolution, std::uint64_t seed) {
  const int res = std::clamp(resolution, 16, 4096);
  const auto& p = appearance;
  Maps maps{res, std::vector<std::uint8_t>(static_cast<std::size_t>(8) * res * res * 4, 0),
            std::vector<std::uint8_t>(static_cast<std::size_t>(8) * res * res * 4, 0),
            std::vector<std::uint8_t>(static_cast<std::size_t>(8) * res * res, 128)};
  const Noise noise{seed + 1};

  const Rgb skin = skin_color(param(p, "skin.melanin", 0.25f), param(p, "skin.hemoglobin", 0.4f), param(p, "skin.undertone", 0.0f));
  const float blush = param(p, "skin.blush", 0.1f) + 0.5f * param(p, "skin.redness", 0.0f);
  const float oiliness = param(p, "skin.oiliness", 0.3f);
  const float unevenness = param(p, "skin.unevenness", 0.2f);
  const float lip_red = param(p, "lips.redness", 0.5f), lip_sat = param(p, "lips.saturation", 0.5f);
  const float brow_density = param(p, "brows.density", 0.6f);
  const Rgb brow_color = color_param(p, "brows.color", {0.23f, 0.16f, 0.11f});
  const Rgb iris_color = color_param(p, "iris.color", {0.36f, 0.22f, 0.12f});
  const float limbal = param(p, "iris.limbal_ring", 0.5f), iris_detail = param(p, "iris.detail", 0.5f);
  const Rgb sclera = color_param(p, "sclera.tint", {0.93f, 0.90f, 0.87f});
  const float lash_dark = param(p, "lashes.darkness", 0.8f);

  // Regions on the face tile (soft masks, 0 where no surface).
  const std::vector<std::string> names = {"upper_lip", "lower_lip", "brows", "cheeks", "forehead", "nose_bridge", "nose_tip", "eyelids"};
  const at::Tensor masks = face::RegionSet::load_default(model)->uv_masks(names, face::kFaceTile, res).contiguous();
  auto mask = [&](int k, int x, int y) -> float {
    return masks.data_ptr<float>()[(static_cast<std::size_t>(k) * static_cast<std::size_t>(res) + static_cast<std::size_t>(y)) *
                                       static_cast<std::size_t>(res) +
                                   static_cast<std::size_t>(x)];
  };

  const Rgb lip_color = mix(scale(skin, 0.85f), {skin[0] * 0.95f, skin[1] * 0.45f, skin[2] * 0.5f}, 0.4f + 0.5f * lip_red);
  const float inv = 1.0f / static_cast<float>(res);

  // Skin tiles: face (0) and back of head (1).
  for (int tile : {0, 1}) {
    for (int y = 0; y < res; ++y)
      for (int x = 0; x < res; ++x) {
        const float u = (static_cast<float>(x) + 0.5f) * inv, v = 1.0f - (static_cast<float>(y) + 0.5f) * inv;
        const float blotch = noise.fbm(u * 9.0f + 17.0f * static_cast<float>(tile), v * 9.0f, 4) - 0.5f;
        const float fine = noise.fbm(u * 90.0f, v * 90.0f, 2) - 0.5f;
        Rgb c = scale(skin, 1.0f + (0.10f + 0.25f * unevenness) * blotch + 0.05f * fine);
        c[0] *= 1.0f + 0.04f * blotch;  // a touch of redness variation
        float rough = 0.52f;
        if (tile == 0) {
          const float lips = std::max(mask(0, x, y), mask(1, x, y));
          const float brows = mask(2, x, y), cheeks = mask(3, x, y), eyelids = mask(7, x, y);
          const float tzone = std::max({mask(4, x, y), mask(5, x, y), mask(6, x, y)});
          c = mix(c, {c[0] * 1.05f, c[1] * 0.80f, c[2] * 0.82f}, std::clamp(blush, 0.0f, 1.0f) * cheeks * 0.6f);
          c = mix(c, {c[0] * 0.92f, c[1] * 0.82f, c[2] * 0.88f}, 0.5f * eyelids);
          const Rgb lc = mix(scale(lip_color, 1.0f + 0.1f * fine), {lip_color[0], lip_color[1] * 0.8f, lip_color[2] * 0.8f}, lip_sat);
          c = mix(c, lc, lips);
          // Brows: hair strands along u, denser in the middle of the region.
          const float strands = std::clamp(noise.value(u * 420.0f, v * 60.0f) * 1.6f - 0.35f, 0.0f, 1.0f);
          c = mix(c, brow_color, std::clamp(brows * brow_density * (0.45f + 0.55f * strands), 0.0f, 0.95f));
          rough = rough - 0.18f * oiliness * tzone - 0.15f * lips;
        }
        maps.set(tile, x, y, c, 1.0f, rough);
        // Pores: the gradient of a fine height field.
        const float s = 0.35f, e = 0.6f * inv;
        const float hx = noise.fbm((u + e) * 260.0f, v * 260.0f, 2) - noise.fbm((u - e) * 260.0f, v * 260.0f, 2);
        const float hy = noise.fbm(u * 260.0f, (v + e) * 260.0f, 2) - noise.fbm(u * 260.0f, (v - e) * 260.0f, 2);
        maps.set_normal(tile, x, y, -hx * s, -hy * s);
      }
  }

  // Gums and tongue (2), teeth (3), lacrimal tiles (4, 5: unused).
  for (int y = 0; y < res; ++y)
    for (int x = 0; x < res; ++x) {
      const float u = (static_cast<float>(x) + 0.5f) * inv, v = 1.0f - (static_cast<float>(y) + 0.5f) * inv;
      const float n = noise.fbm(u * 12.0f, v * 12.0f, 3) - 0.5f;
      maps.set(2, x, y, {0.52f * (1.0f + 0.2f * n), 0.13f, 0.13f}, 1.0f, 0.28f);
      maps.set(3, x, y, {0.78f + 0.05f * n, 0.72f + 0.05f * n, 0.60f + 0.04f * n}, 1.0f, 0.22f);
      for (int t : {2, 3, 4, 5}) maps.set_normal(t, x, y, 0.0f, 0.0f);
      maps.set(4, x, y, {0.5f, 0.5f, 0.5f}, 1.0f, 0.1f);
      maps.set(5, x, y, {0.5f, 0.5f, 0.5f}, 1.0f, 0.1f);
    }

  // Lashes (6): dark strands with coverage in alpha.
  const Rgb lash = scale(Rgb{0.035f, 0.025f, 0.02f}, 1.6f - lash_dark);
  const at::Tensor coverage = face::lash_coverage(*model, res, seed).contiguous();
  const float* cov = coverage.data_ptr<float>();
  for (int y = 0; y < res; ++y)
    for (int x = 0; x < res; ++x) {
      maps.set(6, x, y, lash, cov[static_cast<std::size_t>(y) * static_cast<std::size_t>(res) + static_cast<std::size_t>(x)], 0.55f);
      maps.set_normal(6, x, y, 0.0f, 0.0f);
    }

  // Eyes (7): sclera with faint veins toward the corners, irises with radial fibres, a limbal
  // ring and the pupil.
  const std::vector<IrisDisc> discs = iris_discs(model->topology());
  for (int y = 0; y < res; ++y)
    for (int x = 0; x < res; ++x) {
      const float u = (static_cast<float>(x) + 0.5f) * inv, v = 1.0f - (static_cast<float>(y) + 0.5f) * inv;
      Rgb c = sclera;
      float best = 1e9f;
      const IrisDisc* disc = nullptr;
      for (const IrisDisc& d : discs) {
        const float r = std::hypot(u - d.u, v - d.v) / d.radius;
        if (r < best) {
          best = r;
          disc = &d;
        }
      }
      if (disc) {
        const float r = best;
        const float veins = std::clamp((noise.fbm(u * 60.0f, v * 60.0f, 3) - 0.55f) * 4.0f, 0.0f, 1.0f) *
                            std::clamp((r - 1.6f) * 0.5f, 0.0f, 1.0f);
        c = mix(c, {0.55f, 0.12f, 0.10f}, 0.35f * veins);
        if (r < 1.0f) {
          const float angle = std::atan2(v - disc->v, u - disc->u);
          const float fibres = noise.value(angle * 40.0f, r * 3.0f) - 0.5f;
          Rgb iris = scale(iris_color, 1.0f + iris_detail * 0.8f * fibres);
          iris = mix(iris, scale(iris_color, 1.6f), std::clamp(0.6f - r, 0.0f, 0.6f) * 0.5f);  // lighter collarette
          iris = scale(iris, 1.0f - limbal * 0.8f * std::clamp((r - 0.82f) / 0.18f, 0.0f, 1.0f));
          c = iris;
          if (r < 0.42f) c = {0.008f, 0.008f, 0.009f};
          // Soft edge between iris and sclera.
          if (r > 0.94f) c = mix(c, sclera, (r - 0.94f) / 0.06f * 0.5f);
        }
      }
      maps.set(7, x, y, c, 1.0f, 0.15f);
      maps.set_normal(7, x, y, 0.0f, 0.0f);
    }

  render::Textures t;
  t.albedo.width = t.albedo.height = res;
  t.albedo.layers = 8;
  t.albedo.channels = 4;
  t.albedo.type = render::TexelType::U8;
  t.albedo.space = render::ColorSpace::Srgb;
  t.albedo.u8 = std::move(maps.albedo);
  t.normal.width = t.normal.height = res;
  t.normal.layers = 8;
  t.normal.channels = 4;
  t.normal.type = render::TexelType::U8;
  t.normal.u8 = std::move(maps.normal);
  t.roughness.width = t.roughness.height = res;
  t.roughness.layers = 8;
  t.roughness.channels = 1;
  t.roughness.type = render::TexelType::U8;
  t.roughness.u8 = std::move(maps.rough);
  return t;
}

}  // namespace likeness::render_adapter
