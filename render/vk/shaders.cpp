#include "render/vk/shaders.h"

#include "render/vk/check.h"

namespace likeness::render::vk {
namespace {

// Each .inc is glslc's "-mfmt=c" output: a braced list of 32-bit words.
const std::uint32_t kBackgroundVert[] =
#include "render/shaders/background.vert.inc"
    ;
const std::uint32_t kBackgroundFrag[] =
#include "render/shaders/background.frag.inc"
    ;
const std::uint32_t kMeshVert[] =
#include "render/shaders/mesh.vert.inc"
    ;
const std::uint32_t kMeshFrag[] =
#include "render/shaders/mesh.frag.inc"
    ;
const std::uint32_t kShadowVert[] =
#include "render/shaders/shadow.vert.inc"
    ;
const std::uint32_t kWireVert[] =
#include "render/shaders/wire.vert.inc"
    ;
const std::uint32_t kWireFrag[] =
#include "render/shaders/wire.frag.inc"
    ;
const std::uint32_t kLandmarkVert[] =
#include "render/shaders/landmark.vert.inc"
    ;
const std::uint32_t kLandmarkFrag[] =
#include "render/shaders/landmark.frag.inc"
    ;

template <std::size_t N>
ShaderCode code(const std::uint32_t (&words)[N]) {
  return {words, N * sizeof(std::uint32_t)};
}

}  // namespace

ShaderCode shader_code(ShaderId id) {
  switch (id) {
    case ShaderId::BackgroundVert: return code(kBackgroundVert);
    case ShaderId::BackgroundFrag: return code(kBackgroundFrag);
    case ShaderId::MeshVert: return code(kMeshVert);
    case ShaderId::MeshFrag: return code(kMeshFrag);
    case ShaderId::ShadowVert: return code(kShadowVert);
    case ShaderId::WireVert: return code(kWireVert);
    case ShaderId::WireFrag: return code(kWireFrag);
    case ShaderId::LandmarkVert: return code(kLandmarkVert);
    case ShaderId::LandmarkFrag: return code(kLandmarkFrag);
  }
  return {};
}

VkShaderModule create_shader_module(VkDevice device, ShaderId id) {
  const ShaderCode c = shader_code(id);
  VkShaderModuleCreateInfo ci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  ci.codeSize = c.bytes;
  ci.pCode = c.words;
  VkShaderModule module = VK_NULL_HANDLE;
  vk_check(vkCreateShaderModule(device, &ci, nullptr, &module), "vkCreateShaderModule");
  return module;
}

}  // namespace likeness::render::vk
