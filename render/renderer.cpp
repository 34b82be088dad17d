#include "render/renderer.h"

#include <glm/gtc/matrix_transform.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <mutex>
#include <optional>
#include <utility>

#include "engine/core/error.h"
#include "render/device.h"
#include "render/texture_pack.h"
#include "render/vk/check.h"
#include "render/vk/memory.h"
#include "render/vk/pipelines.h"
#include "render/vk/staging.h"

namespace likeness::render {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Mirrors the Frame block of resources/shaders/common.glsl (std140).
struct FrameUniforms {
  glm::mat4 view_proj;
  glm::mat4 view;
  glm::mat4 proj;
  glm::mat4 light_view_proj;
  glm::mat4 lighting_from_world;
  glm::vec4 camera_pos;
  glm::vec4 sh[9];
  glm::vec4 light_dir[4];
  glm::vec4 light_color[4];
  glm::vec4 background_top;
  glm::vec4 background_bottom;
  glm::vec4 region_color;
  glm::vec4 params;
  glm::ivec4 flags;
  glm::ivec4 layers;
  glm::vec4 viewport;
};
static_assert(sizeof(FrameUniforms) == 720, "FrameUniforms must match the std140 layout of common.glsl");

constexpr std::size_t kPosNormalBytes = 24;  // per render vertex: position, normal
constexpr std::size_t kOverlayBytes = 12;    // per render vertex: region, heat, painted
constexpr std::size_t kLandmarkBytes = 12;   // per landmark: position
constexpr std::uint32_t kShadowSize = 2048;

// What submit() needs to know about the current mesh, shared with the producer threads.
struct Topology {
  std::size_t vertices = 0;
  std::vector<std::uint32_t> landmarks;
  std::uint64_t generation = 0;
};

struct PackedGeometry {
  std::unique_ptr<vk::StagingBlock> block;  // R * 24 bytes, then L * 12 bytes of landmarks
  Bounds bounds;
};
struct PackedOverlays {
  std::unique_ptr<vk::StagingBlock> block;  // R * 12 bytes
  unsigned present = 0;                     // kOverlayRegion | kOverlayHeat | kOverlayPainted
};
struct PackedTextures {
  std::unique_ptr<vk::StagingBlock> block;
  PackedTexturesLayout layout;
};

struct Pending {
  std::optional<PackedGeometry> geometry;
  std::optional<PackedOverlays> overlays;
  std::optional<PackedTextures> textures;
  std::uint64_t version = 0;
  double pack_ms = 0.0;
  bool any() const { return geometry || overlays || textures; }
};

struct GeometrySlot {
  vk::Buffer buffer;  // [R * 24 position/normal][R * 12 overlays][L * 12 landmarks]
  unsigned overlays_present = 0;
};

struct TextureSlot {
  vk::Image albedo;
  vk::Image material;
  PackedTexturesLayout layout;
  VkDescriptorSet set = VK_NULL_HANDLE;
};

struct FrameSlot {
  vk::Buffer uniforms;
  vk::Image shadow;
  VkFramebuffer shadow_framebuffer = VK_NULL_HANDLE;
  VkDescriptorSet set = VK_NULL_HANDLE;
};

struct InFlight {
  std::unique_ptr<vk::StagingBlock> block;
  std::uint64_t serial = 0;
};

bool finite(const std::vector<float>& v) {
  for (float x : v)
    if (!std::isfinite(x)) return false;
  return true;
}

}  // namespace

class Renderer::Impl {
public:
  Impl(Device& device, const RenderTarget& target, int frames_in_flight)
      : device_(device),
        target_(target),
        frames_in_flight_(std::max(1, frames_in_flight)),
        slot_count_(frames_in_flight_ + 1),
        shadow_format_(pick_shadow_format(device)),
        pipelines_(device, target, shadow_format_),
        staging_(device) {
    shadow_linear_ = device.supports(shadow_format_, VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT);
    mips_supported_ = device.supports(VK_FORMAT_R8G8B8A8_SRGB, VK_FORMAT_FEATURE_BLIT_SRC_BIT | VK_FORMAT_FEATURE_BLIT_DST_BIT |
                                                                   VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT) &&
                      device.supports(VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_FEATURE_BLIT_SRC_BIT | VK_FORMAT_FEATURE_BLIT_DST_BIT |
                                                                    VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT);
    try {
      create_samplers();
      create_descriptor_pool();
      create_frame_slots();
      texture_slots_.resize(static_cast<std::size_t>(slot_count_));
      for (TextureSlot& t : texture_slots_) t.set = allocate_set(pipelines_.material_set_layout);
      geometry_slots_.resize(static_cast<std::size_t>(slot_count_));
    } catch (...) {
      destroy();
      throw;
    }
  }

  ~Impl() { destroy(); }

  // ------------------------------------------------------------------ scene

  void set_scene(const Scene& scene) {
    scene.mesh.validate();
    scene.overlays.validate(scene.mesh.vertex_count());
    scene.textures.validate();
    device_.wait_idle();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_ = Pending{};
      auto topo = std::make_shared<Topology>();
      topo->vertices = scene.mesh.vertex_count();
      topo->landmarks = scene.mesh.landmarks;
      topo->generation = topology_ ? topology_->generation + 1 : 1;
      topology_ = topo;
    }
    for (InFlight& f : in_flight_) staging_.recycle(std::move(f.block));
    in_flight_.clear();

