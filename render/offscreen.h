#pragma once
// Rendering without a window or display: the renderer draws into its own multisampled target,
// resolves it and reads the pixels back. Used by the CLI (render, turntable), thumbnails, tests
// and benchmarks. Works on lavapipe (software Vulkan) and on GPUs alike.
#include <cstdint>
#include <memory>
#include <string>

#include "render/device.h"
#include "render/image.h"
#include "render/renderer.h"

namespace likeness::render {

struct OffscreenOptions {
  bool validation = false;       ///< enable the validation layer (tests)
  int samples = 4;               ///< MSAA samples, lowered to what the device supports
  std::string preferred_device;  ///< see DeviceOptions
};

/// Timings of the last render() (milliseconds).
struct FrameTiming {
  double record_ms = 0.0;    ///< recording commands (includes applying live updates)
  double gpu_ms = 0.0;       ///< submit until the fence signals (on lavapipe: the rasterization itself)
  double readback_ms = 0.0;  ///< copying pixels out of the mapped buffer
};

class OffscreenRenderer {
public:
  explicit OffscreenRenderer(const OffscreenOptions& options = {});
  ~OffscreenRenderer();
  OffscreenRenderer(const OffscreenRenderer&) = delete;
  OffscreenRenderer& operator=(const OffscreenRenderer&) = delete;

  /// Uploads a scene (see Renderer::set_scene).
  void set_scene(const Scene& scene);
  /// Queues a live update, applied by the next render() (any thread).
  std::uint64_t submit(const SceneUpdate& update);

  /// Renders a view at width x height (InputError beyond the device's limits). RGB shows the
  /// backdrop where the head is absent; alpha is the head's coverage.
  Image render(const ViewOptions& view, int width, int height);

  /// Bounds of the head shown.
  Bounds bounds() const;
  int samples() const { return static_cast<int>(samples_); }
  /// Largest width and height render() accepts.
  int max_size() const;
  FrameTiming last_timing() const { return timing_; }
  Device& device() { return *device_; }
  Renderer& renderer() { return *renderer_; }

private:
  void destroy();
  void ensure_target(std::uint32_t width, std::uint32_t height);
  void release_target();

  std::unique_ptr<Device> device_;
  VkSampleCountFlagBits samples_ = VK_SAMPLE_COUNT_1_BIT;
  VkFormat depth_format_ = VK_FORMAT_D32_SFLOAT;
  VkRenderPass pass_ = VK_NULL_HANDLE;
  std::unique_ptr<Renderer> renderer_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  std::uint64_t serial_ = 0;
  FrameTiming timing_;

  struct Target;
  std::unique_ptr<Target> target_;
};

}  // namespace likeness::render
