#version 450
#include "common.glsl"
// Triangle edges, pulled a little toward the camera so they win the depth test against the surface.
layout(location = 0) in vec3 in_position;

void main() {
  vec3 to_eye = frame.camera_pos.xyz - in_position;
  float d = length(to_eye);
  vec3 p = in_position + to_eye * (0.0015 * d / max(d, 1e-4));
  gl_Position = frame.view_proj * vec4(p, 1.0);
}
