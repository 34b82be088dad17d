#pragma once
// The appearance generator: AppearanceParams (+ residuals) -> TextureSet, with LibTorch
// operations only, so gradients flow from every texel back to the parameter tensor and the
// residuals. What does not depend on the parameters (region masks, noise, spots, hair strands,
// feature geometry, the seam fill) is computed once per (resolution, seed) and cached in an
// AppearanceModel, so that one generate call is cheap enough for every optimizer step.
//
//   auto model = AppearanceModel::get(512, seed);
//   AppearanceParams p = AppearanceParams::sample_prior(seed);
//   p.values.requires_grad_(true);
//   TextureSet t = model->generate(p);
//   loss(t).backward();   // p.values.grad()
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/appearance/parameters.h"
#include "engine/appearance/texture_set.h"

namespace likeness::face {
class FaceModel;
}

namespace likeness::appearance {

/// Texture resolution limits (texels per tile side).
inline constexpr int kMinResolution = 512;
inline constexpr int kMaxResolution = 4096;
inline constexpr int kDefaultResolution = 1024;
/// The smallest resolution get()/build() accept: the optimizer works on coarse textures (written
/// textures use kMinResolution .. kMaxResolution).
inline constexpr int kMinWorkingResolution = 128;

struct GenerateOptions {
  int resolution = kDefaultResolution;  ///< 512 .. 4096
  std::uint64_t seed = 0;               ///< noise, spots and hair strands
  bool layers = false;                  ///< also return TextureSet::layers
};

class AppearanceModel {
public:
  /// The model for the default head at `resolution` and `seed`, built on first use and cached
  /// (a few entries, least recently used evicted). InputError if the resolution is out of range.
  static std::shared_ptr<const AppearanceModel> get(int resolution, std::uint64_t seed = 0);

  /// Builds a model for `face` (uncached). Takes about a second at 512 on two cores, more at
  /// higher resolutions.
  static std::shared_ptr<const AppearanceModel> build(std::shared_ptr<const face::FaceModel> face, int resolution,
                                                       std::uint64_t seed = 0);

  ~AppearanceModel();

  int resolution() const;
  std::uint64_t seed() const;
  /// The tiles that carry textures (0, 1, 2, 3, 6, 7).
  const std::vector<int>& textured_tiles() const;

  /// Generates the textures. Parameters outside their ranges are clamped (with zero gradient
  /// beyond the bound); call AppearanceParams::validate first to reject them instead.
  /// Differentiable with respect to params.values and the residuals. Thread-safe.
  TextureSet generate(const AppearanceParams& params, const Residuals& residuals = {}, bool layers = false) const;

  /// [8, R, R] bool: texels some triangle covers.
  at::Tensor coverage() const;
  /// Replaces every texel outside the UV islands by its nearest covered texel of the same tile
  /// (what generate already does), for textures [8, R, R, C] produced elsewhere. Differentiable.
  at::Tensor fill_seams(const at::Tensor& texture) const;

  /// Soft weights [8, R, R] of a region (docs/attributes.md names, groups included) where the
  /// generated textures show it: skin regions from the region masks; "irises" and "sclera" on
  /// the visible eyeball shell; "teeth", "gums", "eyelashes" their tiles; "mouth_interior" the
  /// mouth socket. Cached after the first call. InputError for an unknown name.
  at::Tensor region_weights(const std::string& region) const;

  /// Names of the layers generate(..., layers = true) returns.
  static const std::vector<std::string>& layer_names();

  struct Impl;

private:
  AppearanceModel();
  std::unique_ptr<Impl> impl_;
};

/// Shorthand: AppearanceModel::get(options.resolution, options.seed)->generate(...).
TextureSet generate(const AppearanceParams& params, const Residuals& residuals = {}, const GenerateOptions& options = {});

}  // namespace likeness::appearance
