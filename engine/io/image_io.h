#pragma once
// Image files through OpenImageIO. Pixels are float, row-major, top row first, interleaved
// channels. Colour: images in memory are linear; PNG/JPEG are written and read as sRGB, EXR/HDR
// as linear. Writes are atomic.
#include <filesystem>
#include <string>
#include <vector>

namespace likeness::io {

struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<float> pixels;  ///< width * height * channels

  float* row(int y) { return pixels.data() + static_cast<std::size_t>(y) * width * channels; }
  const float* row(int y) const { return pixels.data() + static_cast<std::size_t>(y) * width * channels; }
  float& at(int x, int y, int c) { return pixels[(static_cast<std::size_t>(y) * width + x) * channels + c]; }
  float at(int x, int y, int c) const { return pixels[(static_cast<std::size_t>(y) * width + x) * channels + c]; }
};

enum class ColorEncoding {
  Auto,    ///< sRGB for 8/16-bit formats (PNG, JPEG, TIFF), linear for float formats (EXR, HDR)
  Linear,  ///< values stored as they are
  Srgb,    ///< linear values encoded to sRGB on write, decoded on read (alpha stays linear)
};

struct ImageWriteOptions {
  ColorEncoding encoding = ColorEncoding::Auto;
  int bits = 8;  ///< 8 or 16 for PNG/TIFF; EXR is always half float
};

/// Writes an image; the format follows the extension (.png .exr .jpg .tif .hdr). Throws InputError
/// naming the path.
void write_image(const std::filesystem::path& path, const Image& image, const ImageWriteOptions& options = {});

/// Reads an image as float; PNG/JPEG decoded from sRGB to linear unless `encoding` is Linear.
Image read_image(const std::filesystem::path& path, ColorEncoding encoding = ColorEncoding::Auto);

/// Encodes a linear value to sRGB and back (IEC 61966-2-1).
float linear_to_srgb(float linear);
float srgb_to_linear(float srgb);

/// True if the extension names a float format (EXR, HDR).
bool is_float_format(const std::filesystem::path& path);

}  // namespace likeness::io
