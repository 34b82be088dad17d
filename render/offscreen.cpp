#include "render/offscreen.h"

#include <chrono>
#include <cstring>
#include <vector>

#include "engine/core/error.h"
#include "render/vk/check.h"
#include "render/vk/memory.h"

namespace likeness::render {
namespace {

constexpr VkFormat kColorFormat = VK_FORMAT_R8G8B8A8_SRGB;

using Clock = std::chrono::steady_clock;
double ms_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

VkRenderPass make_pass(VkDevice device, VkSampleCountFlagBits samples, VkFormat depth_format) {
  const bool msaa = samples != VK_SAMPLE_COUNT_1_BIT;
  std::vector<VkAttachmentDescription> att;
  VkAttachmentDescription color{};
  color.format = kColorFormat;
  color.samples = samples;
  color.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  color.storeOp = msaa ? VK_ATTACHMENT_STORE_OP_DONT_CARE : VK_ATTACHMENT_STORE_OP_STORE;
  color.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  color.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  color.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  color.finalLayout = msaa ? VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL : VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  att.push_back(color);
  VkAttachmentDescription depth = color;
  depth.format = depth_format;
  depth.storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  depth.finalLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
  att.push_back(depth);
  if (msaa) {
    VkAttachmentDescription resolve = color;
    resolve.samples = VK_SAMPLE_COUNT_1_BIT;
    resolve.loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    resolve.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    resolve.finalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    att.push_back(resolve);
  }
  VkAttachmentReference color_ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkAttachmentReference depth_ref{1, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
  VkAttachmentReference resolve_ref{2, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkSubpassDescription sub{};
  sub.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  sub.colorAttachmentCount = 1;
  sub.pColorAttachments = &color_ref;
  sub.pDepthStencilAttachment = &depth_ref;
  sub.pResolveAttachments = msaa ? &resolve_ref : nullptr;
  VkSubpassDependency deps[2]{};
  deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  deps[0].dstSubpass = 0;
  deps[0].srcStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
  deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT;
  deps[0].srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  deps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
  deps[1].srcSubpass = 0;
  deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
  deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  VkRenderPassCreateInfo ci{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  ci.attachmentCount = static_cast<std::uint32_t>(att.size());
  ci.pAttachments = att.data();
  ci.subpassCount = 1;
  ci.pSubpasses = &sub;
  ci.dependencyCount = 2;
  ci.pDependencies = deps;
  VkRenderPass pass = VK_NULL_HANDLE;
  vk_check(vkCreateRenderPass(device, &ci, nullptr, &pass), "vkCreateRenderPass (offscreen)");
  return pass;
}

}  // namespace

struct OffscreenRenderer::Target {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  vk::Image color;    // multisampled (or the output when samples == 1)
  vk::Image depth;
  vk::Image resolve;  // single-sampled output when multisampled
  VkFramebuffer framebuffer = VK_NULL_HANDLE;
  vk::Buffer readback;
};

OffscreenRenderer::OffscreenRenderer(const OffscreenOptions& options) {
  DeviceOptions d;
  d.validation = options.validation;
  d.preferred_device = options.preferred_device;
  device_ = Device::create(d);
  try {
    samples_ = device_->max_samples(std::max(1, options.samples));
    depth_format_ = device_->supports(VK_FORMAT_D32_SFLOAT, VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT)
                        ? VK_FORMAT_D32_SFLOAT
                        : VK_FORMAT_D24_UNORM_S8_UINT;
    pass_ = make_pass(device_->handle(), samples_, depth_format_);
    renderer_ = std::make_unique<Renderer>(*device_, RenderTarget{pass_, samples_, true}, 1);

    VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pci.queueFamilyIndex = device_->queue_family();
    vk_check(vkCreateCommandPool(device_->handle(), &pci, nullptr, &pool_), "vkCreateCommandPool");
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = pool_;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    vk_check(vkAllocateCommandBuffers(device_->handle(), &ai, &cmd_), "vkAllocateCommandBuffers");
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    vk_check(vkCreateFence(device_->handle(), &fi, nullptr, &fence_), "vkCreateFence");
  } catch (...) {
    destroy();
    throw;
  }
}

OffscreenRenderer::~OffscreenRenderer() { destroy(); }

void OffscreenRenderer::destroy() {
  if (!device_) return;
  VkDevice d = device_->handle();
  vkDeviceWaitIdle(d);
  release_target();
  renderer_.reset();
  if (fence_ != VK_NULL_HANDLE) vkDestroyFence(d, fence_, nullptr);
  if (pool_ != VK_NULL_HANDLE) vkDestroyCommandPool(d, pool_, nullptr);
  if (pass_ != VK_NULL_HANDLE) vkDestroyRenderPass(d, pass_, nullptr);
  fence_ = VK_NULL_HANDLE;
  pool_ = VK_NULL_HANDLE;
  pass_ = VK_NULL_HANDLE;
  device_.reset();
}

void OffscreenRenderer::set_scene(const Scene& scene) { renderer_->set_scene(scene); }

std::uint64_t OffscreenRenderer::submit(const SceneUpdate& update) { return renderer_->submit(update); }

Bounds OffscreenRenderer::bounds() const { return renderer_->bounds(); }

int OffscreenRenderer::max_size() const {
  const auto& l = device_->properties().limits;
  return static_cast<int>(std::min({l.maxImageDimension2D, l.maxFramebufferWidth, l.maxFramebufferHeight}));
}

void OffscreenRenderer::release_target() {
  if (!target_) return;
  if (target_->framebuffer != VK_NULL_HANDLE) vkDestroyFramebuffer(device_->handle(), target_->framebuffer, nullptr);
  target_.reset();
}

void OffscreenRenderer::ensure_target(std::uint32_t width, std::uint32_t height) {
  if (target_ && target_->width == width && target_->height == height) return;
  release_target();
  auto t = std::make_unique<Target>();
  t->width = width;
  t->height = height;
  const bool msaa = samples_ != VK_SAMPLE_COUNT_1_BIT;
  vk::ImageSpec color;
  color.format = kColorFormat;
  color.width = width;
  color.height = height;
  color.samples = samples_;
  color.usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | (msaa ? VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT : VK_IMAGE_USAGE_TRANSFER_SRC_BIT);
  t->color = vk::Image(*device_, color);
  vk::ImageSpec depth = color;
  depth.format = depth_format_;
  depth.usage = VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT;
  depth.aspect = VK_IMAGE_ASPECT_DEPTH_BIT;
  t->depth = vk::Image(*device_, depth);
  std::vector<VkImageView> views{t->color.view(), t->depth.view()};
  if (msaa) {
    vk::ImageSpec resolve = color;
    resolve.samples = VK_SAMPLE_COUNT_1_BIT;
    resolve.usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    t->resolve = vk::Image(*device_, resolve);
    views.push_back(t->resolve.view());
  }
  VkFramebufferCreateInfo fi{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
  fi.renderPass = pass_;
  fi.attachmentCount = static_cast<std::uint32_t>(views.size());
  fi.pAttachments = views.data();
  fi.width = width;
  fi.height = height;
  fi.layers = 1;
  vk_check(vkCreateFramebuffer(device_->handle(), &fi, nullptr, &t->framebuffer), "vkCreateFramebuffer");
  t->readback = vk::Buffer(*device_, static_cast<VkDeviceSize>(width) * height * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
  target_ = std::move(t);
}

Image OffscreenRenderer::render(const ViewOptions& view, int width, int height) {
  const int limit = max_size();
  if (width < 1 || height < 1 || width > limit || height > limit)
    throw InputError("image size " + std::to_string(width) + "x" + std::to_string(height) + ": each side must be within 1.." +
                     std::to_string(limit) + " on this device");
  const auto t0 = Clock::now();
  ensure_target(static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height));
  const VkExtent2D extent{static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height)};

  vk_check(vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
  VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  vk_check(vkBeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
  renderer_->record_prepare(cmd_, ++serial_, view, extent);

  VkClearValue clears[3]{};
  clears[0].color = {{0.0f, 0.0f, 0.0f, 0.0f}};
  clears[1].depthStencil = {1.0f, 0};
  clears[2].color = {{0.0f, 0.0f, 0.0f, 0.0f}};
  VkRenderPassBeginInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  rp.renderPass = pass_;
  rp.framebuffer = target_->framebuffer;
  rp.renderArea = {{0, 0}, extent};
  rp.clearValueCount = samples_ != VK_SAMPLE_COUNT_1_BIT ? 3 : 2;
  rp.pClearValues = clears;
  vkCmdBeginRenderPass(cmd_, &rp, VK_SUBPASS_CONTENTS_INLINE);
  renderer_->record_draw(cmd_);
  vkCmdEndRenderPass(cmd_);

  const vk::Image& output = samples_ != VK_SAMPLE_COUNT_1_BIT ? target_->resolve : target_->color;
  VkBufferImageCopy region{};
  region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  region.imageExtent = {extent.width, extent.height, 1};
  vkCmdCopyImageToBuffer(cmd_, output.handle(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, target_->readback.handle(), 1, &region);
  VkBufferMemoryBarrier host{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
  host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  host.srcQueueFamilyIndex = host.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  host.buffer = target_->readback.handle();
  host.size = VK_WHOLE_SIZE;
  vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, nullptr, 1, &host, 0, nullptr);
  vk_check(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
  const auto t1 = Clock::now();

  VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cmd_;
  vk_check(vkQueueSubmit(device_->queue(), 1, &si, fence_), "vkQueueSubmit");
  vk_check(vkWaitForFences(device_->handle(), 1, &fence_, VK_TRUE, UINT64_MAX), "vkWaitForFences");
  vk_check(vkResetFences(device_->handle(), 1, &fence_), "vkResetFences");
  const auto t2 = Clock::now();

  Image image;
  image.width = width;
  image.height = height;
  image.rgba.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
  std::memcpy(image.rgba.data(), target_->readback.mapped(), image.rgba.size());
  const auto t3 = Clock::now();
  timing_ = {ms_between(t0, t1), ms_between(t1, t2), ms_between(t2, t3)};
  return image;
}

}  // namespace likeness::render
