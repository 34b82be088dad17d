#version 450
#include "common.glsl"
layout(location = 0) in vec2 v_corner;
layout(location = 0) out vec4 out_color;

void main() {
  float r = length(v_corner);
  if (r > 1.0) discard;
  vec3 c = r > 0.7 ? vec3(0.02) : vec3(1.0, 0.8, 0.02);
  out_color = output_color(c, 1.0);
}
