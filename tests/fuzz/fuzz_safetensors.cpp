// Fuzz target for the safetensors header parser and validator: any input must either parse into
// a consistent header or be rejected with InputError, never crash, hang or read out of bounds.
#include <cstdint>
#include <cstdlib>

#include "engine/core/error.h"
#include "engine/io/safetensors_format.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto header = likeness::io::parse_safetensors(data, size, "fuzz");
    // Whatever is accepted must be self-consistent.
    std::uint64_t end = 0;
    for (const auto& t : header.tensors) {
      if (t.begin != end || t.end < t.begin) std::abort();
      if (header.data_start + t.end > size) std::abort();
      end = t.end;
    }
  } catch (const likeness::InputError&) {
  }
  return 0;
}
