#include "engine/raster/cpu_parallel.h"

#include <ATen/Parallel.h>

#include <exception>
#include <mutex>

namespace likeness::raster::cpu {

namespace {
std::atomic<bool> round_robin{false};
}  // namespace

void set_round_robin_schedule(bool on) { round_robin.store(on, std::memory_order_relaxed); }
bool round_robin_schedule() { return round_robin.load(std::memory_order_relaxed); }

int worker_count() {
  const int n = at::get_num_threads();
  return n < 1 ? 1 : n;
}

void run_slots(int slots, const std::function<void(int slot)>& body) {
  if (slots <= 1) {
    body(0);
    return;
  }
  // at::parallel_for rethrows the first exception itself; keep the kernels exception-free anyway
  // and only guard against unexpected ones so no worker escapes with an exception.
  std::exception_ptr error;
  std::mutex error_mutex;
  at::parallel_for(0, slots, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t s = begin; s < end; ++s) {
      try {
        body(static_cast<int>(s));
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
  });
  if (error) std::rethrow_exception(error);
}

}  // namespace likeness::raster::cpu
