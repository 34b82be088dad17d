#pragma once
// The SPIR-V of resources/shaders/*, compiled by glslc at build time and embedded in the library.
#include <vulkan/vulkan.h>

#include <cstddef>
#include <cstdint>

namespace likeness::render::vk {

enum class ShaderId {
  BackgroundVert,
  BackgroundFrag,
  MeshVert,
  MeshFrag,
  ShadowVert,
  WireVert,
  WireFrag,
  LandmarkVert,
  LandmarkFrag,
};

struct ShaderCode {
  const std::uint32_t* words = nullptr;
  std::size_t bytes = 0;
};

/// The embedded SPIR-V of a shader.
ShaderCode shader_code(ShaderId id);

/// A shader module for `id` (the caller destroys it).
VkShaderModule create_shader_module(VkDevice device, ShaderId id);

}  // namespace likeness::render::vk
