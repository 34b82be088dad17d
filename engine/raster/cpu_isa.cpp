#include "engine/raster/cpu_isa.h"

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace likeness::raster::cpu {

namespace {

bool built(Isa isa) {
  switch (isa) {
    case Isa::Generic: return true;
#if defined(LIKENESS_RASTER_HAVE_AVX2)
    case Isa::Avx2: return true;
#endif
#if defined(LIKENESS_RASTER_HAVE_AVX512)
    case Isa::Avx512: return true;
#endif
    default: return false;
  }
}

bool cpu_supports(Isa isa) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  // libgcc's checks include the operating system's support for the wider registers (XCR0).
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                    __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
  switch (isa) {
    case Isa::Generic: return true;
    case Isa::Avx2: return avx2;
    case Isa::Avx512:
      return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512cd");
  }
  return false;
#else
  return isa == Isa::Generic;
#endif
}

constexpr int kUnset = -1;
std::atomic<int> forced{kUnset};
std::atomic<int> resolved{kUnset};

Isa resolve() {
  const char* env = std::getenv("LIKENESS_RASTER_ISA");
  if (env != nullptr && *env != '\0') {
    Isa wanted;
    try {
      wanted = parse_isa(env);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(std::string("LIKENESS_RASTER_ISA: ") + e.what());
    }
    if (!isa_available(wanted))
      throw std::runtime_error(std::string("LIKENESS_RASTER_ISA=") + env + ": this " +
                               (built(wanted) ? "CPU does not support it" : "build does not include it"));
    return wanted;
  }
  const std::vector<Isa> levels = available_isas();
  return levels.back();
}

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Generic: return "generic";
    case Isa::Avx2: return "avx2";
    case Isa::Avx512: return "avx512";
  }
  return "unknown";
}

Isa parse_isa(const std::string& name) {
  for (Isa isa : {Isa::Generic, Isa::Avx2, Isa::Avx512})
    if (name == isa_name(isa)) return isa;
  throw std::invalid_argument("unknown instruction set '" + name + "' (generic, avx2, avx512)");
}

bool isa_available(Isa isa) { return built(isa) && cpu_supports(isa); }

std::vector<Isa> available_isas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::Generic, Isa::Avx2, Isa::Avx512})
    if (isa_available(isa)) out.push_back(isa);
  return out;
}

Isa isa() {
  const int f = forced.load(std::memory_order_relaxed);
  if (f != kUnset) return static_cast<Isa>(f);
  int r = resolved.load(std::memory_order_acquire);
  if (r == kUnset) {
    r = static_cast<int>(resolve());  // the same answer from any thread that races here
    resolved.store(r, std::memory_order_release);
  }
  return static_cast<Isa>(r);
}

void set_isa(Isa isa) {
  if (!isa_available(isa))
    throw std::invalid_argument(std::string("instruction set ") + isa_name(isa) +
                                " is not available in this build on this CPU");
  forced.store(static_cast<int>(isa), std::memory_order_relaxed);
}

void reset_isa() {
  forced.store(kUnset, std::memory_order_relaxed);
  resolved.store(kUnset, std::memory_order_release);
}

}  // namespace likeness::raster::cpu
