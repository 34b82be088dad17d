#version 450
#include "common.glsl"
// The head's surface: UDIM albedo and normal/roughness maps, GGX specular, a wrap-lit subsurface
// approximation for skin (per-channel softened normals and wrap, red-shifted shadow penumbrae),
// glossy cornea on the eyes, spherical-harmonic ambient, a soft PCF shadow, ACES tone mapping,
// then the overlays in display space.

layout(set = 0, binding = 1) uniform sampler2DShadow shadow_map;
layout(set = 1, binding = 0) uniform sampler2DArray albedo_tex;    // rgb colour, a coverage
layout(set = 1, binding = 1) uniform sampler2DArray material_tex;  // rgb normal, a roughness

layout(push_constant) uniform Draw {
  int kind;  // KIND_*
  int tile;  // UDIM tile of this material; -1: floor(u)
} draw;

layout(location = 0) in vec3 v_position;
layout(location = 1) in vec3 v_normal;
layout(location = 2) in vec2 v_uv;
layout(location = 3) in vec3 v_overlay;

layout(location = 0) out vec4 out_color;

// ---------------------------------------------------------------- lighting helpers

float d_ggx(float n_dot_h, float a) {
  float a2 = a * a;
  float d = n_dot_h * n_dot_h * (a2 - 1.0) + 1.0;
  return a2 / (PI * d * d);
}

float v_smith_correlated(float n_dot_v, float n_dot_l, float a) {
  float a2 = a * a;
  float gv = n_dot_l * sqrt(n_dot_v * n_dot_v * (1.0 - a2) + a2);
  float gl = n_dot_v * sqrt(n_dot_l * n_dot_l * (1.0 - a2) + a2);
  return 0.5 / max(gv + gl, 1e-5);
}

vec3 f_schlick(vec3 f0, float v_dot_h) { return f0 + (1.0 - f0) * pow(1.0 - v_dot_h, 5.0); }

// GGX for a directional light of angular radius `size`: the lobe widens (and its peak drops) as the
// light grows, as for sphere lights (Karis 2013).
vec3 ggx(vec3 n, vec3 v, vec3 l, float roughness, vec3 f0, float size) {
  vec3 h = normalize(v + l);
  float n_dot_l = max(dot(n, l), 0.0);
  float n_dot_v = max(dot(n, v), 1e-4);
  float n_dot_h = max(dot(n, h), 0.0);
  float a = max(roughness * roughness, 0.002);
  float a_wide = min(1.0, a + 0.5 * size);
  float norm = (a / a_wide) * (a / a_wide);
  return d_ggx(n_dot_h, a_wide) * norm * v_smith_correlated(n_dot_v, n_dot_l, a_wide) * f_schlick(f0, max(dot(v, h), 0.0)) *
         n_dot_l;
}

// Split-sum environment BRDF, analytic fit (Karis 2014, mobile).
vec3 env_brdf(vec3 f0, float roughness, float n_dot_v) {
  const vec4 c0 = vec4(-1.0, -0.0275, -0.572, 0.022);
  const vec4 c1 = vec4(1.0, 0.0425, 1.04, -0.04);
  vec4 r = roughness * c0 + c1;
  float a004 = min(r.x * r.x, exp2(-9.28 * n_dot_v)) * r.x + r.y;
  vec2 ab = vec2(-1.04, 1.04) * a004 + r.zw;
  return f0 * ab.x + ab.y;
}

// SH radiance with per-band weights (w.x band 0, w.y band 1, w.z band 2) at a world direction.
vec3 sh_eval(vec3 dir_world, vec3 w) {
  vec3 d = normalize(mat3(frame.lighting_from_world) * dir_world);
  vec3 r = frame.sh[0].rgb * (0.282095 * w.x);
  r += (frame.sh[1].rgb * d.y + frame.sh[2].rgb * d.z + frame.sh[3].rgb * d.x) * (0.488603 * w.y);
  r += (frame.sh[4].rgb * (1.092548 * d.x * d.y) + frame.sh[5].rgb * (1.092548 * d.y * d.z) +
        frame.sh[6].rgb * (0.315392 * (3.0 * d.z * d.z - 1.0)) + frame.sh[7].rgb * (1.092548 * d.x * d.z) +
        frame.sh[8].rgb * (0.546274 * (d.x * d.x - d.y * d.y))) * w.z;
  return max(r, vec3(0.0));
}

