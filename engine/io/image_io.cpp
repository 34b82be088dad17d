#include "engine/io/image_io.h"

#include <unistd.h>

#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <atomic>
#include <cmath>

#include "engine/core/error.h"
#include "engine/core/strings.h"

namespace likeness::io {
namespace fs = std::filesystem;

float linear_to_srgb(float linear) {
  linear = std::clamp(linear, 0.0f, 1.0f);
  return linear <= 0.0031308f ? 12.92f * linear : 1.055f * std::pow(linear, 1.0f / 2.4f) - 0.055f;
}

float srgb_to_linear(float srgb) {
  return srgb <= 0.04045f ? srgb / 12.92f : std::pow((srgb + 0.055f) / 1.055f, 2.4f);
}

bool is_float_format(const fs::path& path) {
  std::string ext = to_lower_ascii(path.extension().string());
  return ext == ".exr" || ext == ".hdr";
}

namespace {

bool use_srgb(const fs::path& path, ColorEncoding encoding) {
  if (encoding == ColorEncoding::Auto) return !is_float_format(path);
  return encoding == ColorEncoding::Srgb;
}

bool is_color_channel(int c, int channels) {
  return !(channels == 4 && c == 3) && !(channels == 2 && c == 1);
}

}  // namespace

void write_image(const fs::path& path, const Image& image, const ImageWriteOptions& options) {
  if (image.width <= 0 || image.height <= 0 || image.channels <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.channels)
    throw InputError(at_file(path.string(), "image has inconsistent size"));
  const bool srgb = use_srgb(path, options.encoding);
  std::vector<float> encoded = image.pixels;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    int c = static_cast<int>(i % static_cast<std::size_t>(image.channels));
    float v = encoded[i];
    if (!std::isfinite(v)) v = 0.0f;
    if (srgb && is_color_channel(c, image.channels)) v = linear_to_srgb(v);
    encoded[i] = is_float_format(path) ? v : std::clamp(v, 0.0f, 1.0f);
  }

  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  std::string tmp_name = ".";
  tmp_name += path.stem().string();
  tmp_name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  tmp_name += path.extension().string();
  const fs::path tmp = path.parent_path() / tmp_name;
  auto out = OIIO::ImageOutput::create(path.string());
  if (!out) throw InputError(at_file(path.string(), "cannot write this image format: " + OIIO::geterror()));
  OIIO::TypeDesc type = is_float_format(path) ? OIIO::TypeDesc::HALF
                        : options.bits == 16  ? OIIO::TypeDesc::UINT16
                                              : OIIO::TypeDesc::UINT8;
  OIIO::ImageSpec spec(image.width, image.height, image.channels, type);
  spec.attribute("oiio:ColorSpace", srgb ? "sRGB" : "Linear");
  if (image.channels == 4) spec.alpha_channel = 3;
  bool ok = out->open(tmp.string(), spec) && out->write_image(OIIO::TypeDesc::FLOAT, encoded.data()) && out->close();
  if (!ok) {
    std::string why = out->geterror();
    fs::remove(tmp, ec);
    throw InputError(at_file(path.string(), "cannot write image: " + why));
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError(at_file(path.string(), "cannot replace: " + ec.message()));
  }
}

Image read_image(const fs::path& path, ColorEncoding encoding) {
  auto in = OIIO::ImageInput::open(path.string());
  if (!in) throw InputError(at_file(path.string(), "cannot read image: " + OIIO::geterror()));
  const OIIO::ImageSpec& spec = in->spec();
  Image image;
  image.width = spec.width;
  image.height = spec.height;
  image.channels = spec.nchannels;
  image.pixels.resize(static_cast<std::size_t>(image.width) * image.height * image.channels);
  if (!in->read_image(0, 0, 0, image.channels, OIIO::TypeDesc::FLOAT, image.pixels.data()))
    throw InputError(at_file(path.string(), "cannot decode image: " + in->geterror()));
  in->close();
  if (use_srgb(path, encoding))
    for (std::size_t i = 0; i < image.pixels.size(); ++i)
      if (is_color_channel(static_cast<int>(i % static_cast<std::size_t>(image.channels)), image.channels))
        image.pixels[i] = srgb_to_linear(image.pixels[i]);
  return image;
}

}  // namespace likeness::io
