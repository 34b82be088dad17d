#version 450
#include "common.glsl"
// The studio backdrop: a vertical gradient with a soft vignette; alpha 0 marks "no head".
layout(location = 0) in vec2 v_uv;
layout(location = 0) out vec4 out_color;

void main() {
  float t = clamp(1.0 - v_uv.y, 0.0, 1.0);  // v_uv.y = 0 at the top of the frame
  vec3 c = mix(frame.background_bottom.rgb, frame.background_top.rgb, smoothstep(0.0, 1.0, t));
  vec2 d = v_uv - 0.5;
  c *= 1.0 - 0.35 * dot(d, d);
  // The backdrop is shown as is (no exposure), so presets keep their look at any exposure.
  out_color = output_color(clamp(c, 0.0, 1.0), 0.0);
}
