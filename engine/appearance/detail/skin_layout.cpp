#include "engine/appearance/detail/skin_layout.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "engine/appearance/detail/random.h"
#include "engine/face/face_model.h"
#include "engine/face/regions.h"

// Field names (all over the tile's covered texels):
//   mask.<region>            soft region masks (docs/attributes.md names)
//   part.mouth_socket, part.eye_socket   1 on those parts
//   noise.*                  solid fBm noise in about [-1, 1]
//   zone.*                   where blush, redness, T-zone shine and freckles go
//   rel.melanin, rel.blood   static relative pigment offsets (under-eye darkening, flushed nose)
//   groove.<set>             wrinkle line darkness (0..1); vec2 wrinkle.<set>: normal tilt per mm
//   crease / vec2 crease     the upper-lid crease line
//   vec2 pores, vec2 lip_lines   micro relief per mm
//   brow.*                   brow frame: t along the brow, yrel (cm above the landmark line),
//                            hump (arch profile), taper, caps, zone (where brows may grow)
//   liner, shadow            eyeliner line and eyeshadow zone (0..1)
//   beard.extent, moustache.extent, scalp.extent: order in which coverage fills a zone (1 first)
//   stubble.zone, rough.base
//   spots freckles, moles, age_spots; strands: strand_layers()

namespace likeness::appearance::detail {

namespace {

using Vec3 = std::array<float, 3>;

float smoothstep(float e0, float e1, float x) {
  const float t = std::clamp((x - e0) / (e1 - e0), 0.0f, 1.0f);
  return t * t * (3 - 2 * t);
}

float groove(float distance, float width) { return std::exp(-(distance * distance) / (width * width)); }

// Distance from (x, y) to a 2D polyline.
float polyline_distance(float x, float y, const std::vector<std::array<float, 2>>& pts) {
  float best = 1e30f;
  for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
    const float ax = pts[i][0], ay = pts[i][1], bx = pts[i + 1][0], by = pts[i + 1][1];
    const float ex = bx - ax, ey = by - ay;
    const float len2 = ex * ex + ey * ey;
    const float t = len2 > 0 ? std::clamp(((x - ax) * ex + (y - ay) * ey) / len2, 0.0f, 1.0f) : 0.0f;
    const float dx = x - (ax + t * ex), dy = y - (ay + t * ey);
    best = std::min(best, dx * dx + dy * dy);
  }
  return std::sqrt(best);
}

// A curve y(|x|) through points ordered by |x| (inner to outer); clamped beyond the ends.
struct ProfileCurve {
  std::vector<std::array<float, 2>> pts;  // (|x|, y), ascending |x|
  float y(float ax) const {
    if (ax <= pts.front()[0]) return pts.front()[1];
    for (std::size_t i = 0; i + 1 < pts.size(); ++i)
      if (ax <= pts[i + 1][0]) {
        const float t = (ax - pts[i][0]) / std::max(1e-6f, pts[i + 1][0] - pts[i][0]);
        return pts[i][1] + t * (pts[i + 1][1] - pts[i][1]);
      }
    return pts.back()[1];
  }
  float t(float ax) const { return (ax - pts.front()[0]) / std::max(1e-6f, pts.back()[0] - pts.front()[0]); }
  float inner() const { return pts.front()[0]; }
  float outer() const { return pts.back()[0]; }
};

struct Landmarks {
  std::array<Vec3, 68> p{};
  explicit Landmarks(const face::FaceModel& model) {
    at::Tensor n = model.neutral().contiguous();
    auto a = n.accessor<float, 2>();
    for (int i = 0; i < 68; ++i) {
      const int v = model.landmarks()[static_cast<std::size_t>(i)];
      p[static_cast<std::size_t>(i)] = {a[v][0], a[v][1], a[v][2]};
    }
  }
  const Vec3& operator[](int i) const { return p[static_cast<std::size_t>(i)]; }
  // Curve through landmarks of one side as a function of |x|, sorted inner to outer.
  ProfileCurve curve(const std::vector<int>& ids) const {
    ProfileCurve c;
    for (int id : ids) c.pts.push_back({std::abs((*this)[id][0]), (*this)[id][1]});
    std::sort(c.pts.begin(), c.pts.end(), [](const auto& a, const auto& b) { return a[0] < b[0]; });
    return c;
  }
};

// Per side (0: subject's right, x < 0; 1: left), landmark ids inner to outer.
const std::vector<int> kBrow[2] = {{21, 20, 19, 18, 17}, {22, 23, 24, 25, 26}};
const std::vector<int> kUpperLid[2] = {{39, 38, 37, 36}, {42, 43, 44, 45}};
const std::vector<int> kLowerLid[2] = {{39, 40, 41, 36}, {42, 47, 46, 45}};
constexpr int kOuterCanthus[2] = {36, 45};
constexpr int kMouthCorner[2] = {48, 54};
constexpr int kNoseWing[2] = {31, 35};

// Tangent-space normal tilt per unit depth (mm) of a height field: (-dH/du, -dH/dv) with u, v in
// mm; the domain gradient is in texels with y (rows) down.
std::vector<float> tilt_of(const TexelDomain& d, const std::vector<float>& height) {
  std::vector<float> g = domain_gradient(d, height);
  for (std::size_t i = 0; i < d.size(); ++i) {
    const float mm = 10.0f * d.texel_cm(i);
    g[2 * i] = -g[2 * i] / mm;
    g[2 * i + 1] = g[2 * i + 1] / mm;
  }
  return g;
}

// Unit vector, or zero.
Vec3 unit(Vec3 v) {
  const float n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (n < 1e-9f) return {0, 0, 0};
  return {v[0] / n, v[1] / n, v[2] / n};
}

// Removes the normal component (a direction along the surface).
Vec3 along_surface(const Vec3& d, const float* n) {
  const float k = d[0] * n[0] + d[1] * n[1] + d[2] * n[2];
  return unit({d[0] - k * n[0], d[1] - k * n[1], d[2] - k * n[2]});
}

}  // namespace

