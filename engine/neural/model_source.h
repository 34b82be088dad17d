#pragma once
// Where a component's config and weights are in the layouts users hold:
//   - a diffusers pipeline folder: model_index.json, unet/, vae/, text_encoder/, tokenizer/,
//     scheduler/, optionally image_encoder/ and controlnet/;
//   - a component folder: config.json + diffusion_pytorch_model[.fp16].safetensors or
//     model[.fp16].safetensors (or a sharded *.safetensors.index.json);
//   - a CLIP folder: config.json (model_type "clip": both towers) + model.safetensors +
//     vocab.json + merges.txt;
//   - a single-file checkpoint (*.safetensors) with the original key prefixes.
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/neural/configs.h"

namespace likeness::neural {

enum class Component { UNet, Vae, TextEncoder, ImageEncoder, ControlNet };

/// "unet", "vae", "text_encoder", "image_encoder", "controlnet" (also the pipeline subfolder names).
const char* component_name(Component component);

struct ComponentFiles {
  std::filesystem::path config;   ///< config.json
  std::filesystem::path weights;  ///< a .safetensors file or a sharded .safetensors.index.json
};

/// The components a config.json describes (by `_class_name`, `model_type` or `architectures`).
std::set<Component> components_of_config(const nlohmann::json& config);

/// Finds `component` in `folder` (the folder itself, or its subfolder named component_name()).
/// nullopt when absent. InputError naming the folder when a config is there but its weights are
/// not (e.g. only pickled *.bin files, which Likeness does not read) or the config describes
/// another component.
std::optional<ComponentFiles> find_component(const std::filesystem::path& folder, Component component);

/// The noise schedule beside a pipeline component: scheduler/scheduler_config.json in `path` or
/// its parent. SD's default schedule (epsilon) when there is none.
ScheduleConfig find_schedule_config(const std::filesystem::path& path);

/// Whether `path` names a file to read as a single-file checkpoint (rather than a folder).
bool is_single_file(const std::filesystem::path& path);

/// A tokenizer's files (vocab.json and merges.txt) in `folder` or its tokenizer/ subfolder.
std::optional<std::filesystem::path> find_tokenizer(const std::filesystem::path& folder);

}  // namespace likeness::neural
