#pragma once
// Test helpers that write weights in other layouts: the original single-file SD key names
// (written here independently of the library's converter), other dtypes, old VAE names.
#include <ATen/core/Tensor.h>
#include <gtest/gtest.h>

#include <functional>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "engine/neural/model.h"

namespace likeness::neural::test {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

/// Every tensor of a safetensors file, in file order.
NamedTensors read_all(const std::filesystem::path& file);

/// diffusers UNet / ControlNet names to the original LDM / ControlNet names, for a model with
/// `layers` resnets per down block, `levels` levels and cross-attention on the up blocks listed in
/// `up_attention`.
std::string unet_to_original(const std::string& name, int layers, const std::vector<bool>& up_attention);
std::string controlnet_to_original(const std::string& name, int layers, int hint_blocks);
/// diffusers VAE names to the original ones (reshaping attention weights to 1x1 convs).
std::pair<std::string, at::Tensor> vae_to_original(const std::string& name, const at::Tensor& t, int levels);

/// Copies a model folder's config.json and writes its weights converted by `convert` (dtype,
/// renames) under `weights_name` in `to`.
void copy_folder(const std::filesystem::path& from, const std::filesystem::path& to, const std::string& weights_name,
                 const std::function<std::pair<std::string, at::Tensor>(const std::string&, const at::Tensor&)>& convert);

/// Whether two models have the same parameter names and bit-identical values.
::testing::AssertionResult same_parameters(const NeuralModel& a, const NeuralModel& b);

}  // namespace likeness::neural::test