    const Mesh& mesh = scene.mesh;
    vertex_count_ = mesh.vertex_count();
    landmark_count_ = mesh.landmarks.size();
    materials_ = mesh.materials;
    if (materials_.empty())
      materials_.push_back({MaterialKind::Skin, 0, static_cast<std::uint32_t>(mesh.indices.size()), -1});
    triangle_count_ = mesh.triangle_count();

    // Static buffers: UVs, triangle indices, wireframe edges.
    const std::vector<std::uint32_t> edges = wire_edges(mesh, materials_);
    edge_index_count_ = static_cast<std::uint32_t>(edges.size());
    const std::size_t uv_bytes = mesh.uvs.size() * sizeof(float);
    const std::size_t index_bytes = mesh.indices.size() * sizeof(std::uint32_t);
    const std::size_t edge_bytes = std::max<std::size_t>(edges.size(), 2) * sizeof(std::uint32_t);
    uv_buffer_ = vk::Buffer(device_, uv_bytes, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT, false);
    index_buffer_ = vk::Buffer(device_, index_bytes, VK_BUFFER_USAGE_INDEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT, false);
    edge_buffer_ = vk::Buffer(device_, edge_bytes, VK_BUFFER_USAGE_INDEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT, false);
    auto statics = staging_.acquire(uv_bytes + index_bytes + edge_bytes);
    std::memcpy(statics->data(), mesh.uvs.data(), uv_bytes);
    std::memcpy(statics->data() + uv_bytes, mesh.indices.data(), index_bytes);
    if (!edges.empty()) std::memcpy(statics->data() + uv_bytes + index_bytes, edges.data(), edges.size() * sizeof(std::uint32_t));

    const std::size_t slot_bytes = vertex_count_ * (kPosNormalBytes + kOverlayBytes) + landmark_count_ * kLandmarkBytes;
    for (GeometrySlot& g : geometry_slots_) {
      g.buffer = vk::Buffer(device_, slot_bytes,
                            VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                            false);
      g.overlays_present = 0;
    }
    for (TextureSlot& t : texture_slots_) {
      t.albedo = vk::Image();
      t.material = vk::Image();
    }
    geometry_current_ = -1;
    texture_current_ = -1;

