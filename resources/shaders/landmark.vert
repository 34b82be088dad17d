#version 450
#include "common.glsl"
// One camera-facing disc per landmark (instanced; 6 vertices each), in front of the surface.
layout(location = 0) in vec3 in_landmark;
layout(location = 0) out vec2 v_corner;

const vec2 kCorners[6] = vec2[](vec2(-1, -1), vec2(1, -1), vec2(1, 1), vec2(-1, -1), vec2(1, 1), vec2(-1, 1));

void main() {
  v_corner = kCorners[gl_VertexIndex % 6];
  vec4 p = frame.view * vec4(in_landmark, 1.0);
  // Radius: params.z cm, but never under kMinPixels on screen (one pixel at this depth spans
  // 2 w / (abs(proj[1][1]) * height) in view space), so dots stay visible in small renders.
  const float kMinPixels = 3.0;
  float w = (frame.proj * p).w;
  float radius = max(frame.params.z, kMinPixels * 2.0 * w / (abs(frame.proj[1][1]) * frame.viewport.y));
  p.z += 4.0 * radius;  // toward the camera (view space looks down -z)
  p.xy += v_corner * radius;
  gl_Position = frame.proj * p;
}
