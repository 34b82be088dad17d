#pragma once
// Process-wide LibTorch settings, applied once at start-up by every executable.

namespace likeness {

/// Sets LibTorch's intra-op thread count: `threads` if > 0, else $LIKENESS_THREADS, else the
/// number of cores (Debian's LibTorch defaults to 1 on 2 cores). Returns the count set.
int init_runtime(int threads = 0);

}  // namespace likeness
