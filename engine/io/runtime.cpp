#include "engine/io/runtime.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace likeness {

int init_runtime(int threads) {
  if (threads <= 0) {
    if (const char* env = std::getenv("LIKENESS_THREADS")) threads = std::atoi(env);
  }
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(threads);
  return threads;
}

}  // namespace likeness
