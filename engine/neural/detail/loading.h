#pragma once
// Internal: steps every loader shares (single-file checkpoints, config overrides, messages).
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/neural/model_source.h"
#include "engine/neural/options.h"
#include "engine/neural/weights.h"

namespace likeness::neural::detail {

/// Opens a single-file checkpoint; InputError for SDXL, SD 3 or Flux checkpoints, naming the
/// evidence, and for files that are not safetensors.
TensorMap open_checkpoint(const std::filesystem::path& file);

/// The config.json named by ModelOptions::config_file, with its path; nullopt if none.
std::optional<std::pair<nlohmann::json, std::string>> config_override(const ModelOptions& options);

/// The distinct first name parts in `weights` ("model", "first_stage_model", ...), for messages.
std::string top_level_names(const TensorMap& weights);

/// The component's files in `folder`, or InputError saying what was looked for.
ComponentFiles require_component(const std::filesystem::path& folder, Component component, const char* config_class);

}  // namespace likeness::neural::detail
