// The layout of a mip pyramid (texture_params.h): shared by the autograd wrappers and every
// instruction-set build of the kernels, so it lives outside them.
#include <algorithm>

#include "engine/raster/texture_params.h"

namespace likeness::raster {

MipLayout mip_layout(int width, int height, int images, int channels, int max_level) {
  MipLayout layout;
  layout.width[0] = width;
  layout.height[0] = height;
  layout.levels = 1;
  std::int64_t offset = 0;
  while ((layout.width[layout.levels - 1] > 1 || layout.height[layout.levels - 1] > 1) &&
         layout.levels < kMaxMipLevels && (max_level < 0 || layout.levels <= max_level)) {
    const int l = layout.levels;
    layout.width[l] = std::max(1, layout.width[l - 1] / 2);
    layout.height[l] = std::max(1, layout.height[l - 1] / 2);
    layout.offset[l] = offset;
    offset += std::int64_t(images) * layout.width[l] * layout.height[l] * channels;
    ++layout.levels;
  }
  layout.mip_size = offset;
  return layout;
}

}  // namespace likeness::raster
