#include "render/vk/staging.h"

#include <algorithm>

#include "render/device.h"

namespace likeness::render::vk {

StagingPool::StagingPool(const Device& device, std::size_t keep_free) : device_(device), keep_free_(keep_free) {}

std::unique_ptr<StagingBlock> StagingPool::acquire(std::size_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The smallest free block that fits.
    auto best = free_.end();
    for (auto it = free_.begin(); it != free_.end(); ++it)
      if ((*it)->buffer.size() >= bytes && (best == free_.end() || (*it)->buffer.size() < (*best)->buffer.size())) best = it;
    if (best != free_.end()) {
      std::unique_ptr<StagingBlock> block = std::move(*best);
      free_.erase(best);
      block->used = bytes;
      return block;
    }
  }
  auto block = std::make_unique<StagingBlock>();
  block->buffer = Buffer(device_, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, true);
  block->used = bytes;
  return block;
}

void StagingPool::recycle(std::unique_ptr<StagingBlock> block) {
  if (!block) return;
  std::lock_guard<std::mutex> lock(mutex_);
  free_.push_back(std::move(block));
  if (free_.size() > keep_free_) {
    // Keep the largest blocks: they serve texture updates, the costliest to reallocate.
    std::sort(free_.begin(), free_.end(), [](const auto& a, const auto& b) { return a->buffer.size() > b->buffer.size(); });
    free_.resize(keep_free_);
  }
}

void StagingPool::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  free_.clear();
}

std::size_t StagingPool::free_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t total = 0;
  for (const auto& b : free_) total += b->buffer.size();
  return total;
}

}  // namespace likeness::render::vk
