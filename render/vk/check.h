#pragma once
// Vulkan results as exceptions: every vk* call that can fail goes through vk_check.
#include <vulkan/vulkan.h>

#include <string>

#include "engine/core/error.h"

namespace likeness::render {

/// A Vulkan call failed (no device, out of memory, lost device). Exit code Failure.
class VulkanError : public Error {
public:
  VulkanError(const std::string& message, VkResult result) : Error(ExitCode::Failure, message), result_(result) {}
  VkResult result() const noexcept { return result_; }

private:
  VkResult result_;
};

/// "VK_ERROR_OUT_OF_DEVICE_MEMORY", ...
const char* vk_result_name(VkResult result);

/// Throws VulkanError "WHAT failed: VK_ERROR_..." unless result is VK_SUCCESS.
void vk_check(VkResult result, const char* what);

}  // namespace likeness::render
