#include "engine/neural/model_source.h"

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/strings.h"

namespace likeness::neural {

namespace fs = std::filesystem;

const char* component_name(Component component) {
  switch (component) {
    case Component::UNet: return "unet";
    case Component::Vae: return "vae";
    case Component::TextEncoder: return "text_encoder";
    case Component::ImageEncoder: return "image_encoder";
    case Component::ControlNet: return "controlnet";
  }
  return "?";
}

std::set<Component> components_of_config(const nlohmann::json& j) {
  std::set<Component> out;
  if (!j.is_object()) return out;
  const std::string cls = j.value("_class_name", std::string());
  if (cls == "UNet2DConditionModel") out.insert(Component::UNet);
  if (cls == "AutoencoderKL") out.insert(Component::Vae);
  if (cls == "ControlNetModel") out.insert(Component::ControlNet);
  const std::string type = j.contains("model_type") && j.at("model_type").is_string() ? j.at("model_type").get<std::string>() : "";
  if (type == "clip_text_model") out.insert(Component::TextEncoder);
  if (type == "clip_vision_model") out.insert(Component::ImageEncoder);
  if (type == "clip") {
    out.insert(Component::TextEncoder);
    out.insert(Component::ImageEncoder);
  }
  if (j.contains("architectures") && j.at("architectures").is_array())
    for (const auto& a : j.at("architectures")) {
      if (!a.is_string()) continue;
      const std::string name = a.get<std::string>();
      if (name == "CLIPTextModel" || name == "CLIPTextModelWithProjection") out.insert(Component::TextEncoder);
      if (name == "CLIPVisionModel" || name == "CLIPVisionModelWithProjection") out.insert(Component::ImageEncoder);
      if (name == "CLIPModel") {
        out.insert(Component::TextEncoder);
        out.insert(Component::ImageEncoder);
      }
    }
  return out;
}

namespace {

std::string describe(const std::set<Component>& components) {
  if (components.empty()) return "nothing Likeness knows";
  std::vector<std::string> names;
  for (Component c : components) names.push_back(component_name(c));
  return join(names, " and ");
}

fs::path weights_in(const fs::path& folder) {
  static const char* candidates[] = {
      "diffusion_pytorch_model.safetensors",      "diffusion_pytorch_model.safetensors.index.json",
      "model.safetensors",                        "model.safetensors.index.json",
      "diffusion_pytorch_model.fp16.safetensors", "diffusion_pytorch_model.fp16.safetensors.index.json",
      "model.fp16.safetensors",                   "model.fp16.safetensors.index.json"};
  for (const char* c : candidates)
    if (fs::is_regular_file(folder / c)) return folder / c;
  std::vector<std::string> pickles;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".bin" || ext == ".ckpt" || ext == ".pt" || ext == ".pth") pickles.push_back(entry.path().filename().string());
  }
  if (!pickles.empty())
    throw InputError(at_file(folder.string(), "only PyTorch pickle weights (" + join(pickles, ", ") +
                                                  "); Likeness reads safetensors: re-save them with safe_serialization"));
  throw InputError(at_file(folder.string(), "config.json has no weights beside it (looked for "
                                            "diffusion_pytorch_model.safetensors, model.safetensors, their .fp16 and "
                                            "sharded .index.json forms)"));
}

std::optional<ComponentFiles> try_folder(const fs::path& folder, Component component, bool must_match) {
  const fs::path config = folder / "config.json";
  if (!fs::is_regular_file(config)) return std::nullopt;
  const std::set<Component> described = components_of_config(load_json_file(config));
  if (!described.count(component)) {
    if (must_match)
      throw InputError(at_file(config.string(), std::string("describes ") + describe(described) + ", not a " +
                                                    component_name(component)));
    return std::nullopt;
  }
  return ComponentFiles{config, weights_in(folder)};
}

}  // namespace

std::optional<ComponentFiles> find_component(const fs::path& folder, Component component) {
  if (!fs::is_directory(folder)) throw InputError(at_file(folder.string(), "no such folder"));
  if (auto here = try_folder(folder, component, false)) return here;
  const fs::path sub = folder / component_name(component);
  if (fs::is_directory(sub)) return try_folder(sub, component, true);
  return std::nullopt;
}

ScheduleConfig find_schedule_config(const fs::path& path) {
  if (!fs::is_directory(path)) return {};
  for (const fs::path& candidate : {path / "scheduler" / "scheduler_config.json", path / ".." / "scheduler" / "scheduler_config.json"}) {
    if (fs::is_regular_file(candidate)) {
      const fs::path clean = candidate.lexically_normal();
      return ScheduleConfig::from_json(load_json_file(clean), clean.string());
    }
  }
  return {};
}

bool is_single_file(const fs::path& path) { return fs::is_regular_file(path); }

std::optional<fs::path> find_tokenizer(const fs::path& folder) {
  for (const fs::path& dir : {folder, folder / "tokenizer"})
    if (fs::is_regular_file(dir / "vocab.json") && fs::is_regular_file(dir / "merges.txt")) return dir;
  return std::nullopt;
}

}  // namespace likeness::neural
