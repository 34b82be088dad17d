#pragma once
// Descriptor layouts, the pipeline layout and every graphics pipeline of the renderer, built for
// one target render pass and sample count; plus the depth-only shadow pass.
#include <vulkan/vulkan.h>

#include "render/renderer.h"

namespace likeness::render {
class Device;
}

namespace likeness::render::vk {

/// Push constants of the mesh pipelines (std430, both stages).
struct DrawPush {
  std::int32_t kind = 0;  ///< MaterialKind
  std::int32_t tile = -1; ///< UDIM tile, -1: from u
};

class Pipelines {
public:
  /// Vertex buffer bindings: 0 position+normal (24 bytes), 1 uv (8), 2 overlay (12); landmark
  /// pipeline: 0 position per instance (12).
  Pipelines(const Device& device, const RenderTarget& target, VkFormat shadow_format);
  ~Pipelines();
  Pipelines(const Pipelines&) = delete;
  Pipelines& operator=(const Pipelines&) = delete;

  VkDescriptorSetLayout frame_set_layout = VK_NULL_HANDLE;     ///< UBO + shadow map
  VkDescriptorSetLayout material_set_layout = VK_NULL_HANDLE;  ///< albedo + material arrays
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkRenderPass shadow_pass = VK_NULL_HANDLE;

  VkPipeline background = VK_NULL_HANDLE;
  VkPipeline mesh = VK_NULL_HANDLE;
  VkPipeline lashes = VK_NULL_HANDLE;
  VkPipeline wire = VK_NULL_HANDLE;
  VkPipeline landmarks = VK_NULL_HANDLE;
  VkPipeline shadow = VK_NULL_HANDLE;

private:
  void destroy();
  VkDevice device_ = VK_NULL_HANDLE;
};

}  // namespace likeness::render::vk
