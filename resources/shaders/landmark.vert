#version 450
#include "common.glsl"
// One camera-facing disc per landmark (instanced; 6 vertices each), in front of the surface.
layout(location = 0) in vec3 in_landmark;
layout(location = 0) out vec2 v_corner;

const vec2 kCorners[6] = vec2[](vec2(-1, -1), vec2(1, -1), vec2(1, 1), vec2(-1, -1), vec2(1, 1), vec2(-1, 1));

void main() {
  v_corner = kCorners[gl_VertexIndex % 6];
  vec4 p = frame.view * vec4(in_landmark, 1.0);
  p.z += 4.0 * frame.params.z;  // toward the camera (view space looks down -z)
  p.xy += v_corner * frame.params.z;
  gl_Position = frame.proj * p;
}
