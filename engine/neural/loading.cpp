#include "engine/neural/detail/loading.h"

#include <set>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/strings.h"
#include "engine/neural/checkpoint_keys.h"

namespace likeness::neural::detail {

namespace fs = std::filesystem;

TensorMap open_checkpoint(const fs::path& file) {
  const std::string ext = to_lower_ascii(file.extension().string());
  if (ext == ".ckpt" || ext == ".bin" || ext == ".pth")
    throw InputError(at_file(file.string(), "a PyTorch pickle checkpoint; Likeness reads .safetensors checkpoints"));
  TensorMap all = TensorMap::open(file);
  const FamilyGuess guess = detect_family(all.shapes());
  if (guess.family == ModelFamily::StableDiffusionXL || guess.family == ModelFamily::StableDiffusion3 ||
      guess.family == ModelFamily::Flux)
    throw InputError(at_file(file.string(), std::string("a ") + family_name(guess.family) + " checkpoint (found '" +
                                                guess.evidence + "'); Likeness's modules are SD 1.x/2.x"));
  return all;
}

std::optional<std::pair<nlohmann::json, std::string>> config_override(const ModelOptions& options) {
  if (!options.config_file) return std::nullopt;
  const fs::path path = *options.config_file;
  if (!fs::is_regular_file(path)) throw InputError(at_file(path.string(), "no such config file"));
  return std::make_pair(load_json_file(path), path.string());
}

std::string top_level_names(const TensorMap& weights) {
  std::set<std::string> names;
  for (const std::string& n : weights.names()) {
    const auto dot = n.find('.');
    names.insert(dot == std::string::npos ? n : n.substr(0, dot) + ".");
  }
  std::vector<std::string> list(names.begin(), names.end());
  if (list.size() > 8) {
    list.resize(8);
    list.push_back("...");
  }
  return list.empty() ? "(nothing)" : join(list, ", ");
}

ComponentFiles require_component(const fs::path& folder, Component component, const char* config_class) {
  if (auto files = find_component(folder, component)) return *files;
  throw InputError(at_file(folder.string(), std::string("no ") + component_name(component) + " here (looked for config.json " +
                                                "describing a " + config_class + " in the folder and in " +
                                                component_name(component) + "/)"));
}

}  // namespace likeness::neural::detail
