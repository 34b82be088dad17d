#pragma once
// Host-visible staging blocks for live updates. A producer thread takes a block, fills it through
// its mapping without any lock, and hands it to the frame thread, which records the copy and
// returns the block once the GPU is done with it. Blocks are reused when big enough.
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "render/vk/memory.h"

namespace likeness::render {
class Device;
}

namespace likeness::render::vk {

struct StagingBlock {
  Buffer buffer;               ///< TRANSFER_SRC, host-visible, mapped
  std::size_t used = 0;        ///< bytes filled
  std::uint8_t* data() const { return static_cast<std::uint8_t*>(buffer.mapped()); }
};

class StagingPool {
public:
  explicit StagingPool(const Device& device, std::size_t keep_free = 4);

  /// A block of at least `bytes` (a free one when one fits, else a new one). Any thread.
  std::unique_ptr<StagingBlock> acquire(std::size_t bytes);
  /// Returns a block the GPU no longer reads. Any thread.
  void recycle(std::unique_ptr<StagingBlock> block);
  /// Drops every free block.
  void clear();
  /// Bytes held by free blocks.
  std::size_t free_bytes() const;

private:
  const Device& device_;
  std::size_t keep_free_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<StagingBlock>> free_;
};

}  // namespace likeness::render::vk
