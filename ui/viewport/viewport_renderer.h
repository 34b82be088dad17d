#pragma once
// The QVulkanWindowRenderer behind ViewportWindow: wraps Qt's device for the Vulkan renderer and
// records one frame per startNextFrame into the window's default render pass.
#include <QVulkanWindowRenderer>

#include <cstdint>
#include <memory>

namespace likeness::render {
class Device;
class Renderer;
}  // namespace likeness::render

namespace likeness::ui {

class ViewportWindow;
class ViewportOverlay;

class ViewportRenderer : public QVulkanWindowRenderer {
public:
  explicit ViewportRenderer(ViewportWindow* window);
  ~ViewportRenderer() override;

  void initResources() override;
  void initSwapChainResources() override;
  void releaseSwapChainResources() override;
  void releaseResources() override;
  void startNextFrame() override;

private:
  ViewportWindow* window_;
  std::unique_ptr<render::Device> device_;
  std::unique_ptr<render::Renderer> renderer_;
  std::uint64_t serial_ = 0;
  ViewportOverlay* overlay_ = nullptr;  ///< the overlay initialized on this device
};

}  // namespace likeness::ui
