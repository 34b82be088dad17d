#version 450
#include "common.glsl"
layout(location = 0) in vec3 in_position;
layout(location = 1) in vec3 in_normal;
layout(location = 2) in vec2 in_uv;
layout(location = 3) in vec3 in_overlay;  // region, heat, painted

layout(location = 0) out vec3 v_position;
layout(location = 1) out vec3 v_normal;
layout(location = 2) out vec2 v_uv;
layout(location = 3) out vec3 v_overlay;

void main() {
  v_position = in_position;
  v_normal = in_normal;
  v_uv = in_uv;
  v_overlay = in_overlay;
  gl_Position = frame.view_proj * vec4(in_position, 1.0);
}
