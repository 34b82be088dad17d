#pragma once
// How history stores tensor data: as blocks of raw little-endian bytes, each compressed on its own
// (byte-shuffled, then deflated: float planes of sign/exponent bytes compress far better apart),
// identified by a 64-bit content hash so identical blocks are stored once.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace likeness::doc {

/// How a block's bytes are stored.
enum class BlockCodec : std::uint8_t {
  Raw = 0,             ///< as they are (thumbnails: already PNG)
  ShuffleDeflate = 1,  ///< bytes split into element_size planes, then zlib-deflated
};

/// A fast 64-bit hash of bytes (not cryptographic; equal content is always confirmed byte-wise).
std::uint64_t content_hash(const void* data, std::size_t size);

/// CRC-32 (zlib's polynomial) of bytes.
std::uint32_t crc32_of(std::string_view bytes);

/// Encodes raw bytes with `codec`. `element_size` (1, 2, 4 or 8) sets the shuffle planes.
std::string encode_block(const void* data, std::size_t size, std::size_t element_size, BlockCodec codec);

/// Decodes `stored` into exactly `raw_size` bytes at `out`. Throws InputError starting with
/// `source` if the data is corrupt or does not decode to `raw_size` bytes.
void decode_block(std::string_view stored, BlockCodec codec, std::size_t element_size, void* out, std::size_t raw_size,
                  const std::string& source);

/// True if every byte is zero.
bool all_zero(const void* data, std::size_t size);

}  // namespace likeness::doc
