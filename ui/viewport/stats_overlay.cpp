// Vulkan with prototypes and Dear ImGui before anything else (Qt's Vulkan headers would define
// VK_NO_PROTOTYPES); this file includes no Qt header at all.
#include <vulkan/vulkan.h>

#include <backends/imgui_impl_vulkan.h>
#include <imgui.h>

#include "ui/viewport/stats_overlay.h"

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <stdexcept>

namespace likeness::ui {
namespace {

void check(VkResult r) {
  if (r != VK_SUCCESS) throw std::runtime_error("Vulkan error " + std::to_string(static_cast<int>(r)) + " in the stats overlay");
}

void check_imgui(VkResult r) {
  if (r < 0) std::fprintf(stderr, "stats overlay: Vulkan error %d\n", static_cast<int>(r));
}

void push(std::deque<float>& curve, float value) {
  curve.push_back(value);
  while (curve.size() > StatsOverlay::kHistory) curve.pop_front();
}

}  // namespace

StatsOverlay::StatsOverlay() = default;

StatsOverlay::~StatsOverlay() { release(); }

void StatsOverlay::add_step(int step, int total, const std::string& stage, double loss, const std::map<std::string, double>& terms) {
  std::lock_guard<std::mutex> lock(mutex_);
  step_ = step;
  total_ = total;
  stage_ = stage;
  loss_ = loss;
  push(loss_curve_, static_cast<float>(loss));
  for (const auto& [name, value] : terms) push(curves_[name], static_cast<float>(value));
}

void StatsOverlay::reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  step_ = total_ = 0;
  stage_.clear();
  loss_ = 0;
  curves_.clear();
  loss_curve_.clear();
}

void StatsOverlay::set_visible(bool visible) {
  std::lock_guard<std::mutex> lock(mutex_);
  visible_ = visible;
}

bool StatsOverlay::visible() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return visible_;
}

std::uint64_t StatsOverlay::frames() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return frames_;
}

void StatsOverlay::init(const OverlayContext& c) {
  release();
  device_ = c.device;
  VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 8}};
  VkDescriptorPoolCreateInfo pi{};
  pi.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  pi.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  pi.maxSets = 8;
  pi.poolSizeCount = 1;
  pi.pPoolSizes = sizes;
  check(vkCreateDescriptorPool(device_, &pi, nullptr, &pool_));

  ImGuiContext* previous = ImGui::GetCurrentContext();
  imgui_ = ImGui::CreateContext();
  ImGui::SetCurrentContext(imgui_);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.LogFilename = nullptr;
  ImGui::StyleColorsDark();
  ImGui::GetStyle().WindowRounding = 4.0f;

  ImGui_ImplVulkan_InitInfo info{};
  info.Instance = c.instance;
  info.PhysicalDevice = c.physical_device;
  info.Device = c.device;
  info.QueueFamily = c.queue_family;
  info.Queue = c.queue;
  info.DescriptorPool = pool_;
  info.Subpass = 0;
  info.MinImageCount = std::max<std::uint32_t>(2, c.image_count);
  info.ImageCount = std::max<std::uint32_t>(2, c.image_count);
  info.MSAASamples = c.samples;
  info.CheckVkResultFn = check_imgui;
  if (!ImGui_ImplVulkan_Init(&info, c.render_pass)) throw std::runtime_error("stats overlay: ImGui's Vulkan backend did not start");
  backend_ = true;
  upload_fonts(c);
  ImGui::SetCurrentContext(previous);
}

void StatsOverlay::upload_fonts(const OverlayContext& c) {
  VkCommandPoolCreateInfo ci{};
  ci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  ci.queueFamilyIndex = c.queue_family;
  VkCommandPool pool = VK_NULL_HANDLE;
  check(vkCreateCommandPool(c.device, &ci, nullptr, &pool));
  VkCommandBufferAllocateInfo ai{};
  ai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  ai.commandPool = pool;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  check(vkAllocateCommandBuffers(c.device, &ai, &cmd));
  VkCommandBufferBeginInfo bi{};
  bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check(vkBeginCommandBuffer(cmd, &bi));
  ImGui_ImplVulkan_CreateFontsTexture(cmd);
  check(vkEndCommandBuffer(cmd));
  VkSubmitInfo si{};
  si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cmd;
  check(vkQueueSubmit(c.queue, 1, &si, VK_NULL_HANDLE));
  check(vkQueueWaitIdle(c.queue));
  ImGui_ImplVulkan_DestroyFontUploadObjects();
  vkDestroyCommandPool(c.device, pool, nullptr);
}

