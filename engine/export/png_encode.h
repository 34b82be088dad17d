#pragma once
// PNG encoding in memory (for textures embedded in .glb files and written beside OBJ/FBX), with
// zlib: 8 or 16 bits, grey or RGB(A), no interlace. Deterministic: the same image gives the same
// bytes.
#include <string>

#include "engine/io/image_io.h"

namespace likeness::exporter {

/// How float pixels become PNG samples.
enum class PngEncoding {
  Srgb,    ///< linear values encoded to sRGB (colour: albedo); alpha stays linear
  Linear,  ///< values written as they are (data: normal, roughness)
};

/// Encodes an image (1 to 4 channels, values clamped to [0, 1]) as PNG bytes. InputError if the
/// image is empty or has another channel count.
std::string encode_png(const io::Image& image, PngEncoding encoding, int bits = 8);

/// Writes encode_png() to `path` atomically.
void write_png(const std::filesystem::path& path, const io::Image& image, PngEncoding encoding, int bits = 8);

}  // namespace likeness::exporter
