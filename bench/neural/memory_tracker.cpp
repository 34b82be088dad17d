// A counting CPU allocator for peak-memory figures.
#include "bench/neural/memory_tracker.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <torch/version.h>

#include <atomic>
#include <mutex>

namespace likeness::neural::bench {

namespace {

std::atomic<std::int64_t> g_live{0};
std::atomic<std::int64_t> g_peak{0};

void add_bytes(std::int64_t n) {
  const std::int64_t now = g_live.fetch_add(n) + n;
  std::int64_t peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
}

// The wrapped allocation: the base allocator's DataPtr plus its size, freed together.
struct Tracked {
  c10::DataPtr inner;
  std::int64_t bytes;
};

void release(void* context) {
  auto* t = static_cast<Tracked*>(context);
  g_live.fetch_sub(t->bytes);
  delete t;  // frees through the base allocator's deleter
}

class CountingAllocator final : public c10::Allocator {
public:
  explicit CountingAllocator(c10::Allocator* base) : base_(base) {}

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
  c10::DataPtr allocate(std::size_t n) override { return wrap(n); }
  void copy_data(void* dest, const void* src, std::size_t count) const override { default_copy_data(dest, src, count); }
#else
  c10::DataPtr allocate(std::size_t n) const override { return wrap(n); }
#endif

private:
  c10::DataPtr wrap(std::size_t n) const {
    c10::DataPtr inner = base_->allocate(n);
    void* data = inner.get();
    const c10::Device device = inner.device();
    auto* t = new Tracked{std::move(inner), static_cast<std::int64_t>(n)};
    add_bytes(t->bytes);
    return {data, t, &release, device};
  }

  c10::Allocator* base_;
};

}  // namespace

void install_cpu_memory_tracker() {
  static std::once_flag once;
  std::call_once(once, [] {
    static CountingAllocator counting(c10::GetCPUAllocator());
    c10::SetCPUAllocator(&counting, /*priority=*/100);
  });
}

std::int64_t cpu_live_bytes() { return g_live.load(); }

void reset_cpu_peak() { g_peak.store(g_live.load()); }

std::int64_t cpu_peak_bytes() { return g_peak.load(); }

}  // namespace likeness::neural::bench
