#pragma once
// Measuring appearance on textures, for the built-in guidance ("the lips' mean albedo", "beard
// coverage", "skin luminance"): differentiable reductions over region weights.
#include <ATen/core/Tensor.h>

#include <string>

#include "engine/appearance/texture_set.h"

namespace likeness::appearance {

class AppearanceModel;

/// Rec. 709 luminance of linear RGB [..., 3] -> [...].
at::Tensor texel_luminance(const at::Tensor& albedo);

/// Weighted mean of a texture [8, R, R, C] under weights [8, R, R] -> [C]. Differentiable.
/// InputError if the shapes disagree or the weights sum to zero.
at::Tensor weighted_mean(const at::Tensor& texture, const at::Tensor& weights);

/// Mean linear albedo [3] of a region (AppearanceModel::region_weights names).
at::Tensor region_mean_albedo(const TextureSet& textures, const AppearanceModel& model, const std::string& region);

/// Mean albedo luminance (a scalar tensor) of a region.
at::Tensor region_mean_luminance(const TextureSet& textures, const AppearanceModel& model, const std::string& region);

/// Mean coverage (a scalar tensor, 0..1) of a generated layer over a region: e.g.
/// ("beard", "beard") is the share of the beard zone covered by beard hair. Needs textures
/// generated with layers; InputError naming the layer otherwise.
at::Tensor layer_coverage(const TextureSet& textures, const AppearanceModel& model, const std::string& layer,
                          const std::string& region);

}  // namespace likeness::appearance