    std::shared_ptr<const Topology> topo;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      topo = topology_;
    }
    Pending initial;
    initial.geometry = pack_geometry(Geometry{mesh.positions, mesh.normals}, *topo);
    initial.overlays = pack_overlays(scene.overlays, *topo);
    initial.textures = pack(scene.textures);

    device_.run_commands([&](VkCommandBuffer cmd) {
      VkBufferCopy c{0, 0, uv_bytes};
      vkCmdCopyBuffer(cmd, statics->buffer.handle(), uv_buffer_.handle(), 1, &c);
      c = {uv_bytes, 0, index_bytes};
      vkCmdCopyBuffer(cmd, statics->buffer.handle(), index_buffer_.handle(), 1, &c);
      if (!edges.empty()) {
        c = {uv_bytes + index_bytes, 0, edges.size() * sizeof(std::uint32_t)};
        vkCmdCopyBuffer(cmd, statics->buffer.handle(), edge_buffer_.handle(), 1, &c);
      }
      apply(cmd, initial, 0);
    });
    staging_.recycle(std::move(statics));
    for (InFlight& f : in_flight_) staging_.recycle(std::move(f.block));
    in_flight_.clear();
    has_scene_ = true;
  }

  std::uint64_t submit(const SceneUpdate& update) {
    std::shared_ptr<const Topology> topo;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      topo = topology_;
    }
    if (!topo) throw InputError("renderer: an update arrived before any scene was set");
    const auto t0 = Clock::now();
    Pending p;
    if (update.geometry) p.geometry = pack_geometry(*update.geometry, *topo);
    if (update.overlays) p.overlays = pack_overlays(*update.overlays, *topo);
    if (update.textures) p.textures = pack(*update.textures);
    p.pack_ms = ms_since(t0);
    if (!p.any()) return applied_version_.load();

    std::lock_guard<std::mutex> lock(mutex_);
    if (!topology_ || topology_->generation != topo->generation) {
      recycle(p);  // the scene changed while packing: the update is for a mesh that is gone
      return applied_version_.load();
    }
    p.version = ++submitted_version_;
    // Newer components replace queued ones; the replaced blocks were never seen by the GPU.
    if (p.geometry) {
      if (pending_.geometry) staging_.recycle(std::move(pending_.geometry->block));
      pending_.geometry = std::move(p.geometry);
    }
    if (p.overlays) {
      if (pending_.overlays) staging_.recycle(std::move(pending_.overlays->block));
      pending_.overlays = std::move(p.overlays);
    }
    if (p.textures) {
      if (pending_.textures) staging_.recycle(std::move(pending_.textures->block));
      pending_.textures = std::move(p.textures);
    }
    pending_.version = p.version;
    pending_.pack_ms = p.pack_ms;
    return p.version;
  }

  bool update_pending() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return pending_.any();
  }

  // ------------------------------------------------------------------ frames

  void record_prepare(VkCommandBuffer cmd, std::uint64_t serial, const ViewOptions& view, VkExtent2D extent) {
    // Staging blocks of frames that have finished go back to the pool.
    for (auto it = in_flight_.begin(); it != in_flight_.end();) {
      if (it->serial + static_cast<std::uint64_t>(frames_in_flight_) <= serial) {
        staging_.recycle(std::move(it->block));
        it = in_flight_.erase(it);
      } else {
        ++it;
      }
    }
    Pending p;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      p = std::move(pending_);
      pending_ = Pending{};
    }
    if (p.any() && has_scene_) {
      const auto t0 = Clock::now();
      const std::size_t bytes = apply(cmd, p, serial);
      stats_.updates += 1;
      stats_.last_pack_ms = p.pack_ms;
      stats_.last_record_ms = ms_since(t0);
      stats_.last_bytes = bytes;
      applied_version_.store(p.version);
    } else {
      recycle(p);
    }

    frame_ = static_cast<int>(serial % static_cast<std::uint64_t>(frames_in_flight_));
    extent_ = extent;
    view_ = view;
    const bool shadows = write_uniforms(view, extent);
    if (shadows && has_scene_ && geometry_current_ >= 0) record_shadow_pass(cmd);
  }

  void record_draw(VkCommandBuffer cmd) {
    VkViewport viewport{0.0f, 0.0f, static_cast<float>(extent_.width), static_cast<float>(extent_.height), 0.0f, 1.0f};
    VkRect2D scissor{{0, 0}, extent_};
    vkCmdSetViewport(cmd, 0, 1, &viewport);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    FrameSlot& f = frame_slots_[static_cast<std::size_t>(frame_)];
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_.layout, 0, 1, &f.set, 0, nullptr);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_.background);
    vkCmdDraw(cmd, 3, 1, 0, 0);
    if (!has_scene_ || geometry_current_ < 0 || texture_current_ < 0) return;

    const GeometrySlot& g = geometry_slots_[static_cast<std::size_t>(geometry_current_)];
    const TextureSlot& t = texture_slots_[static_cast<std::size_t>(texture_current_)];
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_.layout, 1, 1, &t.set, 0, nullptr);
    const VkBuffer buffers[3] = {g.buffer.handle(), uv_buffer_.handle(), g.buffer.handle()};
    const VkDeviceSize offsets[3] = {0, 0, vertex_count_ * kPosNormalBytes};
    vkCmdBindVertexBuffers(cmd, 0, 3, buffers, offsets);
    vkCmdBindIndexBuffer(cmd, index_buffer_.handle(), 0, VK_INDEX_TYPE_UINT32);
    auto draw_ranges = [&](VkPipeline pipeline, bool lashes) {
      bool bound = false;
      for (const MaterialRange& m : materials_) {
        if (m.kind == MaterialKind::Transparent || (m.kind == MaterialKind::Lashes) != lashes || m.index_count == 0) continue;
        if (!bound) {
          vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline);
          bound = true;
        }
        vk::DrawPush push{static_cast<std::int32_t>(m.kind), m.tile};
        vkCmdPushConstants(cmd, pipelines_.layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(push), &push);
        vkCmdDrawIndexed(cmd, m.index_count, 1, m.first_index, 0, 0);
      }
    };
    draw_ranges(pipelines_.mesh, false);
    draw_ranges(pipelines_.lashes, true);

    if ((view_.overlays & kOverlayWireframe) && edge_index_count_ > 0) {
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_.wire);
      vkCmdBindIndexBuffer(cmd, edge_buffer_.handle(), 0, VK_INDEX_TYPE_UINT32);
      vkCmdDrawIndexed(cmd, edge_index_count_, 1, 0, 0, 0);
    }
    if ((view_.overlays & kOverlayLandmarks) && landmark_count_ > 0) {
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_.landmarks);
      const VkBuffer lb = g.buffer.handle();
      const VkDeviceSize lo = vertex_count_ * (kPosNormalBytes + kOverlayBytes);
      vkCmdBindVertexBuffers(cmd, 0, 1, &lb, &lo);
      vkCmdDraw(cmd, 6, static_cast<std::uint32_t>(landmark_count_), 0, 0);
    }
  }

  Bounds bounds() const { return bounds_; }
  bool has_scene() const { return has_scene_; }
  std::size_t vertex_count() const { return vertex_count_; }
  std::size_t triangle_count() const { return triangle_count_; }
  std::uint64_t applied_version() const { return applied_version_.load(); }
  UploadStats upload_stats() const { return stats_; }
  const Device& device() const { return device_; }

