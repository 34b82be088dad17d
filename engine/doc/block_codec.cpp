#include "engine/doc/block_codec.h"

#include <zlib.h>

#include <cstring>
#include <vector>

#include "engine/core/error.h"

namespace likeness::doc {

namespace {

inline std::uint64_t load64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline std::uint64_t mix(std::uint64_t h) {  // splitmix64 finaliser
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

// zlib level 1: the shuffled planes are mostly runs already; higher levels cost 3-5x the time for
// a few percent (measured on residual textures).
constexpr int kDeflateLevel = 1;

}  // namespace

std::uint64_t content_hash(const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t h0 = 0x9e3779b97f4a7c15ull ^ size, h1 = 0xc2b2ae3d27d4eb4full, h2 = 0x165667b19e3779f9ull,
                h3 = 0x27d4eb2f165667c5ull;
  std::size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    h0 = (h0 ^ load64(p + i)) * 0x100000001b3ull;
    h1 = (h1 ^ load64(p + i + 8)) * 0x100000001b3ull;
    h2 = (h2 ^ load64(p + i + 16)) * 0x100000001b3ull;
    h3 = (h3 ^ load64(p + i + 24)) * 0x100000001b3ull;
    h0 = (h0 << 31) | (h0 >> 33);
    h1 = (h1 << 29) | (h1 >> 35);
    h2 = (h2 << 27) | (h2 >> 37);
    h3 = (h3 << 25) | (h3 >> 39);
  }
  std::uint64_t h = mix(h0) ^ mix(h1 + 1) ^ mix(h2 + 2) ^ mix(h3 + 3);
  for (; i < size; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return mix(h);
}

std::uint32_t crc32_of(std::string_view bytes) {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  const auto* p = reinterpret_cast<const Bytef*>(bytes.data());
  std::size_t left = bytes.size();
  while (left > 0) {
    const uInt n = static_cast<uInt>(std::min<std::size_t>(left, 1u << 30));
    crc = ::crc32(crc, p, n);
    p += n;
    left -= n;
  }
  return static_cast<std::uint32_t>(crc);
}

bool all_zero(const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8)
    if (load64(p + i) != 0) return false;
  for (; i < size; ++i)
    if (p[i] != 0) return false;
  return true;
}

std::string encode_block(const void* data, std::size_t size, std::size_t element_size, BlockCodec codec) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  if (codec == BlockCodec::Raw) return std::string(reinterpret_cast<const char*>(bytes), size);
  if (element_size == 0 || element_size > 8) element_size = 1;
  std::vector<unsigned char> shuffled(size);
  const std::size_t count = size / element_size, tail = size - count * element_size;
  for (std::size_t b = 0; b < element_size; ++b) {
    unsigned char* plane = shuffled.data() + b * count;
    for (std::size_t i = 0; i < count; ++i) plane[i] = bytes[i * element_size + b];
  }
  std::memcpy(shuffled.data() + count * element_size, bytes + count * element_size, tail);
  uLongf bound = ::compressBound(static_cast<uLong>(size));
  std::string out(bound, '\0');
  if (::compress2(reinterpret_cast<Bytef*>(out.data()), &bound, shuffled.data(), static_cast<uLong>(size), kDeflateLevel) != Z_OK)
    throw Error(ExitCode::Failure, "block compression failed");
  out.resize(bound);
  return out;
}

void decode_block(std::string_view stored, BlockCodec codec, std::size_t element_size, void* out, std::size_t raw_size,
                  const std::string& source) {
  auto* bytes = static_cast<unsigned char*>(out);
  if (codec == BlockCodec::Raw) {
    if (stored.size() != raw_size)
      throw InputError(source + ": block holds " + std::to_string(stored.size()) + " bytes, expected " + std::to_string(raw_size));
    std::memcpy(bytes, stored.data(), raw_size);
    return;
  }
  if (codec != BlockCodec::ShuffleDeflate) throw InputError(source + ": unknown block codec " + std::to_string(int(codec)));
  if (element_size == 0 || element_size > 8) element_size = 1;
  std::vector<unsigned char> shuffled(raw_size);
  uLongf got = static_cast<uLongf>(raw_size);
  const int rc = ::uncompress(shuffled.data(), &got, reinterpret_cast<const Bytef*>(stored.data()), static_cast<uLong>(stored.size()));
  if (rc != Z_OK || got != raw_size)
    throw InputError(source + ": block data is corrupt (" + (rc == Z_OK ? "wrong size" : std::string(::zError(rc))) + ")");
  const std::size_t count = raw_size / element_size, tail = raw_size - count * element_size;
  for (std::size_t b = 0; b < element_size; ++b) {
    const unsigned char* plane = shuffled.data() + b * count;
    for (std::size_t i = 0; i < count; ++i) bytes[i * element_size + b] = plane[i];
  }
  std::memcpy(bytes + count * element_size, shuffled.data() + count * element_size, tail);
}

}  // namespace likeness::doc
