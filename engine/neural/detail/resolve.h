#pragma once
// Internal: each component's config and diffusers-named weights found from a folder or a
// single-file checkpoint, without loading any weight data; the loaders and the weights report
// share these.
#include <filesystem>
#include <set>
#include <string>

#include "engine/neural/configs.h"
#include "engine/neural/options.h"
#include "engine/neural/weights.h"

namespace likeness::neural::detail {

template <typename Config>
struct Resolved {
  Config config;
  TensorMap weights;
  std::string source;  ///< the folder or file
};

Resolved<UNetConfig> resolve_unet(const std::filesystem::path& source, const ModelOptions& options);
Resolved<VaeConfig> resolve_vae(const std::filesystem::path& source, const ModelOptions& options);
Resolved<ClipTextConfig> resolve_clip_text(const std::filesystem::path& source, const ModelOptions& options);
Resolved<ClipVisionConfig> resolve_clip_vision(const std::filesystem::path& source, const ModelOptions& options);
Resolved<ControlNetConfig> resolve_controlnet(const std::filesystem::path& source, const ModelOptions& options);

/// What a module of each config expects, by name, and the names its weights may carry besides.
ShapeMap unet_shapes(const UNetConfig& config);
ShapeMap vae_shapes(const VaeConfig& config);
ShapeMap clip_text_shapes(const ClipTextConfig& config, bool projection);
ShapeMap clip_vision_shapes(const ClipVisionConfig& config, bool projection);
ShapeMap controlnet_shapes(const ControlNetConfig& config);
const std::set<std::string>& clip_text_ignorable();
const std::set<std::string>& clip_vision_ignorable();

}  // namespace likeness::neural::detail