private:
  static VkFormat pick_shadow_format(const Device& device) {
    const VkFormatFeatureFlags need =
        VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT;
    for (VkFormat f : {VK_FORMAT_D32_SFLOAT, VK_FORMAT_D16_UNORM})
      if (device.supports(f, need)) return f;
    throw VulkanError("no depth format usable for shadow maps", VK_ERROR_FORMAT_NOT_SUPPORTED);
  }

  static std::vector<std::uint32_t> wire_edges(const Mesh& mesh, const std::vector<MaterialRange>& materials) {
    std::vector<std::uint64_t> keys;
    for (const MaterialRange& m : materials) {
      if (m.kind == MaterialKind::Transparent) continue;
      for (std::uint32_t i = m.first_index; i + 2 < m.first_index + m.index_count; i += 3)
        for (int e = 0; e < 3; ++e) {
          std::uint32_t a = mesh.indices[i + static_cast<std::uint32_t>(e)];
          std::uint32_t b = mesh.indices[i + static_cast<std::uint32_t>((e + 1) % 3)];
          if (a > b) std::swap(a, b);
          keys.push_back((static_cast<std::uint64_t>(a) << 32) | b);
        }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::vector<std::uint32_t> edges;
    edges.reserve(keys.size() * 2);
    for (std::uint64_t k : keys) {
      edges.push_back(static_cast<std::uint32_t>(k >> 32));
      edges.push_back(static_cast<std::uint32_t>(k & 0xffffffffu));
    }
    return edges;
  }

  PackedGeometry pack_geometry(const Geometry& g, const Topology& topo) {
    const std::size_t n = topo.vertices;
    if (g.positions.size() != 3 * n)
      throw InputError("geometry update: field 'positions' has " + std::to_string(g.positions.size()) + " floats, expected " +
                       std::to_string(3 * n));
    if (g.normals.size() != 3 * n)
      throw InputError("geometry update: field 'normals' has " + std::to_string(g.normals.size()) + " floats, expected " +
                       std::to_string(3 * n));
    if (!finite(g.positions) || !finite(g.normals)) throw InputError("geometry update: holds a non-finite value");
    PackedGeometry out;
    out.block = staging_.acquire(n * kPosNormalBytes + topo.landmarks.size() * kLandmarkBytes);
    float* dst = reinterpret_cast<float*>(out.block->data());
    for (std::size_t i = 0; i < n; ++i) {
      dst[6 * i + 0] = g.positions[3 * i + 0];
      dst[6 * i + 1] = g.positions[3 * i + 1];
      dst[6 * i + 2] = g.positions[3 * i + 2];
      dst[6 * i + 3] = g.normals[3 * i + 0];
      dst[6 * i + 4] = g.normals[3 * i + 1];
      dst[6 * i + 5] = g.normals[3 * i + 2];
    }
    float* lm = reinterpret_cast<float*>(out.block->data() + n * kPosNormalBytes);
    for (std::size_t k = 0; k < topo.landmarks.size(); ++k)
      for (int c = 0; c < 3; ++c) lm[3 * k + static_cast<std::size_t>(c)] = g.positions[3 * topo.landmarks[k] + static_cast<std::size_t>(c)];
    out.bounds = bounds_of(g.positions);
    return out;
  }

  PackedOverlays pack_overlays(const Overlays& o, const Topology& topo) {
    o.validate(topo.vertices);
    PackedOverlays out;
    out.block = staging_.acquire(topo.vertices * kOverlayBytes);
    float* dst = reinterpret_cast<float*>(out.block->data());
    const std::vector<float>* channels[3] = {&o.region, &o.heat, &o.painted};
    const unsigned bits[3] = {kOverlayRegion, kOverlayHeat, kOverlayPainted};
    for (int c = 0; c < 3; ++c) {
      const std::vector<float>& v = *channels[c];
      if (!v.empty()) out.present |= bits[c];
      for (std::size_t i = 0; i < topo.vertices; ++i) dst[3 * i + static_cast<std::size_t>(c)] = v.empty() ? 0.0f : v[i];
    }
    return out;
  }

  PackedTextures pack(const Textures& textures) {
    PackedTextures out;
    out.layout = packed_layout(textures);
    out.block = staging_.acquire(out.layout.bytes());
    pack_textures(textures, out.layout, out.block->data());
    return out;
  }

  void recycle(Pending& p) {
    if (p.geometry) staging_.recycle(std::move(p.geometry->block));
    if (p.overlays) staging_.recycle(std::move(p.overlays->block));
    if (p.textures) staging_.recycle(std::move(p.textures->block));
    p = Pending{};
  }

  // Records the copies of a pending update into the next slots and switches to them. Returns the
  // bytes copied from staging.
  std::size_t apply(VkCommandBuffer cmd, Pending& p, std::uint64_t serial) {
    std::size_t bytes = 0;
    VkMemoryBarrier before{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    before.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    before.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_VERTEX_INPUT_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                         VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &before, 0, nullptr, 0, nullptr);

    if (p.geometry || p.overlays) {
      const int dst_index = geometry_current_ < 0 ? 0 : (geometry_current_ + 1) % slot_count_;
      GeometrySlot& dst = geometry_slots_[static_cast<std::size_t>(dst_index)];
      const GeometrySlot* src = geometry_current_ < 0 ? nullptr : &geometry_slots_[static_cast<std::size_t>(geometry_current_)];
      const VkDeviceSize pn = vertex_count_ * kPosNormalBytes;
      const VkDeviceSize ov = vertex_count_ * kOverlayBytes;
      const VkDeviceSize lm = landmark_count_ * kLandmarkBytes;
      auto copy = [&](VkBuffer from, VkDeviceSize from_offset, VkDeviceSize to_offset, VkDeviceSize size) {
        if (size == 0) return;
        VkBufferCopy c{from_offset, to_offset, size};
        vkCmdCopyBuffer(cmd, from, dst.buffer.handle(), 1, &c);
      };
      if (p.geometry) {
        copy(p.geometry->block->buffer.handle(), 0, 0, pn);
        copy(p.geometry->block->buffer.handle(), pn, pn + ov, lm);
        bounds_ = p.geometry->bounds;
        bytes += pn + lm;
      } else if (src) {
        copy(src->buffer.handle(), 0, 0, pn);
        copy(src->buffer.handle(), pn + ov, pn + ov, lm);
      }
      if (p.overlays) {
        copy(p.overlays->block->buffer.handle(), 0, pn, ov);
        dst.overlays_present = p.overlays->present;
        bytes += ov;
      } else if (src) {
        copy(src->buffer.handle(), pn, pn, ov);
        dst.overlays_present = src->overlays_present;
      }
      VkMemoryBarrier after{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
      after.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
      after.dstAccessMask = VK_ACCESS_VERTEX_ATTRIBUTE_READ_BIT;
      vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_VERTEX_INPUT_BIT, 0, 1, &after, 0, nullptr, 0,
                           nullptr);
      geometry_current_ = dst_index;
    }

    if (p.textures) {
      const int dst_index = texture_current_ < 0 ? 0 : (texture_current_ + 1) % slot_count_;
      TextureSlot& dst = texture_slots_[static_cast<std::size_t>(dst_index)];
      ensure_images(dst, p.textures->layout);
      upload_image(cmd, dst.albedo, p.textures->block->buffer.handle(), 0);
      upload_image(cmd, dst.material, p.textures->block->buffer.handle(), p.textures->layout.albedo.bytes());
      bytes += p.textures->layout.bytes();
      texture_current_ = dst_index;
    }

    if (p.geometry) in_flight_.push_back({std::move(p.geometry->block), serial});
    if (p.overlays) in_flight_.push_back({std::move(p.overlays->block), serial});
    if (p.textures) in_flight_.push_back({std::move(p.textures->block), serial});
    return bytes;
  }

  void ensure_images(TextureSlot& slot, const PackedTexturesLayout& layout) {
    if (slot.albedo && slot.material && slot.layout == layout) return;
    auto make = [&](const PackedImageLayout& l) {
      vk::ImageSpec spec;
      spec.format = l.srgb ? VK_FORMAT_R8G8B8A8_SRGB : VK_FORMAT_R8G8B8A8_UNORM;
      spec.width = static_cast<std::uint32_t>(l.width);
      spec.height = static_cast<std::uint32_t>(l.height);
      spec.layers = static_cast<std::uint32_t>(l.layers);
      spec.mip_levels = mips_supported_ ? vk::full_mip_count(spec.width, spec.height) : 1;
      spec.usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
      spec.array_view = true;
      return vk::Image(device_, spec);
    };
    slot.albedo = make(layout.albedo);
    slot.material = make(layout.material);
    slot.layout = layout;
    VkDescriptorImageInfo infos[2] = {
        {texture_sampler_, slot.albedo.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
        {texture_sampler_, slot.material.view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
    };
    VkWriteDescriptorSet writes[2]{};
    for (int i = 0; i < 2; ++i) {
      writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
      writes[i].dstSet = slot.set;
      writes[i].dstBinding = static_cast<std::uint32_t>(i);
      writes[i].descriptorCount = 1;
      writes[i].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
      writes[i].pImageInfo = &infos[i];
    }
    vkUpdateDescriptorSets(device_.handle(), 2, writes, 0, nullptr);
  }

  // Copies layer-major texels from `buffer` at `offset` into mip 0 of every layer, then builds the
  // mip chain with linear blits and leaves the image ready for sampling.
  void upload_image(VkCommandBuffer cmd, const vk::Image& image, VkBuffer buffer, VkDeviceSize offset) {
    const vk::ImageSpec& s = image.spec();
    vk::transition(cmd, image.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
                   VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    VkBufferImageCopy region{};
    region.bufferOffset = offset;
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, s.layers};
    region.imageExtent = {s.width, s.height, 1};
    vkCmdCopyBufferToImage(cmd, buffer, image.handle(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
    std::int32_t w = static_cast<std::int32_t>(s.width), h = static_cast<std::int32_t>(s.height);
    for (std::uint32_t level = 1; level < s.mip_levels; ++level) {
      vk::transition(cmd, image.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                     VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_TRANSFER_READ_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, level - 1, 1);
      const std::int32_t nw = std::max(1, w / 2), nh = std::max(1, h / 2);
      VkImageBlit blit{};
      blit.srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, level - 1, 0, s.layers};
      blit.srcOffsets[1] = {w, h, 1};
      blit.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, level, 0, s.layers};
      blit.dstOffsets[1] = {nw, nh, 1};
      vkCmdBlitImage(cmd, image.handle(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, image.handle(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1,
                     &blit, VK_FILTER_LINEAR);
      w = nw;
      h = nh;
    }
    if (s.mip_levels > 1)
      vk::transition(cmd, image.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                     VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_ACCESS_TRANSFER_READ_BIT, VK_ACCESS_SHADER_READ_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, s.mip_levels - 1);
    vk::transition(cmd, image.handle(), VK_IMAGE_ASPECT_COLOR_BIT, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                   VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_SHADER_READ_BIT,
                   VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, s.mip_levels - 1, 1);
  }

  // Fills this frame's uniforms; returns whether the shadow pass is needed.
  bool write_uniforms(const ViewOptions& view, VkExtent2D extent) {
    FrameUniforms u{};
    const float aspect = extent.height > 0 ? static_cast<float>(extent.width) / static_cast<float>(extent.height) : 1.0f;
    const glm::mat4 v = view.camera.view();
    const glm::mat4 pr = view.camera.projection(aspect);
    u.view_proj = pr * v;
    u.view = v;
    u.proj = pr;
    const glm::mat3 world_from_lighting = view.lighting.camera_relative ? glm::transpose(glm::mat3(v)) : glm::mat3(1.0f);
    u.lighting_from_world = glm::mat4(glm::transpose(world_from_lighting));
    u.camera_pos = glm::vec4(view.camera.eye(), 1.0f);
    for (std::size_t i = 0; i < 9; ++i) u.sh[i] = glm::vec4(view.lighting.environment[i], 0.0f);
    const int light_count = std::min<int>(static_cast<int>(view.lighting.lights.size()), Lighting::kMaxLights);
    int shadowed = -1;
    for (int i = 0; i < light_count; ++i) {
      const DirectionalLight& l = view.lighting.lights[static_cast<std::size_t>(i)];
      const glm::vec3 d = glm::normalize(world_from_lighting * l.direction);
      const bool casts = l.shadow && shadowed < 0 && view.shadows;
      if (casts) shadowed = i;
      u.light_dir[i] = glm::vec4(d, l.angular_radius);
      u.light_color[i] = glm::vec4(l.color, casts ? 1.0f : 0.0f);
    }
    if (shadowed >= 0) {
      const glm::vec3 l = glm::vec3(u.light_dir[shadowed]);
      const glm::vec3 c = bounds_.center();
      const float r = std::max(bounds_.radius() * 1.05f, 1e-3f);
      const glm::vec3 up = std::abs(l.y) > 0.99f ? glm::vec3(0.0f, 0.0f, 1.0f) : glm::vec3(0.0f, 1.0f, 0.0f);
      const glm::mat4 lv = glm::lookAt(c + l * (2.0f * r), c, up);
      const glm::mat4 lp = glm::orthoRH_ZO(-r, r, -r, r, 0.5f * r, 3.5f * r);
      u.light_view_proj = lp * lv;
    }
    u.background_top = glm::vec4(view.lighting.background_top, 1.0f);
    u.background_bottom = glm::vec4(view.lighting.background_bottom, 1.0f);
    u.region_color = glm::vec4(view.region_color, std::clamp(view.overlay_opacity, 0.0f, 1.0f));
    u.params = glm::vec4(std::max(view.exposure, 0.0f), 1.0f / static_cast<float>(kShadowSize), bounds_.radius() * 0.007f,
                         target_.srgb_attachment ? 0.0f : 1.0f);
    unsigned overlays = view.overlays;
    const unsigned data_overlays = kOverlayRegion | kOverlayHeat | kOverlayPainted;
    const unsigned present = geometry_current_ >= 0 ? geometry_slots_[static_cast<std::size_t>(geometry_current_)].overlays_present : 0;
    overlays &= ~data_overlays | present;
    u.flags = glm::ivec4(light_count, static_cast<int>(overlays), shadowed >= 0 ? 1 : 0, 0);
    if (texture_current_ >= 0) {
      const PackedTexturesLayout& l = texture_slots_[static_cast<std::size_t>(texture_current_)].layout;
      u.layers = glm::ivec4(l.albedo.layers, l.material.layers, 0, 0);
    } else {
      u.layers = glm::ivec4(1, 1, 0, 0);
    }
    u.viewport = glm::vec4(static_cast<float>(extent.width), static_cast<float>(extent.height),
                           1.0f / std::max(1.0f, static_cast<float>(extent.width)),
                           1.0f / std::max(1.0f, static_cast<float>(extent.height)));
    std::memcpy(frame_slots_[static_cast<std::size_t>(frame_)].uniforms.mapped(), &u, sizeof(u));
    return shadowed >= 0;
  }

  void record_shadow_pass(VkCommandBuffer cmd) {
    FrameSlot& f = frame_slots_[static_cast<std::size_t>(frame_)];
    VkClearValue clear{};
    clear.depthStencil = {1.0f, 0};
    VkRenderPassBeginInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    rp.renderPass = pipelines_.shadow_pass;
    rp.framebuffer = f.shadow_framebuffer;
    rp.renderArea = {{0, 0}, {kShadowSize, kShadowSize}};
    rp.clearValueCount = 1;
    rp.pClearValues = &clear;
    vkCmdBeginRenderPass(cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
    VkViewport viewport{0.0f, 0.0f, static_cast<float>(kShadowSize), static_cast<float>(kShadowSize), 0.0f, 1.0f};
    VkRect2D scissor{{0, 0}, {kShadowSize, kShadowSize}};
    vkCmdSetViewport(cmd, 0, 1, &viewport);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_.shadow);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines_.layout, 0, 1, &f.set, 0, nullptr);
    const VkBuffer vb = geometry_slots_[static_cast<std::size_t>(geometry_current_)].buffer.handle();
    const VkDeviceSize offset = 0;
    vkCmdBindVertexBuffers(cmd, 0, 1, &vb, &offset);
    vkCmdBindIndexBuffer(cmd, index_buffer_.handle(), 0, VK_INDEX_TYPE_UINT32);
    for (const MaterialRange& m : materials_) {
      if (m.kind == MaterialKind::Transparent || m.kind == MaterialKind::Lashes || m.index_count == 0) continue;
      vkCmdDrawIndexed(cmd, m.index_count, 1, m.first_index, 0, 0);
    }
    vkCmdEndRenderPass(cmd);
  }

  void create_samplers() {
    VkSamplerCreateInfo si{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
    si.magFilter = VK_FILTER_LINEAR;
    si.minFilter = VK_FILTER_LINEAR;
    si.mipmapMode = VK_SAMPLER_MIPMAP_MODE_LINEAR;
    si.addressModeU = si.addressModeV = si.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
    si.maxLod = VK_LOD_CLAMP_NONE;
    vk_check(vkCreateSampler(device_.handle(), &si, nullptr, &texture_sampler_), "vkCreateSampler");
    VkSamplerCreateInfo sh{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
    // Linear filtering of comparison results gives 2x2 PCF per tap where the format allows it.
    sh.magFilter = shadow_linear_ ? VK_FILTER_LINEAR : VK_FILTER_NEAREST;
    sh.minFilter = sh.magFilter;
    sh.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
    sh.addressModeU = sh.addressModeV = sh.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_BORDER;
    sh.borderColor = VK_BORDER_COLOR_FLOAT_OPAQUE_WHITE;
    sh.compareEnable = VK_TRUE;
    sh.compareOp = VK_COMPARE_OP_LESS_OR_EQUAL;
    vk_check(vkCreateSampler(device_.handle(), &sh, nullptr, &shadow_sampler_), "vkCreateSampler (shadow)");
  }

  void create_descriptor_pool() {
    const std::uint32_t frames = static_cast<std::uint32_t>(frames_in_flight_);
    const std::uint32_t slots = static_cast<std::uint32_t>(slot_count_);
    VkDescriptorPoolSize sizes[2] = {{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, frames},
                                     {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, frames + 2 * slots}};
    VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pi.maxSets = frames + slots;
    pi.poolSizeCount = 2;
    pi.pPoolSizes = sizes;
    vk_check(vkCreateDescriptorPool(device_.handle(), &pi, nullptr, &descriptor_pool_), "vkCreateDescriptorPool");
  }

  VkDescriptorSet allocate_set(VkDescriptorSetLayout layout) {
    VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    ai.descriptorPool = descriptor_pool_;
    ai.descriptorSetCount = 1;
    ai.pSetLayouts = &layout;
    VkDescriptorSet set = VK_NULL_HANDLE;
    vk_check(vkAllocateDescriptorSets(device_.handle(), &ai, &set), "vkAllocateDescriptorSets");
    return set;
  }

  void create_frame_slots() {
    frame_slots_.resize(static_cast<std::size_t>(frames_in_flight_));
    for (FrameSlot& f : frame_slots_) {
      f.uniforms = vk::Buffer(device_, sizeof(FrameUniforms), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, true);
      std::memset(f.uniforms.mapped(), 0, sizeof(FrameUniforms));
      vk::ImageSpec spec;
      spec.format = shadow_format_;
      spec.width = spec.height = kShadowSize;
      // TRANSFER_DST: the maps are cleared to "far" once below.
      spec.usage = VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
      spec.aspect = VK_IMAGE_ASPECT_DEPTH_BIT;
      f.shadow = vk::Image(device_, spec);
      const VkImageView view = f.shadow.view();
      VkFramebufferCreateInfo fi{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
      fi.renderPass = pipelines_.shadow_pass;
      fi.attachmentCount = 1;
      fi.pAttachments = &view;
      fi.width = fi.height = kShadowSize;
      fi.layers = 1;
      vk_check(vkCreateFramebuffer(device_.handle(), &fi, nullptr, &f.shadow_framebuffer), "vkCreateFramebuffer (shadow)");
      f.set = allocate_set(pipelines_.frame_set_layout);
      VkDescriptorBufferInfo bi{f.uniforms.handle(), 0, sizeof(FrameUniforms)};
      VkDescriptorImageInfo ii{shadow_sampler_, view, VK_IMAGE_LAYOUT_DEPTH_STENCIL_READ_ONLY_OPTIMAL};
      VkWriteDescriptorSet w[2]{};
      w[0].sType = w[1].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
      w[0].dstSet = w[1].dstSet = f.set;
      w[0].dstBinding = 0;
      w[0].descriptorCount = 1;
      w[0].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
      w[0].pBufferInfo = &bi;
      w[1].dstBinding = 1;
      w[1].descriptorCount = 1;
      w[1].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
      w[1].pImageInfo = &ii;
      vkUpdateDescriptorSets(device_.handle(), 2, w, 0, nullptr);
    }
    // Shadow maps start cleared to "far" in the layout the shaders sample them in, so frames
    // without a shadow pass can bind them too.
    device_.run_commands([&](VkCommandBuffer cmd) {
      for (FrameSlot& f : frame_slots_) {
        vk::transition(cmd, f.shadow.handle(), VK_IMAGE_ASPECT_DEPTH_BIT, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
                       VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
        VkClearDepthStencilValue far{1.0f, 0};
        VkImageSubresourceRange range{VK_IMAGE_ASPECT_DEPTH_BIT, 0, 1, 0, 1};
        vkCmdClearDepthStencilImage(cmd, f.shadow.handle(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &far, 1, &range);
        vk::transition(cmd, f.shadow.handle(), VK_IMAGE_ASPECT_DEPTH_BIT, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                       VK_IMAGE_LAYOUT_DEPTH_STENCIL_READ_ONLY_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_SHADER_READ_BIT,
                       VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
      }
    });
  }

  void destroy() {
    VkDevice d = device_.handle();
    if (d != VK_NULL_HANDLE) vkDeviceWaitIdle(d);
    for (FrameSlot& f : frame_slots_)
      if (f.shadow_framebuffer != VK_NULL_HANDLE) vkDestroyFramebuffer(d, f.shadow_framebuffer, nullptr);
    frame_slots_.clear();
    texture_slots_.clear();
    geometry_slots_.clear();
    in_flight_.clear();
    if (descriptor_pool_ != VK_NULL_HANDLE) vkDestroyDescriptorPool(d, descriptor_pool_, nullptr);
    if (texture_sampler_ != VK_NULL_HANDLE) vkDestroySampler(d, texture_sampler_, nullptr);
    if (shadow_sampler_ != VK_NULL_HANDLE) vkDestroySampler(d, shadow_sampler_, nullptr);
    descriptor_pool_ = VK_NULL_HANDLE;
    texture_sampler_ = VK_NULL_HANDLE;
    shadow_sampler_ = VK_NULL_HANDLE;
  }

  Device& device_;
  RenderTarget target_;
  int frames_in_flight_;
  int slot_count_;
  VkFormat shadow_format_;
  vk::Pipelines pipelines_;
  vk::StagingPool staging_;
  bool mips_supported_ = false;
  bool shadow_linear_ = false;

  VkSampler texture_sampler_ = VK_NULL_HANDLE;
  VkSampler shadow_sampler_ = VK_NULL_HANDLE;
  VkDescriptorPool descriptor_pool_ = VK_NULL_HANDLE;
  std::vector<FrameSlot> frame_slots_;
  std::vector<TextureSlot> texture_slots_;
  std::vector<GeometrySlot> geometry_slots_;
  int geometry_current_ = -1;
  int texture_current_ = -1;
  int frame_ = 0;
  VkExtent2D extent_{1, 1};
  ViewOptions view_;

  vk::Buffer uv_buffer_;
  vk::Buffer index_buffer_;
  vk::Buffer edge_buffer_;
  std::vector<MaterialRange> materials_;
  std::size_t vertex_count_ = 0;
  std::size_t triangle_count_ = 0;
  std::size_t landmark_count_ = 0;
  std::uint32_t edge_index_count_ = 0;
  Bounds bounds_;
  bool has_scene_ = false;

  mutable std::mutex mutex_;  // guards topology_ and pending_
  std::shared_ptr<const Topology> topology_;
  Pending pending_;
  std::uint64_t submitted_version_ = 0;
  std::atomic<std::uint64_t> applied_version_{0};
  std::vector<InFlight> in_flight_;
  UploadStats stats_;
};

Renderer::Renderer(Device& device, const RenderTarget& target, int frames_in_flight)
    : impl_(std::make_unique<Impl>(device, target, frames_in_flight)) {}
Renderer::~Renderer() = default;
void Renderer::set_scene(const Scene& scene) { impl_->set_scene(scene); }
bool Renderer::has_scene() const { return impl_->has_scene(); }
std::uint64_t Renderer::submit(const SceneUpdate& update) { return impl_->submit(update); }
std::uint64_t Renderer::applied_version() const { return impl_->applied_version(); }
bool Renderer::update_pending() const { return impl_->update_pending(); }
Bounds Renderer::bounds() const { return impl_->bounds(); }
std::size_t Renderer::vertex_count() const { return impl_->vertex_count(); }
std::size_t Renderer::triangle_count() const { return impl_->triangle_count(); }
void Renderer::record_prepare(VkCommandBuffer cmd, std::uint64_t serial, const ViewOptions& view, VkExtent2D extent) {
  impl_->record_prepare(cmd, serial, view, extent);
}
void Renderer::record_draw(VkCommandBuffer cmd) { impl_->record_draw(cmd); }
UploadStats Renderer::upload_stats() const { return impl_->upload_stats(); }
const Device& Renderer::device() const { return impl_->device(); }

}  // namespace likeness::render
