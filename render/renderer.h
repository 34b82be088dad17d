#pragma once
// The renderer: GPU resources for one head and the commands that draw it into a render pass the
// caller owns (an offscreen target, or the Qt viewport's swapchain pass).
//
// Frame protocol, on the thread that owns the queue:
//   record_prepare(cmd, serial, view, extent)  outside any render pass: applies pending live
//                                              updates (copies from staging), draws the shadow
//                                              map, fills this frame's uniforms
//   vkCmdBeginRenderPass(target pass)
//   record_draw(cmd)                           backdrop, head, overlays
//   vkCmdEndRenderPass
// `serial` grows by one per frame; the caller guarantees that when frame N is prepared, frames up
// to N - frames_in_flight have finished on the GPU (QVulkanWindow and OffscreenRenderer do).
//
// Live updates: submit() may be called from any thread (the optimization worker). It packs the
// data into host-visible staging memory on the calling thread; the next record_prepare() records
// the copies into the next of frames_in_flight + 1 resource slots, so no frame in flight ever
// sees a buffer change under it and the frame loop never waits for a copy. Everything in one
// SceneUpdate switches in the same frame.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>

#include "render/camera.h"
#include "render/scene.h"
#include "render/view_options.h"

namespace likeness::render {

class Device;

/// The render pass record_draw() runs in (subpass 0) and how its colour attachment stores colour.
struct RenderTarget {
  VkRenderPass render_pass = VK_NULL_HANDLE;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  /// True when the colour attachment has an *_SRGB format (the hardware encodes); false for UNORM
  /// (the shaders encode sRGB themselves).
  bool srgb_attachment = true;
};

/// Timings of live updates.
struct UploadStats {
  std::uint64_t updates = 0;      ///< updates applied to frames so far
  double last_pack_ms = 0.0;      ///< packing into staging, on the submitting thread
  double last_record_ms = 0.0;    ///< recording the copies, on the frame thread
  std::size_t last_bytes = 0;     ///< bytes copied by the last update
};

class Renderer {
public:
  Renderer(Device& device, const RenderTarget& target, int frames_in_flight);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  /// Replaces the whole scene (mesh topology, geometry, textures, overlays): waits for the GPU,
  /// uploads, drops pending updates. Queue thread only. InputError for malformed data.
  void set_scene(const Scene& scene);
  bool has_scene() const;

  /// Queues a live update from any thread; components left empty keep their value. A newer update
  /// replaces a queued one component by component. InputError if sizes do not match the mesh.
  /// Returns the update's version number.
  std::uint64_t submit(const SceneUpdate& update);
  /// The version of the newest update recorded into a frame (0: none).
  std::uint64_t applied_version() const;
  /// True if an update waits for the next frame.
  bool update_pending() const;

  /// Bounds of the geometry shown (set_scene or the last applied update).
  Bounds bounds() const;
  std::size_t vertex_count() const;
  std::size_t triangle_count() const;

  /// See the frame protocol above. `extent` is the size of the target framebuffer.
  void record_prepare(VkCommandBuffer cmd, std::uint64_t serial, const ViewOptions& view, VkExtent2D extent);
  void record_draw(VkCommandBuffer cmd);

  UploadStats upload_stats() const;
  const Device& device() const;

  class Impl;

private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace likeness::render
