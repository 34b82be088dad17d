#pragma once
// Texture: plain parameters and kernel entry points (no LibTorch).
//
// Textures are UDIM tile stacks [tex_views][tiles][height][width][channels]. With more than one
// tile, u in [k, k + 1) samples tile k (outside 0..tiles-1: zero, no gradient); with one tile the
// whole uv plane maps to it. Texel rows follow image files (engine/face/uv_bake.h): texel (x, y)
// of a tile, row 0 at the top, has its centre at u = tile + (x + 0.5) / W, v = 1 - (y + 0.5) / H.
// Wrap and clamp apply within a tile.
#include <cstdint>

namespace likeness::raster {

enum class TextureFilter : int {
  Nearest,              ///< nearest texel of level 0 (gradients to texels only)
  Linear,               ///< bilinear on level 0
  LinearMipmapNearest,  ///< bilinear on the nearest mip level
  LinearMipmapLinear,   ///< trilinear: bilinear on two levels, blended by the fractional level
};

enum class TextureBoundary : int {
  Wrap,   ///< repeat within the tile
  Clamp,  ///< clamp to the tile's edge texels
  Zero,   ///< texels outside the tile read as zero
};

inline constexpr int kMaxMipLevels = 16;

/// Sizes and offsets of a mip pyramid. Level 0 is the texture itself; levels 1.. are stored one
/// after another in a separate buffer, each as [images][height][width][channels].
struct MipLayout {
  int levels = 1;
  int width[kMaxMipLevels] = {};
  int height[kMaxMipLevels] = {};
  std::int64_t offset[kMaxMipLevels] = {};  ///< element offset of level l (l >= 1) in the mip buffer
  std::int64_t mip_size = 0;                ///< elements of the mip buffer
};

/// Levels halve each side (at least 1) until 1x1, or until `max_level` (-1: no limit).
/// `images` = tex_views * tiles.
MipLayout mip_layout(int width, int height, int images, int channels, int max_level);

template <typename T>
struct TextureParams {
  const T* tex = nullptr;            ///< level 0
  std::int64_t tex_view_stride = 0;  ///< elements between views (0: shared by all views)
  int tiles = 1;
  int tex_height = 0;
  int tex_width = 0;
  int channels = 0;
  const T* mip = nullptr;  ///< levels >= 1 (mip-mapped filters)
  MipLayout layout;
  TextureFilter filter = TextureFilter::Linear;
  TextureBoundary boundary = TextureBoundary::Wrap;

  int views = 0;
  int height = 0;  ///< sample grid (the image)
  int width = 0;
  const T* uv = nullptr;        ///< [views][height][width][2]
  const T* uv_da = nullptr;     ///< optional [views][height][width][4]: du/dX, du/dY, dv/dX, dv/dY
  const T* lod_bias = nullptr;  ///< optional [views][height][width], added to the mip level

  T* out = nullptr;  ///< [views][height][width][channels]

  // Backward.
  const T* grad_out = nullptr;
  T* grad_tex = nullptr;       ///< same layout as tex (overwritten)
  T* grad_uv = nullptr;        ///< optional (overwritten)
  T* grad_uv_da = nullptr;     ///< optional (overwritten)
  T* grad_lod_bias = nullptr;  ///< optional (overwritten)
};

/// Builds levels 1.. of the pyramid (area-weighted box filter) into `mip`. With `used` [images],
/// only the images marked there are built; the others' levels are zeroed (no sample reads them).
void texture_build_mips_cpu(const float* tex, float* mip, const MipLayout& layout, int images, int channels,
                            const unsigned char* used = nullptr);
void texture_build_mips_cpu(const double* tex, double* mip, const MipLayout& layout, int images, int channels,
                            const unsigned char* used = nullptr);

/// Marks in `used` [tex views * tiles] (zeroed by the caller) the tile images that some pixel of
/// p.uv selects: floor(u) with several tiles (also of u rounded to float, as the float sampling
/// path reads it), every tile of the view for a non-finite u, and everything with one tile.
void texture_used_images_cpu(const TextureParams<float>& p, unsigned char* used);
void texture_used_images_cpu(const TextureParams<double>& p, unsigned char* used);

/// Adds the gradient of levels 1.. (`grad_mip`, consumed) down the pyramid into `grad_tex`.
void texture_mips_backward_cpu(float* grad_tex, float* grad_mip, const MipLayout& layout, int images, int channels);
void texture_mips_backward_cpu(double* grad_tex, double* grad_mip, const MipLayout& layout, int images, int channels);

void texture_forward_cpu(const TextureParams<float>& p);
void texture_forward_cpu(const TextureParams<double>& p);
/// Writes grad_tex (through the pyramid), grad_uv, grad_uv_da and grad_lod_bias where given.
void texture_backward_cpu(const TextureParams<float>& p);
void texture_backward_cpu(const TextureParams<double>& p);

}  // namespace likeness::raster
