// Between raster image tensors and io::Image.
#include <torch/torch.h>

#include <string>

#include "engine/core/error.h"
#include "engine/raster/shading.h"

namespace likeness::raster {

at::Tensor flip_rows(const at::Tensor& images) {
  if (!images.defined() || images.dim() < 3) throw InputError("flip_rows: images must be [H, W, C] or [B, H, W, C]");
  return images.flip({images.dim() - 3});
}

io::Image to_image(const at::Tensor& images, RowOrder order, int view) {
  if (!images.defined() || (images.dim() != 3 && images.dim() != 4))
    throw InputError("to_image: images must be [H, W, C] or [B, H, W, C]");
  at::Tensor one = images;
  if (images.dim() == 4) {
    if (view < 0 || view >= images.size(0))
      throw InputError("to_image: view " + std::to_string(view) + " out of range for " +
                       std::to_string(images.size(0)) + " images");
    one = images.select(0, view);
  }
  if (order == RowOrder::BottomFirst) one = one.flip({0});
  one = one.detach().to(at::kFloat).contiguous();
  io::Image image;
  image.height = static_cast<int>(one.size(0));
  image.width = static_cast<int>(one.size(1));
  image.channels = static_cast<int>(one.size(2));
  const float* data = one.data_ptr<float>();
  image.pixels.assign(data, data + one.numel());
  return image;
}

void save_image(const std::filesystem::path& path, const at::Tensor& images, RowOrder order, int view,
                const io::ImageWriteOptions& options) {
  io::write_image(path, to_image(images, order, view), options);
}

}  // namespace likeness::raster
