#include "render/device.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "render/vk/check.h"

namespace likeness::render {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

VKAPI_ATTR VkBool32 VKAPI_CALL debug_callback(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                              VkDebugUtilsMessageTypeFlagsEXT, const VkDebugUtilsMessengerCallbackDataEXT* data,
                                              void* user) {
  auto* device = static_cast<Device*>(user);
  const bool error = (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) != 0;
  if (device && data && data->pMessage) device->report(error, data->pMessage);
  return VK_FALSE;
}

bool has_layer(const char* name) {
  std::uint32_t count = 0;
  vkEnumerateInstanceLayerProperties(&count, nullptr);
  std::vector<VkLayerProperties> layers(count);
  vkEnumerateInstanceLayerProperties(&count, layers.data());
  for (const auto& l : layers)
    if (std::strcmp(l.layerName, name) == 0) return true;
  return false;
}

bool has_instance_extension(const char* name) {
  std::uint32_t count = 0;
  vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr);
  std::vector<VkExtensionProperties> ext(count);
  vkEnumerateInstanceExtensionProperties(nullptr, &count, ext.data());
  for (const auto& e : ext)
    if (std::strcmp(e.extensionName, name) == 0) return true;
  return false;
}

int graphics_family(VkPhysicalDevice physical) {
  std::uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, families.data());
  for (std::uint32_t i = 0; i < count; ++i)
    if (families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) return static_cast<int>(i);
  return -1;
}

int type_rank(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
    default: return 4;
  }
}

}  // namespace

std::unique_ptr<Device> Device::create(const DeviceOptions& options) {
  std::unique_ptr<Device> d(new Device());
  d->owned_ = true;

  if (options.validation && !has_layer(kValidationLayer))
    throw VulkanError(std::string("validation requested but ") + kValidationLayer +
                          " is not installed (Debian: vulkan-validationlayers)",
                      VK_ERROR_LAYER_NOT_PRESENT);
  const bool debug_utils = options.validation && has_instance_extension(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  d->validation_ = options.validation;

  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "Likeness";
  app.applicationVersion = VK_MAKE_VERSION(0, 1, 0);
  app.pEngineName = "likeness-render";
  app.apiVersion = VK_API_VERSION_1_1;

  std::vector<const char*> layers, extensions;
  if (options.validation) layers.push_back(kValidationLayer);
  if (debug_utils) extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);

  VkDebugUtilsMessengerCreateInfoEXT messenger_info{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  messenger_info.messageSeverity =
      VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  messenger_info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                               VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  messenger_info.pfnUserCallback = debug_callback;
  messenger_info.pUserData = d.get();

  VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ci.pApplicationInfo = &app;
  ci.enabledLayerCount = static_cast<std::uint32_t>(layers.size());
  ci.ppEnabledLayerNames = layers.data();
  ci.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
  ci.ppEnabledExtensionNames = extensions.data();
  if (debug_utils) ci.pNext = &messenger_info;  // messages from vkCreateInstance itself
  VkResult r = vkCreateInstance(&ci, nullptr, &d->instance_);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER)
    throw VulkanError("no Vulkan driver found (install mesa-vulkan-drivers for lavapipe, or a GPU driver)", r);
  vk_check(r, "vkCreateInstance");

  if (debug_utils) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(d->instance_, "vkCreateDebugUtilsMessengerEXT"));
    if (create) vk_check(create(d->instance_, &messenger_info, nullptr, &d->messenger_), "vkCreateDebugUtilsMessengerEXT");
  }

  std::uint32_t count = 0;
  vkEnumeratePhysicalDevices(d->instance_, &count, nullptr);
  std::vector<VkPhysicalDevice> physicals(count);
  vkEnumeratePhysicalDevices(d->instance_, &count, physicals.data());
  std::string wanted = options.preferred_device;
  if (const char* env = std::getenv("LIKENESS_VULKAN_DEVICE"); env && *env) wanted = env;
  wanted = lower(wanted);
  VkPhysicalDevice best = VK_NULL_HANDLE;
  int best_rank = 1 << 20;
  for (VkPhysicalDevice p : physicals) {
    if (graphics_family(p) < 0) continue;
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(p, &props);
    int rank = type_rank(props.deviceType);
    if (!wanted.empty() && lower(props.deviceName).find(wanted) != std::string::npos) rank = -1;
    if (rank < best_rank) {
      best_rank = rank;
      best = p;
    }
  }
  if (best == VK_NULL_HANDLE)
    throw VulkanError("no Vulkan device with a graphics queue (install mesa-vulkan-drivers for lavapipe)",
                      VK_ERROR_INITIALIZATION_FAILED);
  d->physical_ = best;
  d->queue_family_ = static_cast<std::uint32_t>(graphics_family(best));

  VkPhysicalDeviceFeatures supported{};
  vkGetPhysicalDeviceFeatures(best, &supported);
  VkPhysicalDeviceFeatures enabled{};
  enabled.samplerAnisotropy = supported.samplerAnisotropy;
  enabled.sampleRateShading = supported.sampleRateShading;

  const float priority = 1.0f;
  VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  qci.queueFamilyIndex = d->queue_family_;
  qci.queueCount = 1;
  qci.pQueuePriorities = &priority;
  VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  dci.queueCreateInfoCount = 1;
  dci.pQueueCreateInfos = &qci;
  dci.pEnabledFeatures = &enabled;
  vk_check(vkCreateDevice(best, &dci, nullptr, &d->device_), "vkCreateDevice");
  vkGetDeviceQueue(d->device_, d->queue_family_, 0, &d->queue_);
  d->load_properties();
  return d;
}