// Irradiance / pi (what a white Lambertian surface reflects).
vec3 sh_diffuse(vec3 n) { return sh_eval(n, vec3(1.0, 2.0 / 3.0, 0.25)); }

// Blurry reflection of the environment for a roughness.
vec3 sh_specular(vec3 r, float roughness) {
  float a = roughness * roughness;
  return sh_eval(r, vec3(1.0, exp(-1.0 * a), exp(-3.0 * a)));
}

// Poisson-disc PCF on the comparison sampler: soft shadow whose penumbra grows with the light size.
float shadow_factor(vec3 p, vec3 n, vec3 l, float size) {
  if (frame.flags.z == 0) return 1.0;
  float texel = frame.params.y;
  vec3 offset_p = p + n * 0.08 + l * 0.05;  // normal offset against acne (cm)
  vec4 c = frame.light_view_proj * vec4(offset_p, 1.0);
  vec3 s = c.xyz / c.w;
  vec2 uv = s.xy * 0.5 + 0.5;
  if (any(lessThan(uv, vec2(0.0))) || any(greaterThan(uv, vec2(1.0))) || s.z > 1.0) return 1.0;
  const vec2 disc[12] = vec2[](vec2(-0.326, -0.406), vec2(-0.840, -0.074), vec2(-0.696, 0.457), vec2(-0.203, 0.621),
                               vec2(0.962, -0.195), vec2(0.473, -0.480), vec2(0.519, 0.767), vec2(0.185, -0.893),
                               vec2(0.507, 0.064), vec2(0.896, 0.412), vec2(-0.322, -0.933), vec2(-0.792, -0.598));
  float radius = texel * (1.5 + size * 60.0);
  float sum = 0.0;
  for (int i = 0; i < 12; ++i) sum += texture(shadow_map, vec3(uv + disc[i] * radius, s.z));
  return sum / 12.0;
}

// Cotangent frame from screen-space derivatives (Schüler 2013): tangent-space normal maps without
// per-vertex tangents, correct for any live geometry.
vec3 perturb_normal(vec3 n, vec3 p, vec2 uv, vec3 tangent_normal) {
  vec3 dp1 = dFdx(p), dp2 = dFdy(p);
  vec2 duv1 = dFdx(uv), duv2 = dFdy(uv);
  vec3 dp2perp = cross(dp2, n);
  vec3 dp1perp = cross(n, dp1);
  vec3 t = dp2perp * duv1.x + dp1perp * duv2.x;
  vec3 b = dp2perp * duv1.y + dp1perp * duv2.y;
  float m = max(dot(t, t), dot(b, b));
  if (m < 1e-20) return n;
  float inv = inversesqrt(m);
  vec3 result = normalize(mat3(t * inv, b * inv, n) * tangent_normal);
  return any(isnan(result)) ? n : result;
}

// ---------------------------------------------------------------- overlays

vec3 turbo(float x) {
  // Polynomial fit of Google's Turbo colormap (Mikhailov 2019).
  x = clamp(x, 0.0, 1.0);
  const vec4 kr4 = vec4(0.13572138, 4.61539260, -42.66032258, 132.13108234);
  const vec4 kg4 = vec4(0.09140261, 2.19418839, 4.84296658, -14.18503333);
  const vec4 kb4 = vec4(0.10667330, 12.64194608, -60.58204836, 110.36276771);
  const vec2 kr2 = vec2(-152.94239396, 59.28637943);
  const vec2 kg2 = vec2(4.27729857, 2.82956604);
  const vec2 kb2 = vec2(-89.90310912, 27.34824973);
  vec4 v4 = vec4(1.0, x, x * x, x * x * x);
  vec2 v2 = v4.zw * v4.z;
  return vec3(dot(v4, kr4) + dot(v2, kr2), dot(v4, kg4) + dot(v2, kg2), dot(v4, kb4) + dot(v2, kb2));
}

