#pragma once
// The CPU kernels' thread pool: LibTorch's intra-op threads (at::parallel_for) used only to run
// plain C++ workers, plus per-worker scatter buffers for backward passes. No tensors here.
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

namespace likeness::raster::cpu {

/// Number of worker slots a parallel region may use (LibTorch's intra-op thread count).
int worker_count();

/// Runs `body(slot)` for slots 0..slots-1 on the intra-op threads (each slot exactly once,
/// concurrently where threads allow). Slots are the unit of per-worker scratch memory.
void run_slots(int slots, const std::function<void(int slot)>& body);

/// Tests: hand items to slots round-robin instead of dynamically, so every slot (and its
/// per-worker buffers) gets work however the threads happen to be scheduled. Off by default.
void set_round_robin_schedule(bool on);
bool round_robin_schedule();

/// Dynamic scheduling: items 0..count-1 are handed out one at a time to `workers` slots, so
/// uneven items (tiles with many triangles) balance. `fn(item, slot)`.
template <typename F>
void parallel_items(std::int64_t count, int workers, F&& fn) {
  if (count <= 0) return;
  if (workers > count) workers = static_cast<int>(count);
  if (workers <= 1) {
    for (std::int64_t i = 0; i < count; ++i) fn(i, 0);
    return;
  }
  if (round_robin_schedule()) {
    run_slots(workers, [&](int slot) {
      for (std::int64_t i = slot; i < count; i += workers) fn(i, slot);
    });
    return;
  }
  std::atomic<std::int64_t> next{0};
  run_slots(workers, [&](int slot) {
    for (std::int64_t i = next.fetch_add(1, std::memory_order_relaxed); i < count;
         i = next.fetch_add(1, std::memory_order_relaxed))
      fn(i, slot);
  });
}

/// Splits 0..count-1 into contiguous blocks of at least `grain` and runs them dynamically:
/// `fn(begin, end, slot)`.
template <typename F>
void parallel_blocks(std::int64_t count, std::int64_t grain, F&& fn) {
  if (count <= 0) return;
  const int workers = worker_count();
  std::int64_t blocks = (count + grain - 1) / grain;
  const std::int64_t max_blocks = static_cast<std::int64_t>(workers) * 8;
  if (blocks > max_blocks) blocks = max_blocks;
  const std::int64_t size = (count + blocks - 1) / blocks;
  parallel_items(blocks, workers, [&](std::int64_t b, int slot) {
    const std::int64_t begin = b * size;
    const std::int64_t end = begin + size < count ? begin + size : count;
    if (begin < end) fn(begin, end, slot);
  });
}

/// Scatter-add target for a backward pass: slot 0 adds straight into `out`, other slots into
/// private zeroed buffers taken on first use; reduce() adds them into `out`. The private buffers
/// come from a pool of the constructing thread and go back to it afterwards, so a backward pass
/// per optimizer step neither allocates nor faults in fresh pages (a second ScatterBuffers alive
/// on the same thread, which no kernel does, allocates its own).
template <typename T>
class ScatterBuffers {
public:
  /// `out` must hold `size` elements; it is zeroed here.
  ScatterBuffers(T* out, std::size_t size, int slots)
      : out_(out), size_(size), pool_(pool()), used_(slots > 1 ? slots - 1 : 0, 0) {
    if (size_ > 0) std::memset(static_cast<void*>(out_), 0, size_ * sizeof(T));
    if (pool_.busy)
      owned_.resize(used_.size());
    else
      pool_.busy = true;
    if (pool_.buffers.size() < used_.size()) pool_.buffers.resize(used_.size());
  }
  ~ScatterBuffers() {
    if (owned_.empty()) pool_.busy = false;
  }
  ScatterBuffers(const ScatterBuffers&) = delete;
  ScatterBuffers& operator=(const ScatterBuffers&) = delete;

  /// The buffer a slot adds into (call only from that slot).
  T* slot(int s) {
    if (s == 0) return out_;
    std::vector<T>& buffer = owned_.empty() ? pool_.buffers[std::size_t(s - 1)] : owned_[std::size_t(s - 1)];
    if (!used_[std::size_t(s - 1)]) {
      buffer.assign(size_, T(0));  // keeps the capacity of earlier calls
      used_[std::size_t(s - 1)] = 1;
    }
    return buffer.data();
  }

  /// Adds every used private buffer into `out`.
  void reduce() {
    std::vector<const T*> used;
    for (std::size_t i = 0; i < used_.size(); ++i)
      if (used_[i]) used.push_back(owned_.empty() ? pool_.buffers[i].data() : owned_[i].data());
    if (used.empty()) return;
    parallel_blocks(static_cast<std::int64_t>(size_), 1 << 16, [&](std::int64_t begin, std::int64_t end, int) {
      for (const T* b : used)
        for (std::int64_t i = begin; i < end; ++i) out_[i] += b[i];
    });
  }

private:
  struct Pool {
    bool busy = false;
    std::vector<std::vector<T>> buffers;
  };
  static Pool& pool() {
    thread_local Pool p;
    return p;
  }

  T* out_;
  std::size_t size_;
  Pool& pool_;
  std::vector<char> used_;  // per extra slot (char, not bool: slots set their own flag concurrently)
  std::vector<std::vector<T>> owned_;  // used instead of the pool when the pool is busy
};

}  // namespace likeness::raster::cpu
