#include <vulkan/vulkan.h>  // with prototypes, before Qt's Vulkan headers

#include "ui/viewport/viewport_renderer.h"

#include <QVulkanDeviceFunctions>
#include <QVulkanInstance>

#include <algorithm>

#include "render/device.h"
#include "render/renderer.h"
#include "ui/viewport/viewport_overlay.h"
#include "ui/viewport/viewport_window.h"

namespace likeness::ui {

ViewportRenderer::ViewportRenderer(ViewportWindow* window) : window_(window) {}

ViewportRenderer::~ViewportRenderer() = default;

void ViewportRenderer::initResources() {
  device_ = render::Device::wrap(window_->vulkanInstance()->vkInstance(), window_->physicalDevice(), window_->device(),
                                 window_->graphicsQueue(), window_->graphicsQueueFamilyIndex());
  const VkFormat format = window_->colorFormat();
  const bool srgb = format == VK_FORMAT_B8G8R8A8_SRGB || format == VK_FORMAT_R8G8B8A8_SRGB || format == VK_FORMAT_A8B8G8R8_SRGB_PACK32;
  render::RenderTarget target{window_->defaultRenderPass(), window_->sampleCountFlagBits(), srgb};
  renderer_ = std::make_unique<render::Renderer>(*device_, target, window_->concurrentFrameCount());
  window_->attach(renderer_.get());
}

void ViewportRenderer::initSwapChainResources() {}

void ViewportRenderer::releaseSwapChainResources() {}

void ViewportRenderer::releaseResources() {
  if (overlay_) {
    overlay_->release();
    overlay_ = nullptr;
  }
  window_->detach();
  renderer_.reset();
  device_.reset();
}

void ViewportRenderer::startNextFrame() {
  const QSize size = window_->swapChainImageSize();
  const VkExtent2D extent{static_cast<std::uint32_t>(size.width()), static_cast<std::uint32_t>(size.height())};
  VkCommandBuffer cmd = window_->currentCommandBuffer();

  // The overlay set on the window, initialized on this device the first time it is drawn.
  ViewportOverlay* overlay = window_->overlay_;
  if (overlay != overlay_) {
    if (overlay_) overlay_->release();
    overlay_ = nullptr;
    if (overlay) {
      OverlayContext c;
      c.instance = window_->vulkanInstance()->vkInstance();
      c.physical_device = window_->physicalDevice();
      c.device = window_->device();
      c.queue = window_->graphicsQueue();
      c.queue_family = window_->graphicsQueueFamilyIndex();
      c.render_pass = window_->defaultRenderPass();
      c.samples = window_->sampleCountFlagBits();
      c.image_count = static_cast<std::uint32_t>(std::max(2, window_->swapChainImageCount()));
      overlay->init(c);
      overlay_ = overlay;
    }
  }

  render::ViewOptions view = window_->view_;
  if (!window_->framed_ && renderer_->has_scene() && size.height() > 0) {
    window_->controller_.frame(renderer_->bounds(), render::ViewPreset::Front,
                               static_cast<float>(size.width()) / static_cast<float>(size.height()));
    window_->framed_ = true;
  }
  view.camera = window_->controller_.camera();
  renderer_->record_prepare(cmd, ++serial_, view, extent);

  VkClearValue clears[3]{};
  clears[0].color = {{0.0f, 0.0f, 0.0f, 1.0f}};
  clears[1].depthStencil = {1.0f, 0};
  clears[2].color = {{0.0f, 0.0f, 0.0f, 1.0f}};
  VkRenderPassBeginInfo rp{};
  rp.sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO;
  rp.renderPass = window_->defaultRenderPass();
  rp.framebuffer = window_->currentFramebuffer();
  rp.renderArea.extent = extent;
  rp.clearValueCount = window_->sampleCountFlagBits() > VK_SAMPLE_COUNT_1_BIT ? 3 : 2;
  rp.pClearValues = clears;
  // Qt's headers declare Vulkan without prototypes (VK_NO_PROTOTYPES): go through its table.
  QVulkanDeviceFunctions* f = window_->vulkanInstance()->deviceFunctions(window_->device());
  f->vkCmdBeginRenderPass(cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
  renderer_->record_draw(cmd);
  if (overlay_ && overlay_->visible()) {
    const render::UploadStats stats = renderer_->upload_stats();
    OverlayFrame frame;
    frame.width = extent.width;
    frame.height = extent.height;
    frame.device_pixel_ratio = window_->devicePixelRatio();
    frame.last_upload_ms = stats.last_pack_ms + stats.last_record_ms;
    frame.updates = stats.updates;
    frame.last_upload_bytes = stats.last_bytes;
    overlay_->record(cmd, frame);
  }
  f->vkCmdEndRenderPass(cmd);

  window_->frameReady();
  window_->frame_recorded(renderer_->applied_version());
  // Keep drawing while updates arrive; otherwise the view is redrawn only when something changes.
  if (renderer_->update_pending()) window_->requestUpdate();
}

}  // namespace likeness::ui
