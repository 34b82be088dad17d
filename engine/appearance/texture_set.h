#pragma once
// The textures the appearance model produces, as UDIM stacks that the differentiable
// rasterizer's texture op samples directly ([tiles, H, W, C], index = tile, rows top to bottom
// as image files), the free per-texel residuals the optimizer adds on top, their regularizer,
// and writing the stacks to image files per tile.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace likeness::appearance {

class AppearanceModel;

/// Textures of the head: 8 UDIM tiles (face/topology.h: 0 face, 1 back of head, 2 gums and
/// tongue, 3 teeth, 6 eyelashes, 7 eyeballs; 4 and 5 are untextured and constant).
struct TextureSet {
  int resolution = 0;
  at::Tensor albedo;     ///< [8, H, W, 3] float32, linear RGB in [0, 1]
  at::Tensor normal;     ///< [8, H, W, 3] float32, tangent space (x along +u, y along +v, z out), unit length
  at::Tensor roughness;  ///< [8, H, W, 1] float32 in [0, 1] (perceptual roughness)
  /// Coverage [8, H, W] of each generated layer ("brows", "beard", "moustache", "stubble",
  /// "scalp_hair", "freckles", "moles", "lipstick", "eyeshadow", "eyeliner"), only when asked for.
  std::map<std::string, at::Tensor> layers;

  /// A copy with every tensor detached (no autograd history).
  TextureSet detached() const;
};

/// Free per-texel detail on top of the parametric textures, in the same UDIM layout, possibly at
/// a lower resolution (upsampled bilinearly to the texture resolution). Undefined tensors mean
/// none. The albedo residual is added to linear albedo (then clamped to [0, 1]); the normal
/// residual is added to the tangent-space normal before renormalising.
struct Residuals {
  at::Tensor albedo;  ///< [8, R, R, 3] float32
  at::Tensor normal;  ///< [8, R, R, 3] float32

  /// Zero residuals at resolution R (the default choice is half the texture resolution).
  static Residuals zeros(int resolution, bool requires_grad = false);
  bool empty() const { return !albedo.defined() && !normal.defined(); }
  /// InputError naming the field if a defined tensor is not [8, R, R, 3] float32 or not finite.
  void validate(const std::string& source = "residuals") const;
};

/// Weights of residual_regularizer.
struct ResidualWeights {
  double l2 = 1.0;          ///< mean squared value
  double smoothness = 1.0;  ///< mean squared difference between horizontal and vertical neighbours
  double normal = 1.0;      ///< factor on the normal residual's terms
};

/// L2 + smoothness regularizer of the residuals (a scalar tensor, differentiable; zero if empty).
at::Tensor residual_regularizer(const Residuals& residuals, const ResidualWeights& weights = {});

/// How write_textures names and encodes files.
struct TextureWriteOptions {
  std::string stem = "head";   ///< files STEM_albedo.1001.png (UDIM number 1001 + tile)
  bool exr_albedo = false;     ///< also write linear half-float EXR albedo (STEM_albedo.1001.exr)
  int bits = 8;                ///< PNG bit depth (8 or 16)
  const AppearanceModel* model = nullptr;  ///< if set, texels outside the UV islands are refilled first
};

/// Files written per tile, relative to the folder.
struct TextureFiles {
  std::map<int, std::string> albedo, normal, roughness, albedo_exr;
};

/// Writes the tiles' albedo (sRGB PNG, optionally linear EXR), normal (tangent space encoded
/// (n + 1) / 2, linear PNG) and roughness (linear grey PNG). Atomic writes; InputError naming
/// the file on failure.
TextureFiles write_textures(const std::filesystem::path& folder, const TextureSet& textures, const std::vector<int>& tiles,
                            const TextureWriteOptions& options = {});

/// The UDIM number of a tile (1001 + tile).
inline int udim(int tile) { return 1001 + tile; }

}  // namespace likeness::appearance
