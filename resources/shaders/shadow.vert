#version 450
#include "common.glsl"
// Depth of the head seen from the shadowed light (orthographic).
layout(location = 0) in vec3 in_position;

void main() { gl_Position = frame.light_view_proj * vec4(in_position, 1.0); }
