// Inspecting weights folders and files: pieces, shape checks, cross-piece consistency, features.
#include "engine/neural/weights_report.h"

#include <functional>
#include <sstream>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/strings.h"
#include "engine/neural/checkpoint_keys.h"
#include "engine/neural/clip.h"
#include "engine/neural/detail/resolve.h"
#include "engine/neural/model_source.h"

namespace likeness::neural {

namespace fs = std::filesystem;

bool WeightsReport::ok() const {
  if (pieces.empty() || !problems.empty()) return false;
  for (const auto& p : pieces)
    if (!p.ok) return false;
  return true;
}

std::string WeightsReport::errors() const {
  std::vector<std::string> lines;
  if (pieces.empty()) lines.push_back(path.string() + ": no neural weights found (" + layout + ")");
  for (const auto& p : pieces)
    if (!p.ok) lines.push_back(p.name + ": " + p.detail);
  for (const auto& p : problems) lines.push_back(p);
  return join(lines, "\n");
}

nlohmann::json WeightsReport::to_json() const {
  nlohmann::json pieces_json = nlohmann::json::array();
  for (const auto& p : pieces) pieces_json.push_back({{"name", p.name}, {"path", p.path}, {"ok", p.ok}, {"detail", p.detail}});
  return {{"path", path.string()}, {"layout", layout},     {"family", family},     {"ok", ok()},
          {"pieces", pieces_json}, {"problems", problems}, {"features", features}};
}

namespace {

std::int64_t count(const ShapeMap& shapes) {
  std::int64_t n = 0;
  for (const auto& [name, shape] : shapes) {
    std::int64_t e = 1;
    for (auto d : shape) e *= d;
    n += e;
  }
  return n;
}

std::string thousands(std::int64_t n) {
  std::string s = std::to_string(n), out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

// What was found for each component, for the consistency checks and features.
struct Found {
  std::optional<UNetConfig> unet;
  std::optional<VaeConfig> vae;
  std::optional<ClipTextConfig> text;
  bool text_projection = false;
  std::optional<ClipVisionConfig> vision;
  bool vision_projection = false;
  std::optional<ControlNetConfig> controlnet;
  bool torchscript_clip = false;
  bool tokenizer = false;
  FamilyGuess family;
};

// Runs one piece's check; errors become the piece's detail.
void check_piece(WeightsReport& report, const std::string& name, const std::string& path,
                 const std::function<std::string()>& check) {
  WeightsPiece piece{name, path, true, ""};
  try {
    piece.detail = check();
  } catch (const Error& e) {
    piece.ok = false;
    piece.detail = e.what();
  }
  report.pieces.push_back(piece);
}

template <typename Config>
std::string check_shapes(const detail::Resolved<Config>& r, const ShapeMap& expected, const std::set<std::string>& ignorable,
                         const char* what) {
  const WeightsMismatch m = compare_shapes(expected, r.weights.shapes(), ignorable);
  if (!m.empty()) {
    std::string message = std::string(what) + " (" + r.weights.sources() + "): " + m.describe();
    const FamilyGuess family = detect_family(r.weights.shapes());
    if (family.family != ModelFamily::Unknown) message += " (the weights look like " + std::string(family_name(family.family)) + ")";
    throw InputError(message);
  }
  const std::set<std::string> dtypes = r.weights.dtypes();
  return thousands(count(expected)) + " parameters, " + join(std::vector<std::string>(dtypes.begin(), dtypes.end()), "/");
}

void inspect_components(WeightsReport& report, Found& found, const fs::path& source, bool single_file, const TensorMap* all) {
  const ModelOptions options;
  auto present = [&](Component c) {
    if (!single_file) return find_component(source, c).has_value();
    switch (c) {
      case Component::UNet: return all->has_prefix(kOriginalUNetPrefix);
      case Component::Vae: return all->has_prefix(kOriginalVaePrefix) || all->has_prefix("encoder.down.");
      case Component::TextEncoder: return all->has_prefix(kOriginalTextPrefix) || all->has_prefix("cond_stage_model.model.");
      case Component::ControlNet: return all->has_prefix(kOriginalControlPrefix);
      case Component::ImageEncoder: return false;
    }
    return false;
  };
  auto safe_present = [&](Component c) {
    try {
      return present(c);
    } catch (const Error& e) {
      report.pieces.push_back({component_name(c), source.string(), false, e.what()});
      return false;
    }
  };
  if (safe_present(Component::UNet))
    check_piece(report, "unet", source.string(), [&] {
      auto r = detail::resolve_unet(source, options);
      std::string d = check_shapes(r, detail::unet_shapes(r.config), {}, "UNet");
      found.unet = r.config;
      return d + ", " + std::to_string(r.config.in_channels) + " input channels, cross-attention " +
             std::to_string(r.config.cross_attention_dim[0]) + ", " + prediction_type_name(r.config.prediction_type);
    });
  if (safe_present(Component::Vae))
    check_piece(report, "vae", source.string(), [&] {
      auto r = detail::resolve_vae(source, options);
      std::string d = check_shapes(r, detail::vae_shapes(r.config), {}, "VAE");
      found.vae = r.config;
      return d + ", " + std::to_string(r.config.latent_channels) + " latent channels";
    });
  if (safe_present(Component::TextEncoder))
    check_piece(report, "text_encoder", source.string(), [&] {
      auto r = detail::resolve_clip_text(source, options);
      const bool projection = r.weights.contains("text_projection.weight");
      std::string d = check_shapes(r, detail::clip_text_shapes(r.config, projection), detail::clip_text_ignorable(), "CLIP text model");
      found.text = r.config;
      found.text_projection = projection;
      return d + ", hidden " + std::to_string(r.config.hidden_size) + (projection ? ", with projection" : "");
    });
  if (safe_present(Component::ImageEncoder))
    check_piece(report, "image_encoder", source.string(), [&] {
      auto r = detail::resolve_clip_vision(source, options);
      const bool projection = r.weights.contains("visual_projection.weight");
      std::string d =
          check_shapes(r, detail::clip_vision_shapes(r.config, projection), detail::clip_vision_ignorable(), "CLIP vision model");
      found.vision = r.config;
      found.vision_projection = projection;
      return d + ", image " + std::to_string(r.config.image_size) + (projection ? ", with projection" : "");
    });
  if (safe_present(Component::ControlNet))
    check_piece(report, "controlnet", source.string(), [&] {
      auto r = detail::resolve_controlnet(source, options);
      std::string d = check_shapes(r, detail::controlnet_shapes(r.config), {}, "ControlNet");
      found.controlnet = r.config;
      return d + ", " + std::to_string(r.config.conditioning_channels) + " condition channels";
    });
}

void check_consistency(WeightsReport& report, const Found& f) {
  if (f.unet && f.text && f.unet->cross_attention_dim[0] != f.text->hidden_size)
    report.problems.push_back("the UNet attends to " + std::to_string(f.unet->cross_attention_dim[0]) +
                              "-wide text embeddings but the text encoder gives " + std::to_string(f.text->hidden_size));
  if (f.unet && f.vae && f.unet->in_channels != f.vae->latent_channels && f.unet->in_channels != 2 * f.vae->latent_channels)
    report.problems.push_back("the UNet takes " + std::to_string(f.unet->in_channels) + " channels but the VAE's latents have " +
                              std::to_string(f.vae->latent_channels));
  if (f.unet && f.controlnet &&
      (f.unet->block_out_channels != f.controlnet->unet.block_out_channels ||
       f.unet->layers_per_block != f.controlnet->unet.layers_per_block ||
       f.unet->cross_attention_dim != f.controlnet->unet.cross_attention_dim))
    report.problems.push_back("the ControlNet was not built for this UNet (block widths, depths or cross-attention differ)");
  if (f.text && f.vision && f.text_projection && f.vision_projection && f.text->projection_dim != f.vision->projection_dim)
    report.problems.push_back("the CLIP towers project to different widths (" + std::to_string(f.text->projection_dim) + " and " +
                              std::to_string(f.vision->projection_dim) + ")");
}

void add_features(WeightsReport& report, const Found& f) {
  auto add = [&](const char* id) { report.features.push_back(id); };
  if (f.text) add("text_embeddings");
  const bool diffusion = f.unet && f.vae && f.text;
  if (diffusion && f.unet->in_channels == f.vae->latent_channels) add("sds");
  if (diffusion && f.controlnet && f.unet->in_channels == f.vae->latent_channels) add("controlnet");
  if (diffusion && f.unet->in_channels == 2 * f.vae->latent_channels) add("instruct_pix2pix");
  if (f.unet) add("attention_masks");
  if (f.unet && f.unet->prediction_type == PredictionType::VPrediction) add("v_prediction");
  if ((f.text && f.vision && f.text_projection && f.vision_projection) || f.torchscript_clip) add("clip_guidance");
}

}  // namespace

WeightsReport inspect_weights(const fs::path& path) {
  if (!fs::exists(path)) throw InputError(at_file(path.string(), "no such file or folder"));
  WeightsReport report;
  report.path = path;
  Found found;
  if (fs::is_directory(path)) {
    const bool pipeline = fs::is_regular_file(path / "model_index.json");
    nlohmann::json config;
    if (fs::is_regular_file(path / "config.json")) {
      try {
        config = load_json_file(path / "config.json");
      } catch (const Error& e) {
        report.pieces.push_back({"config", (path / "config.json").string(), false, e.what()});
      }
    }
    const auto described = components_of_config(config);
    report.layout = pipeline ? "diffusers pipeline"
                    : described.count(Component::TextEncoder) && described.count(Component::ImageEncoder) ? "CLIP folder"
                    : !described.empty()                                                                  ? "component folder"
                                                                                                          : "folder";
    if (pipeline) {
      check_piece(report, "model_index", (path / "model_index.json").string(), [&] {
        const Json index = load_json_file(path / "model_index.json");
        const std::string cls = index.value("_class_name", std::string("?"));
        if (cls.find("XL") != std::string::npos || cls.find("StableDiffusion3") != std::string::npos)
          throw InputError((path / "model_index.json").string() + ": a " + cls + "; Likeness's modules are SD 1.x/2.x");
        return cls;
      });
    }
    inspect_components(report, found, path, false, nullptr);
    if (fs::is_directory(path / "scheduler"))
      check_piece(report, "scheduler", (path / "scheduler").string(), [&] {
        const ScheduleConfig s = find_schedule_config(path);
        return std::string(prediction_type_name(s.prediction_type)) + ", " + s.beta_schedule + " betas over " +
               std::to_string(s.num_train_timesteps) + " steps";
      });
    if (auto tokenizer = find_tokenizer(path)) {
      found.tokenizer = true;
      report.pieces.push_back({"tokenizer", tokenizer->string(), true, "vocab.json and merges.txt"});
    }
  } else if (to_lower_ascii(path.extension().string()) == ".pt") {
    report.layout = "TorchScript CLIP";
    check_piece(report, "clip_torchscript", path.string(), [&] {
      const ClipTorchScript clip = ClipTorchScript::load(path);
      found.torchscript_clip = true;
      return "input resolution " + std::to_string(clip.input_resolution());
    });
  } else {
    report.layout = "single-file checkpoint";
    try {
      const TensorMap all = TensorMap::open(path);
      found.family = detect_family(all.shapes());
      inspect_components(report, found, path, true, &all);
      if (report.pieces.empty())
        report.problems.push_back(path.string() + ": no SD component in this file (it holds " +
                                  [&] {
                                    std::set<std::string> tops;
                                    for (const auto& n : all.names()) tops.insert(n.substr(0, n.find('.')));
                                    return join(std::vector<std::string>(tops.begin(), tops.end()), ", ");
                                  }() +
                                  ")");
    } catch (const Error& e) {
      report.problems.push_back(e.what());
    }
  }
  if (found.unet)
    report.family = found.unet->cross_attention_dim[0] == 768 ? "SD 1.x" : found.unet->cross_attention_dim[0] == 1024 ? "SD 2.x" : "SD-like";
  else if (found.family.family != ModelFamily::Unknown)
    report.family = family_name(found.family.family);
  else if (found.text || found.vision || found.torchscript_clip)
    report.family = "CLIP";
  else
    report.family = "unknown";
  check_consistency(report, found);
  add_features(report, found);
  return report;
}

}  // namespace likeness::neural
