#include "render/image.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <string>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

namespace likeness::render {

void write_png(const std::filesystem::path& path, const Image& image) {
  if (image.width <= 0 || image.height <= 0 ||
      image.rgba.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 4)
    throw InputError(at_file(path.string(), "image has no pixels or the wrong size"));
  std::string bytes;
  auto sink = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
  };
  if (!stbi_write_png_to_func(sink, &bytes, image.width, image.height, 4, image.rgba.data(), image.width * 4))
    throw InputError(at_file(path.string(), "PNG encoding failed"));
  write_file_atomic(path, bytes);
}

Image read_png(const std::filesystem::path& path) {
  const std::string bytes = read_file(path);
  int w = 0, h = 0, n = 0;
  stbi_uc* data = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), static_cast<int>(bytes.size()),
                                        &w, &h, &n, 4);
  if (!data) throw InputError(at_file(path.string(), std::string("not a readable image: ") + stbi_failure_reason()));
  Image image;
  image.width = w;
  image.height = h;
  image.rgba.assign(data, data + static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
  stbi_image_free(data);
  return image;
}

}  // namespace likeness::render
