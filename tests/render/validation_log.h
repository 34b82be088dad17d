#pragma once
// For GUI tests: collects the errors the Vulkan validation layer reports through Qt's debug output
// filter (install `validation_filter` on the QVulkanInstance), so a test can fail on any of them.
#include <vulkan/vulkan.h>

#include <mutex>
#include <string>
#include <vector>

namespace likeness::test {

class ValidationLog {
public:
  static void clear() {
    std::lock_guard<std::mutex> lock(mutex());
    errors().clear();
  }
  /// Empty when no error was reported since clear(); otherwise the count and the first message.
  static std::string summary() {
    std::lock_guard<std::mutex> lock(mutex());
    if (errors().empty()) return {};
    return std::to_string(errors().size()) + " validation error(s), first: " + errors().front();
  }
  static void add(std::string message) {
    std::lock_guard<std::mutex> lock(mutex());
    errors().push_back(std::move(message));
  }

private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::vector<std::string>& errors() {
    static std::vector<std::string> e;
    return e;
  }
};

/// QVulkanInstance::installDebugOutputFilter callback: records errors, lets Qt print everything.
inline bool validation_filter(VkDebugReportFlagsEXT flags, VkDebugReportObjectTypeEXT, uint64_t, size_t, int32_t,
                              const char* prefix, const char* message) {
  if (flags & VK_DEBUG_REPORT_ERROR_BIT_EXT)
    ValidationLog::add(std::string(prefix ? prefix : "") + ": " + (message ? message : ""));
  return false;
}

}  // namespace likeness::test
