#version 450
#include "common.glsl"
layout(location = 0) out vec4 out_color;

void main() { out_color = output_color(vec3(0.02, 0.03, 0.04), 0.45); }
