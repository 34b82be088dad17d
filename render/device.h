#pragma once
// The Vulkan device the renderer draws with: either created here (offscreen rendering, tests, CLI;
// no window system needed) or wrapped from handles someone else owns (the Qt viewport's
// QVulkanWindow). Functions are called through the system loader (libvulkan), so both work.
//
// With validation on, the Khronos validation layer's messages are collected and can be read back:
// tests fail when it reports an error.
#include <vulkan/vulkan.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace likeness::render {

struct DeviceOptions {
  /// Enable VK_LAYER_KHRONOS_validation and collect its messages. Throws VulkanError if the layer
  /// is not installed.
  bool validation = false;
  /// Prefer a device whose name contains this text (case-insensitive); empty: a discrete GPU first,
  /// then integrated, then anything (lavapipe). $LIKENESS_VULKAN_DEVICE overrides it.
  std::string preferred_device;
};

/// One message of the validation layer.
struct ValidationMessage {
  bool error = false;  ///< error severity (otherwise a warning)
  std::string text;
};

class Device {
public:
  /// Creates an instance and a device with one graphics queue (no surface, no window system).
  /// Throws VulkanError when no Vulkan device exists.
  static std::unique_ptr<Device> create(const DeviceOptions& options = {});

  /// Wraps handles owned elsewhere (they must outlive this object, which destroys only what it
  /// created itself). `queue` must belong to `queue_family` and support graphics and transfer.
  static std::unique_ptr<Device> wrap(VkInstance instance, VkPhysicalDevice physical_device, VkDevice device,
                                      VkQueue queue, std::uint32_t queue_family);

  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physical_device() const { return physical_; }
  VkDevice handle() const { return device_; }
  VkQueue queue() const { return queue_; }
  std::uint32_t queue_family() const { return queue_family_; }
  const VkPhysicalDeviceProperties& properties() const { return properties_; }
  /// The device's name, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".
  std::string name() const { return properties_.deviceName; }
  /// True for a software rasterizer (lavapipe / llvmpipe).
  bool is_software() const { return properties_.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU; }

  /// A memory type index with `required` properties among `type_bits`; prefers `preferred` too.
  /// Throws VulkanError if none fits.
  std::uint32_t memory_type(std::uint32_t type_bits, VkMemoryPropertyFlags required,
                            VkMemoryPropertyFlags preferred = 0) const;

  /// The highest sample count <= `wanted` usable for colour and depth attachments together.
  VkSampleCountFlagBits max_samples(int wanted) const;

  /// True if `format` supports all of `features` with optimal tiling.
  bool supports(VkFormat format, VkFormatFeatureFlags features) const;

  /// Records commands, submits them and waits for them to finish. Must be called on the thread that
  /// owns the queue.
  void run_commands(const std::function<void(VkCommandBuffer)>& record) const;

  /// Waits until the device is idle.
  void wait_idle() const;

  bool validation_enabled() const { return validation_; }
  /// Messages the validation layer reported so far (errors and warnings).
  std::vector<ValidationMessage> validation_messages() const;
  /// Only the errors, as text.
  std::vector<std::string> validation_errors() const;
  void clear_validation_messages();

  /// Records a message (used by the debug callback; also by wrappers that get messages elsewhere).
  void report(bool error, const std::string& text);

private:
  Device() = default;
  void load_properties();

  VkInstance instance_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  std::uint32_t queue_family_ = 0;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  bool owned_ = false;
  bool validation_ = false;
  VkPhysicalDeviceProperties properties_{};
  VkPhysicalDeviceMemoryProperties memory_{};

  mutable std::mutex messages_mutex_;
  std::vector<ValidationMessage> messages_;
};

}  // namespace likeness::render
