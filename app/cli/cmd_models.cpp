// likeness models: validate neural weights (CLIP, Stable Diffusion, ControlNet) and register them.
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "app/cli/cli.h"
#include "engine/core/error.h"
#include "engine/core/strings.h"
#include "engine/neural/model_registry.h"
#include "engine/neural/weights_report.h"

namespace likeness::cli {
namespace {

namespace fs = std::filesystem;
using neural::ModelRegistry;
using neural::RegisteredModel;
using neural::WeightsReport;

void print_report(const WeightsReport& report, std::ostream& out) {
  out << "Weights: " << report.path.string() << " (" << report.layout << ", " << report.family << ")\n";
  for (const auto& p : report.pieces)
    out << "  " << std::left << std::setw(17) << p.name << (p.ok ? "ok      " : "INVALID ") << p.detail << "\n";
  for (const auto& p : report.problems) out << "  problem: " << p << "\n";
  out << "Features: " << (report.features.empty() ? "none" : join(report.features, ", ")) << "\n";
}

nlohmann::json model_json(const RegisteredModel& m) {
  return {{"name", m.name},     {"path", m.path},         {"layout", m.layout},           {"family", m.family},
          {"pieces", m.pieces}, {"features", m.features}, {"added", m.added}, {"present", fs::exists(m.path)}};
}

int run_add(const Args& args, Output& out) {
  const fs::path dir = args.positional(0, "DIR (a weights folder, a .safetensors checkpoint or a CLIP .pt archive)");
  if (args.positional().size() > 1) throw UsageError("'models add' takes one DIR, got " + std::to_string(args.positional().size()));
  const WeightsReport report = neural::inspect_weights(dir);
  if (!out.json) print_report(report, *out.out);
  if (!report.ok()) {
    if (out.json) print_json(out, report.to_json());
    throw InputError(dir.string() + ": not registered:\n" + report.errors());
  }
  ModelRegistry registry = ModelRegistry::load();
  const RegisteredModel model = RegisteredModel::from_report(report, args.get("name"));
  registry.add(model);
  registry.save();
  if (out.json) {
    nlohmann::json j = report.to_json();
    j["registered"] = model_json(model);
    j["registry"] = registry.file().string();
    print_json(out, j);
  } else {
    *out.out << "Registered as '" << model.name << "' in " << registry.file().string() << "\n";
  }
  return 0;
}

int run_list(const Args& args, Output& out) {
  if (!args.positional().empty())
    throw UsageError("unknown 'models' subcommand '" + args.positional()[0] + "' (add, list, remove)");
  const ModelRegistry registry = ModelRegistry::load();
  if (out.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& m : registry.models()) list.push_back(model_json(m));
    print_json(out, {{"registry", registry.file().string()}, {"models", list}});
    return 0;
  }
  if (registry.models().empty()) {
    *out.out << "No models registered (" << registry.file().string() << "). Add one with 'likeness models add DIR'.\n";
    return 0;
  }
  for (const auto& m : registry.models()) {
    *out.out << m.name << "  " << m.family << ", " << m.layout << (fs::exists(m.path) ? "" : "  (MISSING)") << "\n"
             << "    " << m.path << "\n"
             << "    pieces: " << join(m.pieces, ", ") << "\n"
             << "    features: " << (m.features.empty() ? "none" : join(m.features, ", ")) << "\n";
  }
  return 0;
}

int run_remove(const Args& args, Output& out) {
  const std::string name = args.positional(0, "NAME (see 'likeness models list')");
  ModelRegistry registry = ModelRegistry::load();
  if (!registry.remove(name)) {
    std::vector<std::string> names;
    for (const auto& m : registry.models()) names.push_back(m.name);
    auto near = closest_words(name, names, 1);
    throw InputError("no model named '" + name + "'" + (near.empty() ? "" : " (did you mean '" + near[0] + "'?)"));
  }
  registry.save();
  if (out.json)
    print_json(out, {{"removed", name}});
  else
    *out.out << "Removed '" << name << "' (the weights themselves are untouched)\n";
  return 0;
}

const char* kAddHelp =
    "Checks a weights folder before use: which pieces exist (unet, vae, text_encoder, tokenizer, "
    "scheduler, image_encoder, controlnet; or a single-file checkpoint; or an OpenAI CLIP .pt), that "
    "every tensor has the shape its config.json implies, that the pieces fit together, and which "
    "features they unlock (sds, controlnet, instruct_pix2pix, clip_guidance, attention_masks, "
    "v_prediction). Valid weights are recorded in the user config folder's models.json; invalid "
    "ones are reported piece by piece (exit 3).";

LIKENESS_COMMAND({"models", "", "List the registered neural weights (same as 'models list')", "",
                  {{"json", "", "print JSON", ""}}, run_list});
LIKENESS_COMMAND({"models list", "", "List the registered neural weights", "", {{"json", "", "print JSON", ""}}, run_list});
LIKENESS_COMMAND({"models add", "DIR", "Validate a weights folder or checkpoint and register it", kAddHelp,
                  {{"name", "NAME", "name to register it under", "the folder or file name"}, {"json", "", "print JSON", ""}},
                  run_add});
LIKENESS_COMMAND({"models remove", "NAME", "Forget a registered model (its files stay)", "",
                  {{"json", "", "print JSON", ""}}, run_remove});

}  // namespace
}  // namespace likeness::cli
