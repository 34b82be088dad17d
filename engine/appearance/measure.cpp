#include "engine/appearance/measure.h"

#include <ATen/ATen.h>

#include "engine/appearance/appearance_model.h"
#include "engine/core/error.h"

namespace likeness::appearance {

at::Tensor texel_luminance(const at::Tensor& albedo) {
  if (!albedo.defined() || albedo.dim() < 1 || albedo.size(-1) != 3) throw InputError("texel_luminance: expected [..., 3] RGB");
  return albedo.select(-1, 0) * 0.2126 + albedo.select(-1, 1) * 0.7152 + albedo.select(-1, 2) * 0.0722;
}

at::Tensor weighted_mean(const at::Tensor& texture, const at::Tensor& weights) {
  if (!texture.defined() || !weights.defined() || texture.dim() != 4 || weights.dim() != 3 ||
      texture.sizes().slice(0, 3) != weights.sizes())
    throw InputError("weighted_mean: expected a texture [8, R, R, C] and weights [8, R, R] of the same resolution");
  at::Tensor w = weights.to(texture.scalar_type());
  at::Tensor total = w.sum();
  if (total.item<double>() <= 0.0) throw InputError("weighted_mean: the region is empty at this resolution");
  return (texture * w.unsqueeze(-1)).sum({0, 1, 2}) / total;
}

at::Tensor region_mean_albedo(const TextureSet& textures, const AppearanceModel& model, const std::string& region) {
  return weighted_mean(textures.albedo, model.region_weights(region));
}

at::Tensor region_mean_luminance(const TextureSet& textures, const AppearanceModel& model, const std::string& region) {
  return texel_luminance(region_mean_albedo(textures, model, region));
}

at::Tensor layer_coverage(const TextureSet& textures, const AppearanceModel& model, const std::string& layer,
                          const std::string& region) {
  auto it = textures.layers.find(layer);
  if (it == textures.layers.end())
    throw InputError("layer_coverage: no layer '" + layer + "' in the textures (generate with layers, names: brows, beard, "
                     "moustache, stubble, scalp_hair, freckles, moles, lipstick, eyeshadow, eyeliner)");
  return weighted_mean(it->second.unsqueeze(-1), model.region_weights(region)).squeeze(-1);
}

}  // namespace likeness::appearance
