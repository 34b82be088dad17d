#include "engine/export/png_encode.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

namespace likeness::exporter {
namespace {

void put_u32(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

void put_chunk(std::string& out, const char* type, const std::string& data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t start = out.size();
  out.append(type, 4);
  out += data;
  const uLong crc = ::crc32(0L, reinterpret_cast<const Bytef*>(out.data() + start), static_cast<uInt>(out.size() - start));
  put_u32(out, static_cast<std::uint32_t>(crc));
}

}  // namespace

std::string encode_png(const io::Image& image, PngEncoding encoding, int bits) {
  const int c = image.channels;
  if (image.width <= 0 || image.height <= 0 || c < 1 || c > 4 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * c)
    throw InputError("PNG encoding needs a non-empty image of 1 to 4 channels");
  if (bits != 8 && bits != 16) throw InputError("PNG bit depth must be 8 or 16 (got " + std::to_string(bits) + ")");
  const bool has_alpha = c == 2 || c == 4;
  const int colour_channels = has_alpha ? c - 1 : c;
  const int bytes_per_sample = bits / 8;
  const std::size_t row_bytes = static_cast<std::size_t>(image.width) * c * bytes_per_sample;

  // Raw scanlines, each with filter byte 0 (none) or 1 (sub: smaller output for smooth maps).
  std::string raw;
  raw.resize((row_bytes + 1) * image.height);
  std::string line(row_bytes, '\0');
  const double max_value = bits == 8 ? 255.0 : 65535.0;
  for (int y = 0; y < image.height; ++y) {
    const float* src = image.row(y);
    for (int x = 0; x < image.width; ++x)
      for (int k = 0; k < c; ++k) {
        float v = src[static_cast<std::size_t>(x) * c + k];
        if (!std::isfinite(v)) v = 0.0f;
        v = std::clamp(v, 0.0f, 1.0f);
        if (encoding == PngEncoding::Srgb && k < colour_channels) v = io::linear_to_srgb(v);
        const auto q = static_cast<std::uint32_t>(std::lround(v * max_value));
        const std::size_t at = (static_cast<std::size_t>(x) * c + k) * bytes_per_sample;
        if (bits == 8) {
          line[at] = static_cast<char>(q);
        } else {
          line[at] = static_cast<char>(q >> 8);
          line[at + 1] = static_cast<char>(q & 0xff);
        }
      }
    char* dst = raw.data() + static_cast<std::size_t>(y) * (row_bytes + 1);
    dst[0] = 1;  // Sub filter
    const std::size_t bpp = static_cast<std::size_t>(c) * bytes_per_sample;
    for (std::size_t i = 0; i < row_bytes; ++i)
      dst[1 + i] = static_cast<char>(static_cast<unsigned char>(line[i]) - (i >= bpp ? static_cast<unsigned char>(line[i - bpp]) : 0));
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), 6) != Z_OK)
    throw InputError("PNG encoding: zlib failed");
  packed.resize(packed_size);

  std::string out("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_u32(ihdr, static_cast<std::uint32_t>(image.width));
  put_u32(ihdr, static_cast<std::uint32_t>(image.height));
  static const char kColourType[] = {0, 0, 4, 2, 6};  // grey, grey+alpha, RGB, RGBA by channels
  ihdr += static_cast<char>(bits);
  ihdr += kColourType[c];
  ihdr += std::string(3, '\0');  // deflate, adaptive filtering, no interlace
  put_chunk(out, "IHDR", ihdr);
  if (encoding == PngEncoding::Srgb) put_chunk(out, "sRGB", std::string(1, '\0'));  // perceptual intent
  put_chunk(out, "IDAT", packed);
  put_chunk(out, "IEND", "");
  return out;
}

void write_png(const std::filesystem::path& path, const io::Image& image, PngEncoding encoding, int bits) {
  write_file_atomic(path, encode_png(image, encoding, bits));
}

}  // namespace likeness::exporter
