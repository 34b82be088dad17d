#include "engine/raster/fast_paths.h"

#include <atomic>

namespace likeness::raster::cpu {

namespace {
std::atomic<unsigned> disabled_fast_paths{0};
}  // namespace

bool fast_path_enabled(FastPath path) {
  return (disabled_fast_paths.load(std::memory_order_relaxed) & static_cast<unsigned>(path)) == 0;
}

void set_fast_path_enabled(FastPath path, bool on) {
  if (on)
    disabled_fast_paths.fetch_and(~static_cast<unsigned>(path), std::memory_order_relaxed);
  else
    disabled_fast_paths.fetch_or(static_cast<unsigned>(path), std::memory_order_relaxed);
}

}  // namespace likeness::raster::cpu
