#pragma once
// Something drawn over the head inside the viewport's render pass (the studio's Dear ImGui stats).
// Plain Vulkan handles, no Qt: the viewport calls init() when its device exists, record() once per
// frame after the head is drawn, release() before the device goes away. All on the GUI thread.
#include <vulkan/vulkan.h>

#include <cstdint>

namespace likeness::ui {

struct OverlayContext {
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice physical_device = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  std::uint32_t queue_family = 0;
  VkRenderPass render_pass = VK_NULL_HANDLE;  ///< subpass 0 is drawn in
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  std::uint32_t image_count = 2;  ///< frames in flight (>= 2)
};

/// What the viewport knows about the frame being recorded.
struct OverlayFrame {
  std::uint32_t width = 0;   ///< framebuffer pixels
  std::uint32_t height = 0;
  double device_pixel_ratio = 1.0;
  double last_upload_ms = 0;     ///< packing + recording of the last live update
  std::uint64_t updates = 0;     ///< live updates applied so far
  std::size_t last_upload_bytes = 0;
};

class ViewportOverlay {
public:
  virtual ~ViewportOverlay() = default;
  virtual void init(const OverlayContext& context) = 0;
  /// Records draw commands into the current render pass (subpass 0).
  virtual void record(VkCommandBuffer cmd, const OverlayFrame& frame) = 0;
  virtual void release() = 0;
  /// Whether record() draws anything (the viewport skips it otherwise).
  virtual bool visible() const = 0;
};

}  // namespace likeness::ui
