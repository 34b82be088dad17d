#pragma once
// The viewport's live figures, drawn with Dear ImGui inside the Vulkan render pass: the running
// optimization's step, stage and loss, a curve per loss term, frames per second and the time the
// last live update took to upload. Fed from the GUI thread (progress events); drawn by the
// viewport each frame.
#include "ui/viewport/viewport_overlay.h"

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

struct ImGuiContext;

namespace likeness::ui {

class StatsOverlay : public ViewportOverlay {
public:
  StatsOverlay();
  ~StatsOverlay() override;

  /// One optimization step: `terms` by name (their sum is `loss`).
  void add_step(int step, int total, const std::string& stage, double loss, const std::map<std::string, double>& terms);
  /// Forgets the curves (a new operation starts).
  void reset();
  void set_visible(bool visible);
  bool visible() const override;
  /// Frames drawn with the overlay (for tests).
  std::uint64_t frames() const;
  /// Values kept per curve.
  static constexpr std::size_t kHistory = 240;

  void init(const OverlayContext& context) override;
  void record(VkCommandBuffer cmd, const OverlayFrame& frame) override;
  void release() override;

private:
  void upload_fonts(const OverlayContext& context);

  mutable std::mutex mutex_;
  bool visible_ = true;
  int step_ = 0, total_ = 0;
  std::string stage_;
  double loss_ = 0;
  std::map<std::string, std::deque<float>> curves_;
  std::deque<float> loss_curve_;
  std::chrono::steady_clock::time_point last_frame_{};
  double fps_ = 0;
  std::uint64_t frames_ = 0;

  ImGuiContext* imgui_ = nullptr;
  bool backend_ = false;
  VkDevice device_ = VK_NULL_HANDLE;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
};

}  // namespace likeness::ui