float mean_texel_cm(const TexelDomain& d) {
  double total = 0;
  for (std::size_t i = 0; i < d.size(); ++i) total += d.texel_cm(i);
  return d.size() ? static_cast<float>(total / static_cast<double>(d.size())) : 0.1f;
}

FieldSet build_skin_fields(const face::FaceModel& model, const face::RegionSet& regions, const TexelDomain& d,
                           std::uint64_t seed, float noise_texel_cm) {
  FieldSet f;
  const std::size_t n = d.size();
  f.size = n;
  const std::uint64_t tile_seed = mix64(seed ^ static_cast<std::uint64_t>(d.tile) * 0x9e37ull);
  auto key = [&](const char* name) { return stream_key(tile_seed, name); };
  // Solid noise must be the same field on both tiles, or the face/back-of-head border shows.
  auto solid = [&](const char* name) { return stream_key(mix64(seed), name); };
  auto field = [&](const std::string& name) -> std::vector<float>& {
    auto& v = f.scalar[name];
    v.assign(n, 0.0f);
    return v;
  };

  // Region masks on this tile's texels.
  const std::vector<std::string> mask_names = {"lips", "upper_lip", "lower_lip", "mouth_corners", "moustache", "beard", "scalp",
                                               "brows", "eyelids", "under_eyes", "forehead", "nose", "nose_tip", "nose_wings",
                                               "cheeks", "cheekbones", "chin", "ears", "neck", "face", "temples", "nasolabial",
                                               "jaw", "nose_bridge"};
  face::RegionSamples samples;
  samples.position = d.position;
  samples.normal = d.normal;
  samples.parts = d.parts;
  at::Tensor masks = regions.evaluate(mask_names, samples).contiguous();
  auto mask_at = masks.accessor<float, 2>();
  for (std::size_t k = 0; k < mask_names.size(); ++k) {
    auto& m = field("mask." + mask_names[k]);
    for (std::size_t i = 0; i < n; ++i) m[i] = mask_at[static_cast<long>(i)][static_cast<long>(k)];
  }
  auto M = [&](const char* name) -> const std::vector<float>& { return f.scalar.at(std::string("mask.") + name); };

  // Parts that are not outer skin: the mouth and eye sockets.
  std::uint32_t mouth_bit = 0, eye_socket_bits = 0;
  for (std::size_t p = 0; p < model.parts().size(); ++p) {
    const std::string& name = model.parts()[p].name;
    if (name == "mouth_socket") mouth_bit |= 1u << p;
    if (name == "eye_socket_left" || name == "eye_socket_right") eye_socket_bits |= 1u << p;
  }
  auto& mouth_socket = field("part.mouth_socket");
  auto& eye_socket = field("part.eye_socket");
  for (std::size_t i = 0; i < n; ++i) {
    mouth_socket[i] = (d.parts[i] & mouth_bit) ? 1.0f : 0.0f;
    eye_socket[i] = (d.parts[i] & eye_socket_bits) ? 1.0f : 0.0f;
  }

  // Solid noise (cm scales), band-limited to the texel size.
  const float texel = mean_texel_cm(d);
  const float noise_band = 2 * (noise_texel_cm > 0 ? noise_texel_cm : texel);
  f.scalar["noise.blotch_m"] = fbm(d.position, 2.2f, 3, noise_band, solid("blotch_m"));
  f.scalar["noise.blotch_h"] = fbm(d.position, 1.3f, 3, noise_band, solid("blotch_h"));
  f.scalar["noise.fine_m"] = fbm(d.position, 0.35f, 2, noise_band, solid("fine_m"));
  f.scalar["noise.edge"] = fbm(d.position, 0.6f, 2, noise_band, solid("edge"));
  f.scalar["noise.rough"] = fbm(d.position, 0.3f, 2, noise_band, solid("rough"));

  const Landmarks lm(model);
  ProfileCurve brow[2], upper[2], lower[2];
  for (int s = 0; s < 2; ++s) {
    brow[s] = lm.curve(kBrow[s]);
    upper[s] = lm.curve(kUpperLid[s]);
    lower[s] = lm.curve(kLowerLid[s]);
  }
  auto side_of = [](float x) { return x < 0 ? 0 : 1; };

  // Pigment zones and static offsets.
  auto& blush = field("zone.blush");
  auto& redness = field("zone.redness");
  auto& tzone = field("zone.tzone");
  auto& freckle_zone = field("zone.freckles");
  auto& rel_m = field("rel.melanin");
  auto& rel_h = field("rel.blood");
  auto& rough = field("rough.base");
  const auto& noise_edge = f.scalar.at("noise.edge");
  const auto& noise_rough = f.scalar.at("noise.rough");
  const float mouth_y = 0.5f * (lm[48][1] + lm[54][1]);
  const float chin_y = lm[8][1];
  for (std::size_t i = 0; i < n; ++i) {
    const float* p = &d.position[3 * i];
    const float cheek = std::max(M("cheeks")[i], 0.7f * M("cheekbones")[i]);
    // Blush: a wide, soft oval on the cheek apples, strongest below the outer eye and fading out
    // over the whole cheek (a narrow one reads as a painted disc).
    const int s = side_of(p[0]);
    const Vec3& eye = lm[kOuterCanthus[s]];
    const float bx = p[0] - (eye[0] * 0.78f), by = p[1] - (eye[1] - 2.4f);
    blush[i] = cheek * std::exp(-(bx * bx) / (2.0f * 2.3f * 2.3f) - (by * by) / (2.0f * 1.9f * 1.9f));
    redness[i] = std::clamp(std::max({M("nose")[i], 0.9f * cheek, 0.6f * M("chin")[i], 0.5f * M("forehead")[i]}) +
                                0.25f * M("face")[i],
                            0.0f, 1.0f);
    tzone[i] = std::max({M("forehead")[i] * smoothstep(-3.2f, 0.0f, -std::abs(p[0])), M("nose")[i], M("chin")[i] * 0.8f,
                         M("nose_bridge")[i]});
    freckle_zone[i] = std::max({M("nose")[i], M("cheeks")[i], M("cheekbones")[i], 0.6f * M("forehead")[i], 0.3f * M("face")[i]});
    // Thin skin around the eyes shows darker (pigment, deoxygenated blood); nose tip, ears and
    // cheeks are more flushed; the mouth's surroundings slightly darker in pigmented skin.
    rel_m[i] = 0.16f * M("under_eyes")[i] + 0.1f * M("eyelids")[i] + 0.12f * M("mouth_corners")[i] + 0.1f * M("ears")[i] -
               0.08f * M("neck")[i];
    rel_h[i] = 0.6f * M("nose_tip")[i] + 0.4f * M("nose_wings")[i] + 0.3f * cheek + 0.5f * M("ears")[i] + 0.25f * M("eyelids")[i] +
               0.15f * M("chin")[i] - 0.15f * M("neck")[i];
    rough[i] = 0.52f + 0.04f * noise_rough[i] + 0.04f * M("ears")[i] - 0.1f * mouth_socket[i] - 0.1f * eye_socket[i];
  }

  // Spots: freckles (many small), moles (few), age spots (medium, irregular).
  {
    std::vector<float> mole_w(n), age_w(n);
    for (std::size_t i = 0; i < n; ++i) {
      const float skin = 1.0f - std::max({M("lips")[i], mouth_socket[i], eye_socket[i]});
      mole_w[i] = skin * (0.3f + M("face")[i] + 0.5f * M("neck")[i]);
      age_w[i] = skin * (M("face")[i] + 0.8f * M("temples")[i] + 0.6f * M("forehead")[i] + 0.5f * M("scalp")[i]);
      freckle_zone[i] *= skin;
    }
    const float fscale = d.tile == 0 ? 1.0f : 0.15f;  // most of the freckle zone is on the face tile
    f.spots["freckles"] = scatter_spots(d.position, freckle_zone, static_cast<int>(2600 * fscale), 0.05f, 0.14f, key("freckles"));
    // Moles 1 to 3 mm across (common naevi), age spots 3 to 8 mm.
    f.spots["moles"] = scatter_spots(d.position, mole_w, d.tile == 0 ? 50 : 20, 0.05f, 0.14f, key("moles"));
    f.spots["age_spots"] = scatter_spots(d.position, age_w, d.tile == 0 ? 140 : 60, 0.15f, 0.4f, key("age_spots"));
  }

  // Wrinkles: groove lines (darkness 0..1) whose height -groove makes the normal map.
  const float min_width = 1.2f * texel;
  auto width = [&](float w) { return std::max(w, min_width); };
  {
    const std::vector<float> line_noise = fbm(d.position, 1.2f, 2, noise_band, solid("wrinkle_breaks"));
    const float brow_y = 0.25f * (lm[19][1] + lm[24][1] + lm[21][1] + lm[22][1]);
    std::map<std::string, std::vector<float>> g;
    for (const auto& name : wrinkle_sets()) g[name].assign(n, 0.0f);
    for (std::size_t i = 0; i < n; ++i) {
      const float* p = &d.position[3 * i];
      const float x = p[0], y = p[1], ax = std::abs(x);
      const float front = smoothstep(-0.1f, 0.35f, d.normal[3 * i + 2]);
      const int s = side_of(x);
      const float breaks = smoothstep(-0.35f, 0.15f, line_noise[i]);
      // Forehead: four gently waving horizontal lines above the brows.
      float v = 0;
      for (int k = 0; k < 4; ++k) {
        const float ly = brow_y + 1.15f + 0.75f * k + 0.12f * std::sin(0.9f * x + 1.7f * k) + 0.012f * x * x;
        v = std::max(v, groove(y - ly, width(0.05f)) * smoothstep(-4.2f + 0.4f * k, -2.5f, -ax));
      }
      g["forehead"][i] = v * breaks * M("forehead")[i] * front;
      // Glabella: two short vertical frown lines between the brows.
      const float gy0 = 0.5f * (lm[21][1] + lm[22][1]);
      g["glabella"][i] = groove(ax - 0.38f, width(0.045f)) * smoothstep(gy0 - 0.3f, gy0, y) * (1 - smoothstep(gy0 + 1.0f, gy0 + 1.6f, y)) *
                         front * std::max(M("forehead")[i], M("nose_bridge")[i]);
      // Crow's feet: lines fanning out from the outer eye corner.
      {
        const Vec3& c = lm[kOuterCanthus[s]];
        const float lx = (ax - std::abs(c[0])), ly = y - c[1];
        const float r = std::sqrt(lx * lx + ly * ly);
        float cv = 0;
        if (lx > 0.1f)
          for (float ang : {-0.62f, -0.27f, 0.08f, 0.42f}) {
            const float a = std::atan2(ly, lx);
            cv = std::max(cv, groove(r * std::sin(a - ang), width(0.045f)));
          }
        g["crows_feet"][i] = cv * smoothstep(0.45f, 0.8f, r) * (1 - smoothstep(1.6f, 2.3f, r)) *
                             std::max({M("temples")[i], M("eyelids")[i], M("under_eyes")[i], M("cheekbones")[i]}) * front;
      }
      // Under the eyes: two arcs below the lower lid.
      {
        const float t = lower[s].t(ax);
        const float ly = lower[s].y(ax);
        float uv = 0;
        for (float off : {0.42f, 0.78f}) uv = std::max(uv, groove(y - (ly - off - 0.1f * std::sin(3.14159f * std::clamp(t, 0.0f, 1.0f))), width(0.045f)));
        g["under_eye"][i] = uv * smoothstep(-0.1f, 0.15f, t) * (1 - smoothstep(0.9f, 1.15f, t)) *
                            std::max(M("under_eyes")[i], 0.5f * M("cheekbones")[i]) * front;
      }
      // Nasolabial fold: from the nose wing to beside the mouth corner (broad).
      {
        const Vec3& w = lm[kNoseWing[s]];
        const Vec3& m = lm[kMouthCorner[s]];
        const float sx = x < 0 ? -1.0f : 1.0f;
        std::vector<std::array<float, 2>> fold = {{w[0] + sx * 0.45f, w[1] + 0.15f},
                                                  {0.5f * (w[0] + m[0]) + sx * 0.6f, 0.5f * (w[1] + m[1])},
                                                  {m[0] + sx * 0.5f, m[1] - 0.35f}};
        g["nasolabial"][i] = groove(polyline_distance(x, y, fold), width(0.12f)) * M("face")[i] * front *
                             (1 - M("lips")[i]);
        std::vector<std::array<float, 2>> marionette = {{m[0] + sx * 0.3f, m[1] - 0.2f}, {m[0] + sx * 0.55f, m[1] - 1.9f}};
        g["marionette"][i] = groove(polyline_distance(x, y, marionette), width(0.07f)) * M("face")[i] * front * (1 - M("lips")[i]);
      }
      // Perioral: short vertical lines on the upper lip skin.
      {
        const float lip_top = 0.5f * (lm[50][1] + lm[52][1]);
        const float phase = ax / 0.36f;
        const float dist = std::abs(phase - std::round(phase)) * 0.36f;
        const float len = 0.35f + 0.3f * (0.5f + 0.5f * line_noise[i]);
        g["perioral"][i] = groove(dist, width(0.03f)) * smoothstep(lip_top - 0.05f, lip_top + 0.05f, y) *
                           (1 - smoothstep(lip_top + len, lip_top + len + 0.15f, y)) * (ax < 2.0f ? 1.0f : 0.0f) *
                           std::max(M("moustache")[i], 0.5f * M("mouth_corners")[i]) * (1 - M("lips")[i]);
      }
      // Neck: horizontal rings below the chin.
      {
        float nv = 0;
        for (float off : {3.2f, 4.6f, 6.0f}) nv = std::max(nv, groove(y - (chin_y - off + 0.02f * x * x), width(0.08f)));
        g["neck"][i] = nv * breaks * M("neck")[i];
      }
    }
    for (const auto& name : wrinkle_sets()) {
      std::vector<float> height(n);
      for (std::size_t i = 0; i < n; ++i) height[i] = -g[name][i];
      f.vec2["wrinkle." + name] = tilt_of(d, height);
      f.scalar["groove." + name] = std::move(g[name]);
    }
  }

  // Micro relief: pores (strongest on the nose and cheeks) and vertical lines on the lips.
  {
    const std::vector<float> pores = fbm(d.position, std::max(0.06f, 2.5f * texel), 2, 1.5f * texel, solid("pores"));
    const std::vector<float> lip_noise = fbm(d.position, 0.5f, 1, 0.0f, solid("lip_lines"));
    std::vector<float> h(n), lines(n);
    auto& lip_albedo = field("noise.lip_lines");
    for (std::size_t i = 0; i < n; ++i) {
      const float amount = 0.6f + 0.8f * M("nose")[i] + 0.5f * M("cheeks")[i] + 0.2f * M("forehead")[i] - 0.6f * M("lips")[i];
      h[i] = std::max(0.0f, amount) * std::min(0.0f, pores[i] - 0.1f);  // pits
      const float* p = &d.position[3 * i];
      const float period = std::max(0.09f, 2.5f * texel);
      const float ph = (p[0] + 0.05f * lip_noise[i]) / period;
      const float wave = 0.5f + 0.5f * std::cos(6.2831853f * ph);
      lines[i] = -wave * M("lips")[i];
      lip_albedo[i] = wave * M("lips")[i];
    }
    f.vec2["pores"] = tilt_of(d, h);
    f.vec2["lip_lines"] = tilt_of(d, lines);
  }

  // Eyes: lid lines for the crease, eyeliner and eyeshadow.
  {
    auto& crease = field("crease");
    auto& liner = field("liner");
    auto& shadow = field("shadow");
    for (std::size_t i = 0; i < n; ++i) {
      const float* p = &d.position[3 * i];
      const float ax = std::abs(p[0]), y = p[1];
      const int s = side_of(p[0]);
      const float front = smoothstep(0.05f, 0.35f, d.normal[3 * i + 2]);
      const float lid_zone = std::max({M("eyelids")[i], 0.6f * M("temples")[i], 0.5f * M("brows")[i]}) * (1 - eye_socket[i]);
      const float t = upper[s].t(ax);
      const float above = y - upper[s].y(ax);  // cm above the lid margin (lash line)
      // Crease: a fold about 0.55 cm above the lash line at the lid's middle, meeting the corners.
      const float hc = 0.22f + 0.38f * std::sin(3.14159f * std::clamp(t, 0.0f, 1.0f));
      crease[i] = groove(above - hc, width(0.06f)) * smoothstep(0.0f, 0.12f, t) * (1 - smoothstep(0.88f, 1.02f, t)) * front *
                  M("eyelids")[i];
      // Eyeliner: a band along the lash line, thicker outward, ending in a short wing.
      float band = 0;
      if (t >= -0.05f && t <= 1.0f) {
        const float w = 0.07f + 0.07f * std::clamp(t, 0.0f, 1.0f);
        band = smoothstep(-0.04f, 0.0f, above) * (1 - smoothstep(w, w + 0.04f, above)) * smoothstep(-0.05f, 0.08f, t);
      } else if (t > 1.0f) {
        const float out = ax - upper[s].outer();
        const float wing_len = 0.45f;
        const float wy = upper[s].y(upper[s].outer()) + 0.5f * out;
        const float w = 0.14f * (1 - std::clamp(out / wing_len, 0.0f, 1.0f));
        band = (1 - smoothstep(0.0f, 0.03f, std::abs(y - wy - 0.5f * w) - 0.5f * w)) * (out < wing_len ? 1.0f : 0.0f);
      }
      liner[i] = band * front * lid_zone;
      // Eyeshadow: the mobile lid and a fading wash up toward the brow.
      shadow[i] = smoothstep(-0.03f, 0.05f, above) * (1 - smoothstep(0.55f, 1.2f, above)) * smoothstep(-0.2f, 0.05f, t) *
                  (1 - smoothstep(1.05f, 1.35f, t)) * front * lid_zone * (1 - 0.8f * M("brows")[i]);
    }
    std::vector<float> h(n);
    for (std::size_t i = 0; i < n; ++i) h[i] = -crease[i];
    f.vec2["crease"] = tilt_of(d, h);
  }

  // Brows: a frame along each brow (t from the head at 0 to the tail at 1, yrel above the
  // landmark line), and the zone where brow hairs may grow.
  {
    auto& bt = field("brow.t");
    auto& yrel = field("brow.yrel");
    auto& hump = field("brow.hump");
    auto& taper = field("brow.taper");
    auto& caps = field("brow.caps");
    auto& zone = field("brow.zone");
    std::vector<float> dir(3 * n, 0.0f);
    for (std::size_t i = 0; i < n; ++i) {
      const float* p = &d.position[3 * i];
      const float ax = std::abs(p[0]);
      const int s = side_of(p[0]);
      const float t = brow[s].t(ax);
      bt[i] = t;
      yrel[i] = p[1] - brow[s].y(ax);
      const float tc = std::clamp(t, 0.0f, 1.0f);
      hump[i] = std::sin(3.14159f * std::pow(tc, 1.5f));
      taper[i] = 1.0f - 0.5f * tc * tc;
      caps[i] = smoothstep(-0.06f, 0.05f, t) * (1 - smoothstep(0.96f, 1.08f, t));
      const float front = smoothstep(0.0f, 0.3f, d.normal[3 * i + 2]);
      const float near = (1 - smoothstep(1.1f, 1.6f, std::abs(yrel[i] - 0.1f))) * caps[i];
      zone[i] = near * front * std::max({M("brows")[i], M("forehead")[i], M("eyelids")[i], M("temples")[i]}) * (1 - eye_socket[i]);
      // Hairs point up at the head of the brow, then outward, the tail slightly down.
      const float sx = p[0] < 0 ? -1.0f : 1.0f;
      const Vec3 g = along_surface(unit({sx * (0.25f + 1.3f * tc), 1.1f - 1.4f * tc, 0.0f}), &d.normal[3 * i]);
      dir[3 * i] = g[0];
      dir[3 * i + 1] = g[1];
      dir[3 * i + 2] = g[2];
    }
    StrandStyle style;
    style.length_cm = 0.75f;
    style.coverage = 3.0f;
    style.opacity = 0.95f;
    style.curl = 0.12f;
    f.strands["brows"] = draw_strands(d, zone, dir, style, key("brow_strands"));
  }

  // Beard, moustache, stubble, scalp hair: extents and strands.
  {
    auto& beard_ext = field("beard.extent");
    auto& mous_ext = field("moustache.extent");
    auto& scalp_ext = field("scalp.extent");
    auto& stubble = field("stubble.zone");
    std::vector<float> down(3 * n), mous_dir(3 * n), scalp_dir(3 * n);
    const Vec3 crown = {0.0f, lm[27][1] + 9.5f, lm[27][2] - 9.0f};
    for (std::size_t i = 0; i < n; ++i) {
      const float* p = &d.position[3 * i];
      const float* nn = &d.normal[3 * i];
      const float sx = p[0] < 0 ? -1.0f : 1.0f;
      const float e = 0.1f * noise_edge[i];
      // Beard: the chin and jaw line fill first, the upper cheeks and low neck last.
      const float upper_cheek = smoothstep(mouth_y - 0.5f, mouth_y + 2.5f, p[1]);
      const float low_neck = smoothstep(chin_y - 1.0f, chin_y - 5.0f, p[1]);
      beard_ext[i] = std::clamp(1.0f - 0.6f * upper_cheek - 0.5f * low_neck + e, 0.0f, 1.0f) * M("beard")[i];
      mous_ext[i] = std::clamp(1.0f - 0.35f * smoothstep(0.8f, 2.6f, std::abs(p[0])) + e, 0.0f, 1.0f) * M("moustache")[i];
      // Scalp: male-pattern order, the sides and back low keep hair longest.
      const float top = smoothstep(lm[27][1] + 5.0f, lm[27][1] + 10.5f, p[1]);
      const float forward = smoothstep(lm[27][2] - 12.0f, lm[27][2] - 4.0f, p[2]);
      scalp_ext[i] = std::clamp(1.0f - 0.75f * top * (0.35f + 0.65f * forward) - 0.25f * forward * top + e, 0.0f, 1.0f) * M("scalp")[i];
      stubble[i] = std::max(M("beard")[i], M("moustache")[i]) * (1 - M("lips")[i]);
      Vec3 g = along_surface(unit({-0.25f * sx, -1.0f, 0.15f}), nn);
      std::copy(g.begin(), g.end(), &down[3 * i]);
      g = along_surface(unit({0.7f * sx, -1.0f, 0.0f}), nn);
      std::copy(g.begin(), g.end(), &mous_dir[3 * i]);
      g = along_surface(unit({p[0] - crown[0], p[1] - crown[1], p[2] - crown[2]}), nn);
      std::copy(g.begin(), g.end(), &scalp_dir[3 * i]);
    }
    std::vector<float> beard_zone(n), mous_zone(n), scalp_zone(n);
    for (std::size_t i = 0; i < n; ++i) {
      beard_zone[i] = M("beard")[i] > 0.01f ? M("beard")[i] : 0.0f;
      mous_zone[i] = M("moustache")[i] > 0.01f ? M("moustache")[i] : 0.0f;
      scalp_zone[i] = M("scalp")[i] > 0.01f ? M("scalp")[i] : 0.0f;
    }
    StrandStyle s_short{0.32f, 0.01f, 2.6f, 0.85f, 0.2f, 0.35f};
    StrandStyle s_long{1.3f, 0.012f, 3.2f, 0.95f, 0.3f, 0.3f};
    StrandStyle m_short{0.3f, 0.01f, 2.6f, 0.85f, 0.15f, 0.4f};
    StrandStyle m_long{1.0f, 0.012f, 3.2f, 0.95f, 0.2f, 0.35f};
    StrandStyle stub{0.07f, 0.012f, 1.3f, 0.8f, 0.0f, 0.5f};
    StrandStyle scalp{0.5f, 0.01f, 3.6f, 0.95f, 0.25f, 0.3f};
    f.strands["beard_short"] = draw_strands(d, beard_zone, down, s_short, key("beard_short"));
    f.strands["beard_long"] = draw_strands(d, beard_zone, down, s_long, key("beard_long"));
    f.strands["moustache_short"] = draw_strands(d, mous_zone, mous_dir, m_short, key("moustache_short"));
    f.strands["moustache_long"] = draw_strands(d, mous_zone, mous_dir, m_long, key("moustache_long"));
    f.strands["stubble"] = draw_strands(d, stubble, down, stub, key("stubble"));
    f.strands["scalp"] = draw_strands(d, scalp_zone, scalp_dir, scalp, key("scalp"));
  }
  return f;
}

}  // namespace likeness::appearance::detail