vec3 uv_checker(vec2 local_uv, float tile) {
  vec2 cell = floor(local_uv * 16.0);
  float check = mod(cell.x + cell.y, 2.0);
  vec3 hue = 0.5 + 0.5 * cos(6.2831 * (tile * 0.13 + vec3(0.0, 0.33, 0.67)));
  return mix(vec3(0.08), mix(vec3(0.75), hue, 0.35), check);
}

// ---------------------------------------------------------------- main

void main() {
  float tile = draw.tile >= 0 ? float(draw.tile) : floor(v_uv.x);
  vec2 local_uv = vec2(v_uv.x - tile, v_uv.y);
  vec2 tex_uv = vec2(local_uv.x, 1.0 - local_uv.y);  // texture rows are stored top row first
  vec3 albedo_coord = vec3(tex_uv, clamp(tile, 0.0, float(frame.layers.x - 1)));
  vec3 material_coord = vec3(tex_uv, clamp(tile, 0.0, float(frame.layers.y - 1)));

  vec4 albedo_sample = texture(albedo_tex, albedo_coord);
  vec4 material = texture(material_tex, material_coord);
  vec3 albedo = albedo_sample.rgb;
  float alpha = draw.kind == KIND_LASHES ? albedo_sample.a : 1.0;
  // Elsewhere the albedo's alpha is baked ambient occlusion (1 = open).
  float occlusion = draw.kind == KIND_LASHES ? 1.0 : clamp(albedo_sample.a, 0.0, 1.0);
  if (draw.kind == KIND_LASHES && alpha < 0.02) discard;
  // Sharpened alpha to coverage: a strand is opaque where it covers the pixel and falls off over
  // one pixel at its edge, instead of turning into a translucent grey film as mips average it.
  if (draw.kind == KIND_LASHES) alpha = clamp((alpha - 0.4) / max(fwidth(alpha), 1e-4) + 0.5, 0.0, 1.0);
  if ((frame.flags.y & OVERLAY_UV_CHECKER) != 0) albedo = uv_checker(local_uv, tile);

  vec3 v = normalize(frame.camera_pos.xyz - v_position);
  vec3 n_geom = normalize(v_normal);
  if (!gl_FrontFacing && draw.kind == KIND_LASHES) n_geom = -n_geom;
  vec3 tangent_normal = normalize(material.xyz * 2.0 - 1.0);
  vec3 n = perturb_normal(n_geom, v_position, local_uv, tangent_normal);
  float roughness = clamp(material.a, 0.03, 1.0);

  // Material constants.
  vec3 f0 = vec3(0.028);  // skin, about n = 1.4
  vec3 wrap = vec3(0.0);
  vec3 soften = vec3(0.0);  // how much each channel's normal falls back to the smooth geometric normal
  float spec_scale = 1.0;
  float second_lobe = 0.0;
  float coat_roughness = 0.0;
  if (draw.kind == KIND_SKIN) {
    wrap = vec3(0.42, 0.20, 0.14);  // red light scatters farthest under the skin
    soften = vec3(0.65, 0.35, 0.25);
    second_lobe = 0.15;
  } else if (draw.kind == KIND_EYE) {
    wrap = vec3(0.15);
    f0 = vec3(0.02);
    spec_scale = 0.0;             // the eyeball under the cornea is matte ...
    coat_roughness = 0.06;        // ... and the cornea above it glossy
  } else if (draw.kind == KIND_TEETH) {
    wrap = vec3(0.12, 0.10, 0.08);
    f0 = vec3(0.04);
    roughness = max(roughness * 0.7, 0.18);
  } else if (draw.kind == KIND_GUMS) {
    wrap = vec3(0.35, 0.18, 0.12);
    soften = vec3(0.5, 0.3, 0.2);
    roughness = min(roughness, 0.3);  // wet tissue
  } else if (draw.kind == KIND_LASHES) {
    wrap = vec3(0.5);
    spec_scale = 0.12;
    roughness = 0.45;
    // A card stands for round strands: its plane's grazing Fresnel (cards are often seen edge on)
    // would paint the lashes as grey sheets, so shade with a normal turned toward the viewer.
    n = normalize(mix(n, v, 0.65));
  }
  vec3 n_r = normalize(mix(n, n_geom, soften.r));
  vec3 n_g = normalize(mix(n, n_geom, soften.g));
  vec3 n_b = normalize(mix(n, n_geom, soften.b));

  vec3 diffuse = vec3(0.0);
  vec3 specular = vec3(0.0);
  for (int i = 0; i < frame.flags.x; ++i) {
    vec3 l = normalize(frame.light_dir[i].xyz);
    float size = frame.light_dir[i].w;
    vec3 radiance = frame.light_color[i].rgb;
    float s = frame.light_color[i].w > 0.5 ? shadow_factor(v_position, n_geom, l, size) : 1.0;
    // Shadow penumbrae on skin turn red: light that entered nearby scatters into the shadow.
    vec3 shadow = draw.kind == KIND_SKIN || draw.kind == KIND_GUMS ? pow(vec3(s), vec3(0.55, 1.1, 1.3)) : vec3(s);
    vec3 n_dot_l = vec3(dot(n_r, l), dot(n_g, l), dot(n_b, l));
    vec3 wrapped = clamp((n_dot_l + wrap) / ((1.0 + wrap) * (1.0 + wrap)), 0.0, 1.0);
    diffuse += radiance * wrapped * shadow;
    if (spec_scale > 0.0) {
      vec3 lobe = ggx(n, v, l, roughness, f0, size);
      if (second_lobe > 0.0) lobe = mix(lobe, ggx(n, v, l, roughness * 0.55, f0, size), second_lobe);
      specular += spec_scale * radiance * lobe * s;
    }
    if (coat_roughness > 0.0) specular += radiance * ggx(n_geom, v, l, coat_roughness, f0, size) * s;
  }

  // Ambient: SH irradiance per channel (softened normals for skin), blurry SH reflections.
  vec3 ambient_diffuse = vec3(sh_diffuse(n_r).r, sh_diffuse(n_g).g, sh_diffuse(n_b).b);
  float n_dot_v = max(dot(n, v), 1e-4);
  vec3 ambient_specular = vec3(0.0);
  if (spec_scale > 0.0)
    ambient_specular += spec_scale * sh_specular(reflect(-v, n), roughness) * env_brdf(f0, roughness, n_dot_v);
  if (coat_roughness > 0.0) {
    float nv = max(dot(n_geom, v), 1e-4);
    ambient_specular += sh_specular(reflect(-v, n_geom), coat_roughness) * env_brdf(f0, coat_roughness, nv);
  }

  // Occlusion: direct light scaled by it (the fill and rim lights cast no shadow, and the key's
  // shadow map is too coarse for a nostril), ambient by its square (cavities get neither the sky
  // nor the bounce), so nostrils, mouth corners and ear folds read dark.
  vec3 hdr = albedo * (diffuse * occlusion + ambient_diffuse * occlusion * occlusion) + specular * occlusion +
             ambient_specular * occlusion;
  vec3 c = tone_map(hdr);

  // Overlays, blended in display space so their colours read the same under every light.
  int overlays = frame.flags.y;
  float opacity = frame.region_color.w;
  float shade = 0.55 + 0.45 * clamp(dot(n_geom, v), 0.0, 1.0);
  if ((overlays & OVERLAY_REGION) != 0) c = mix(c, frame.region_color.rgb * shade, opacity * clamp(v_overlay.x, 0.0, 1.0));
  if ((overlays & OVERLAY_HEAT) != 0) c = mix(c, turbo(0.1 + 0.85 * clamp(v_overlay.y, 0.0, 1.0)) * shade, opacity);  // blue 0 .. red 1
  if ((overlays & OVERLAY_PAINTED) != 0) {
    float stripe = step(0.5, fract((gl_FragCoord.x + gl_FragCoord.y) / 10.0));
    c = mix(c, vec3(0.95, 0.15, 0.75) * shade, opacity * clamp(v_overlay.z, 0.0, 1.0) * (0.55 + 0.45 * stripe));
  }
  out_color = output_color(c, alpha);
}
