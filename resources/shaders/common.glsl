// Shared by every Likeness shader: the per-frame uniform block (std140, mirrored by
// render/frame_uniforms.h) and colour helpers.
#ifndef LIKENESS_COMMON_GLSL
#define LIKENESS_COMMON_GLSL

#define PI 3.14159265358979

// Overlay bits (render/view_options.h).
#define OVERLAY_WIREFRAME 1
#define OVERLAY_UV_CHECKER 2
#define OVERLAY_REGION 4
#define OVERLAY_HEAT 8
#define OVERLAY_PAINTED 16
#define OVERLAY_LANDMARKS 32

// Material kinds (render/scene.h).
#define KIND_SKIN 0
#define KIND_EYE 1
#define KIND_TEETH 2
#define KIND_GUMS 3
#define KIND_LASHES 4

layout(set = 0, binding = 0, std140) uniform Frame {
  mat4 view_proj;
  mat4 view;
  mat4 proj;
  mat4 light_view_proj;      // world -> shadow map clip space
  mat4 lighting_from_world;  // rotation into the space the SH environment is given in
  vec4 camera_pos;           // xyz: eye position (world)
  vec4 sh[9];                // environment radiance, SH bands 0..2 (lighting space)
  vec4 light_dir[4];         // xyz: toward the light (world); w: angular radius (radians)
  vec4 light_color[4];       // rgb: irradiance; w: 1 for the shadowed light
  vec4 background_top;
  vec4 background_bottom;
  vec4 region_color;         // rgb tint; w: overlay opacity
  vec4 params;               // x: exposure, y: shadow map texel size, z: landmark radius (cm), w: 1 = encode sRGB here
  ivec4 flags;               // x: light count, y: overlay bits, z: shadows on, w: unused
  ivec4 layers;              // x: albedo layers, y: material layers
  vec4 viewport;             // width, height, 1/width, 1/height
} frame;

vec3 tone_map(vec3 x) {
  // ACES filmic fit (Narkowicz 2015) after exposure.
  x *= frame.params.x;
  const float a = 2.51, b = 0.03, c = 2.43, d = 0.59, e = 0.14;
  return clamp((x * (a * x + b)) / (x * (c * x + d) + e), 0.0, 1.0);
}

vec3 linear_to_srgb(vec3 c) {
  vec3 lo = 12.92 * c;
  vec3 hi = 1.055 * pow(max(c, vec3(0.0)), vec3(1.0 / 2.4)) - 0.055;
  return mix(hi, lo, lessThanEqual(c, vec3(0.0031308)));
}

// What the colour attachment receives: linear when it is an sRGB format, else encoded here.
vec4 output_color(vec3 display_linear, float alpha) {
  vec3 c = frame.params.w > 0.5 ? linear_to_srgb(display_linear) : display_linear;
  return vec4(c, alpha);
}

#endif