std::unique_ptr<Device> Device::wrap(VkInstance instance, VkPhysicalDevice physical_device, VkDevice device, VkQueue queue,
                                     std::uint32_t queue_family) {
  std::unique_ptr<Device> d(new Device());
  d->instance_ = instance;
  d->physical_ = physical_device;
  d->device_ = device;
  d->queue_ = queue;
  d->queue_family_ = queue_family;
  d->load_properties();
  return d;
}

void Device::load_properties() {
  vkGetPhysicalDeviceProperties(physical_, &properties_);
  vkGetPhysicalDeviceMemoryProperties(physical_, &memory_);
  VkCommandPoolCreateInfo pci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pci.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT | VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pci.queueFamilyIndex = queue_family_;
  vk_check(vkCreateCommandPool(device_, &pci, nullptr, &pool_), "vkCreateCommandPool");
}

Device::~Device() {
  if (device_ != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device_);
    if (pool_ != VK_NULL_HANDLE) vkDestroyCommandPool(device_, pool_, nullptr);
  }
  if (!owned_) return;
  if (device_ != VK_NULL_HANDLE) vkDestroyDevice(device_, nullptr);
  if (messenger_ != VK_NULL_HANDLE) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy) destroy(instance_, messenger_, nullptr);
  }
  if (instance_ != VK_NULL_HANDLE) vkDestroyInstance(instance_, nullptr);
}

std::uint32_t Device::memory_type(std::uint32_t type_bits, VkMemoryPropertyFlags required,
                                  VkMemoryPropertyFlags preferred) const {
  int fallback = -1;
  for (std::uint32_t i = 0; i < memory_.memoryTypeCount; ++i) {
    if (!(type_bits & (1u << i))) continue;
    const VkMemoryPropertyFlags flags = memory_.memoryTypes[i].propertyFlags;
    if ((flags & required) != required) continue;
    if ((flags & preferred) == preferred) return i;
    if (fallback < 0) fallback = static_cast<int>(i);
  }
  if (fallback < 0) throw VulkanError("no suitable Vulkan memory type", VK_ERROR_OUT_OF_DEVICE_MEMORY);
  return static_cast<std::uint32_t>(fallback);
}

VkSampleCountFlagBits Device::max_samples(int wanted) const {
  const VkSampleCountFlags counts =
      properties_.limits.framebufferColorSampleCounts & properties_.limits.framebufferDepthSampleCounts;
  for (int s : {64, 32, 16, 8, 4, 2})
    if (s <= wanted && (counts & static_cast<VkSampleCountFlags>(s))) return static_cast<VkSampleCountFlagBits>(s);
  return VK_SAMPLE_COUNT_1_BIT;
}

bool Device::supports(VkFormat format, VkFormatFeatureFlags features) const {
  VkFormatProperties props;
  vkGetPhysicalDeviceFormatProperties(physical_, format, &props);
  return (props.optimalTilingFeatures & features) == features;
}

void Device::run_commands(const std::function<void(VkCommandBuffer)>& record) const {
  VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  ai.commandPool = pool_;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  vk_check(vkAllocateCommandBuffers(device_, &ai, &cmd), "vkAllocateCommandBuffers");
  VkFence fence = VK_NULL_HANDLE;
  try {
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    vk_check(vkBeginCommandBuffer(cmd, &bi), "vkBeginCommandBuffer");
    record(cmd);
    vk_check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    vk_check(vkCreateFence(device_, &fi, nullptr, &fence), "vkCreateFence");
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    vk_check(vkQueueSubmit(queue_, 1, &si, fence), "vkQueueSubmit");
    vk_check(vkWaitForFences(device_, 1, &fence, VK_TRUE, UINT64_MAX), "vkWaitForFences");
  } catch (...) {
    if (fence != VK_NULL_HANDLE) vkDestroyFence(device_, fence, nullptr);
    vkFreeCommandBuffers(device_, pool_, 1, &cmd);
    throw;
  }
  vkDestroyFence(device_, fence, nullptr);
  vkFreeCommandBuffers(device_, pool_, 1, &cmd);
}

void Device::wait_idle() const { vk_check(vkDeviceWaitIdle(device_), "vkDeviceWaitIdle"); }

void Device::report(bool error, const std::string& text) {
  std::lock_guard<std::mutex> lock(messages_mutex_);
  messages_.push_back({error, text});
}

std::vector<ValidationMessage> Device::validation_messages() const {
  std::lock_guard<std::mutex> lock(messages_mutex_);
  return messages_;
}

std::vector<std::string> Device::validation_errors() const {
  std::lock_guard<std::mutex> lock(messages_mutex_);
  std::vector<std::string> errors;
  for (const auto& m : messages_)
    if (m.error) errors.push_back(m.text);
  return errors;
}

void Device::clear_validation_messages() {
  std::lock_guard<std::mutex> lock(messages_mutex_);
  messages_.clear();
}

}  // namespace likeness::render
