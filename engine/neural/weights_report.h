#pragma once
// Validating a weights folder or file before anyone loads it: which pieces exist, whether every
// tensor has the shape its config implies and the pieces agree with each other, and which studio
// features they unlock. Reads configs and safetensors headers only, never the weight data.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace likeness::neural {

struct WeightsPiece {
  std::string name;    ///< unet, vae, text_encoder, image_encoder, controlnet, tokenizer, scheduler, clip_torchscript
  std::string path;    ///< the folder or file it was read from
  bool ok = true;      ///< false: `detail` says what is wrong
  std::string detail;  ///< "715,700 parameters, F32, ..." or the error
};

/// Features, by id: text_embeddings, sds, controlnet, instruct_pix2pix, clip_guidance,
/// attention_masks, v_prediction.
struct WeightsReport {
  std::filesystem::path path;
  std::string layout;  ///< diffusers pipeline, component folder, CLIP folder, single-file checkpoint, TorchScript CLIP
  std::string family;  ///< SD 1.x, SD 2.x, ... or unknown
  std::vector<WeightsPiece> pieces;
  std::vector<std::string> problems;  ///< disagreements between pieces
  std::vector<std::string> features;

  /// At least one piece, every piece valid, no problems.
  bool ok() const;
  /// Every problem and invalid piece, one per line.
  std::string errors() const;
  nlohmann::json to_json() const;
};

/// Inspects a folder (pipeline, component or CLIP folder), a single-file .safetensors checkpoint
/// or a TorchScript CLIP archive (.pt). InputError only when `path` does not exist; everything
/// wrong inside is reported in the result.
WeightsReport inspect_weights(const std::filesystem::path& path);

}  // namespace likeness::neural
