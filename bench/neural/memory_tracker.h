#pragma once
// Peak tensor memory on the CPU: a wrapper around LibTorch's CPU allocator that counts live bytes
// and their high-water mark. Memory-mapped weights (from_blob) and oneDNN scratch buffers do not go
// through it, so the figure is the activations, gradients and copies a pass allocates.
#include <cstddef>
#include <cstdint>

namespace likeness::neural::bench {

/// Installs the counting allocator (once; later calls do nothing).
void install_cpu_memory_tracker();
/// Bytes currently allocated through the tracker.
std::int64_t cpu_live_bytes();
/// Starts a new high-water mark at the current live bytes.
void reset_cpu_peak();
/// The high-water mark since the last reset.
std::int64_t cpu_peak_bytes();

}  // namespace likeness::neural::bench
