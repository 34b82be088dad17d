#pragma once
// A rendered frame: 8-bit RGBA, sRGB-encoded, top row first; and PNG files.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace likeness::render {

struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;  ///< width * height * 4, sRGB-encoded, alpha 255 where covered by the head

  const std::uint8_t* pixel(int x, int y) const {
    return rgba.data() + (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 4;
  }
};

/// Writes a PNG atomically (temporary file, then rename). InputError naming the path on failure.
void write_png(const std::filesystem::path& path, const Image& image);

/// Reads a PNG (or any format stb reads) as RGBA8. InputError naming the path on failure.
Image read_png(const std::filesystem::path& path);

}  // namespace likeness::render
