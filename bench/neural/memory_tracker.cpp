// A counting CPU allocator for peak-memory figures.
#include "bench/neural/memory_tracker.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <torch/version.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
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

// Each block carries its size in a 64-byte header (keeping the alignment LibTorch expects); the
// data pointer is also the context, as oneDNN's raw_allocate requires.
constexpr std::size_t kHeader = 64;

void release(void* data) {
  if (!data) return;
  char* block = static_cast<char*>(data) - kHeader;
  std::int64_t bytes;
  std::memcpy(&bytes, block, sizeof bytes);
  g_live.fetch_sub(bytes);
  std::free(block);
}

class CountingAllocator final : public c10::Allocator {
public:
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
  c10::DataPtr allocate(std::size_t n) override { return make(n); }
  void copy_data(void* dest, const void* src, std::size_t count) const override { default_copy_data(dest, src, count); }
#else
  c10::DataPtr allocate(std::size_t n) const override { return make(n); }
#endif
  c10::DeleterFnPtr raw_deleter() const override { return &release; }

private:
  static c10::DataPtr make(std::size_t n) {
    const c10::Device cpu(c10::DeviceType::CPU);
    if (n == 0) return {nullptr, nullptr, &release, cpu};
    void* raw = nullptr;
    if (posix_memalign(&raw, kHeader, n + kHeader) != 0) throw std::bad_alloc();
    char* block = static_cast<char*>(raw);
    const auto bytes = static_cast<std::int64_t>(n);
    std::memcpy(block, &bytes, sizeof bytes);
    add_bytes(bytes);
    void* data = block + kHeader;
    return {data, data, &release, cpu};
  }
};

}  // namespace

void install_cpu_memory_tracker() {
  static std::once_flag once;
  std::call_once(once, [] {
    static CountingAllocator counting;
    c10::SetCPUAllocator(&counting, /*priority=*/100);
  });
}

std::int64_t cpu_live_bytes() { return g_live.load(); }

void reset_cpu_peak() { g_peak.store(g_live.load()); }

std::int64_t cpu_peak_bytes() { return g_peak.load(); }

}  // namespace likeness::neural::bench