void StatsOverlay::release() {
  if (imgui_) {
    ImGuiContext* previous = ImGui::GetCurrentContext();
    ImGui::SetCurrentContext(imgui_);
    if (backend_) {
      vkDeviceWaitIdle(device_);
      ImGui_ImplVulkan_Shutdown();
      backend_ = false;
    }
    ImGui::DestroyContext(imgui_);
    imgui_ = nullptr;
    ImGui::SetCurrentContext(previous == imgui_ ? nullptr : previous);
  }
  if (pool_ != VK_NULL_HANDLE) {
    vkDestroyDescriptorPool(device_, pool_, nullptr);
    pool_ = VK_NULL_HANDLE;
  }
}

void StatsOverlay::record(VkCommandBuffer cmd, const OverlayFrame& frame) {
  if (!imgui_ || !backend_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  double dt = 1.0 / 60.0;
  if (last_frame_.time_since_epoch().count() != 0) dt = std::max(1e-4, std::chrono::duration<double>(now - last_frame_).count());
  last_frame_ = now;
  fps_ = fps_ == 0 ? 1.0 / dt : 0.9 * fps_ + 0.1 / dt;
  ++frames_;

  ImGuiContext* previous = ImGui::GetCurrentContext();
  ImGui::SetCurrentContext(imgui_);
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(frame.width), static_cast<float>(frame.height));
  io.DeltaTime = static_cast<float>(dt);
  io.FontGlobalScale = static_cast<float>(std::max(1.0, frame.device_pixel_ratio));
  ImGui_ImplVulkan_NewFrame();
  ImGui::NewFrame();
  ImGui::SetNextWindowPos(ImVec2(8.0f, 8.0f));
  ImGui::SetNextWindowBgAlpha(0.45f);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(4.0f, 2.0f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6.0f, 4.0f));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoInputs |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav;
  ImGui::Begin("Likeness stats", nullptr, flags);
  ImGui::Text("%.0f fps  upload %.1f ms (%.1f MB)", fps_, frame.last_upload_ms, static_cast<double>(frame.last_upload_bytes) / 1048576.0);
  if (total_ > 0) {
    ImGui::Text("%s  step %d / %d   loss %.4g", stage_.c_str(), step_, total_, loss_);
    ImGui::ProgressBar(static_cast<float>(step_) / static_cast<float>(std::max(1, total_)), ImVec2(200.0f, 4.0f), "");
  } else {
    ImGui::TextUnformatted("idle");
  }
  auto plot = [](const char* name, const std::deque<float>& curve) {
    if (curve.empty()) return;
    std::vector<float> values(curve.begin(), curve.end());
    char label[96];
    std::snprintf(label, sizeof label, "%.3g", static_cast<double>(values.back()));
    ImGui::PlotLines(name, values.data(), static_cast<int>(values.size()), 0, label, 0.0f, FLT_MAX, ImVec2(120.0f, 20.0f));
  };
  plot("loss", loss_curve_);
  // The terms that matter now (the largest latest values), at most five.
  std::vector<std::pair<float, const std::string*>> ranked;
  for (const auto& [name, curve] : curves_)
    if (!curve.empty() && curve.back() > 0.0f) ranked.push_back({curve.back(), &name});
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; i < ranked.size() && i < 5; ++i) plot(ranked[i].second->c_str(), curves_.at(*ranked[i].second));
  ImGui::End();
  ImGui::PopStyleVar(2);
  ImGui::Render();
  ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(), cmd);
  ImGui::SetCurrentContext(previous == imgui_ ? nullptr : previous);
}

}  // namespace likeness::ui
