#pragma once
// Move-only owners of Vulkan buffers and images with their own memory allocation (the renderer
// holds a few dozen, far below any allocation-count limit).
#include <vulkan/vulkan.h>

#include <cstdint>

namespace likeness::render {

class Device;

namespace vk {

class Buffer {
public:
  Buffer() = default;
  /// A buffer of `size` bytes; host-visible ones are coherent and stay mapped.
  Buffer(const Device& device, VkDeviceSize size, VkBufferUsageFlags usage, bool host_visible);
  ~Buffer();
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  VkBuffer handle() const { return buffer_; }
  VkDeviceSize size() const { return size_; }
  /// Mapped memory (host-visible buffers only).
  void* mapped() const { return mapped_; }
  explicit operator bool() const { return buffer_ != VK_NULL_HANDLE; }

private:
  void release();
  VkDevice device_ = VK_NULL_HANDLE;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkDeviceSize size_ = 0;
  void* mapped_ = nullptr;
};

/// What an image is for.
struct ImageSpec {
  VkFormat format = VK_FORMAT_R8G8B8A8_UNORM;
  std::uint32_t width = 1;
  std::uint32_t height = 1;
  std::uint32_t layers = 1;
  std::uint32_t mip_levels = 1;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  VkImageUsageFlags usage = VK_IMAGE_USAGE_SAMPLED_BIT;
  VkImageAspectFlags aspect = VK_IMAGE_ASPECT_COLOR_BIT;
  bool array_view = false;  ///< view as a 2D array (sampler2DArray) even with one layer
};

class Image {
public:
  Image() = default;
  /// A device-local image with a view over all layers and levels.
  Image(const Device& device, const ImageSpec& spec);
  ~Image();
  Image(Image&& other) noexcept;
  Image& operator=(Image&& other) noexcept;
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;

  VkImage handle() const { return image_; }
  VkImageView view() const { return view_; }
  const ImageSpec& spec() const { return spec_; }
  explicit operator bool() const { return image_ != VK_NULL_HANDLE; }

private:
  void release();
  VkDevice device_ = VK_NULL_HANDLE;
  VkImage image_ = VK_NULL_HANDLE;
  VkImageView view_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  ImageSpec spec_;
};

/// Number of mip levels of a full chain for a width x height image.
std::uint32_t full_mip_count(std::uint32_t width, std::uint32_t height);

/// Records an image layout transition of all levels and layers (a full pipeline barrier between
/// the given stages).
void transition(VkCommandBuffer cmd, VkImage image, VkImageAspectFlags aspect, VkImageLayout from, VkImageLayout to,
                VkAccessFlags src_access, VkAccessFlags dst_access, VkPipelineStageFlags src_stage,
                VkPipelineStageFlags dst_stage, std::uint32_t base_level = 0,
                std::uint32_t level_count = VK_REMAINING_MIP_LEVELS);

}  // namespace vk
}  // namespace likeness::render
