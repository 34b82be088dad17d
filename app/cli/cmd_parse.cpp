// likeness parse "TEXT": what the prompt parser understood (targets, attention, warnings), as a
// table or JSON; with the ICT assets, how much of the head each instruction's attention covers,
// and optionally the attention as per-vertex and UV maps.
#include <ATen/ATen.h>

#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>

#include "app/cli/cli.h"
#include "engine/core/error.h"
#include "engine/core/strings.h"
#include "engine/face/face_model.h"
#include "engine/face/regions.h"
#include "engine/face/uv_bake.h"
#include "engine/io/image_io.h"
#include "engine/io/safetensors.h"
#include "engine/text/prompt_parser.h"

namespace likeness::cli {
namespace {

namespace fs = std::filesystem;

std::map<std::string, float> as_float_map(const text::AttentionMap& m) {
  std::map<std::string, float> out;
  for (const auto& [region, w] : m) out[region] = static_cast<float>(w);
  return out;
}

/// Coverage of an attention map on the head: vertices at or above 0.5 and the mean weight.
nlohmann::json coverage(const face::RegionSet& regions, const text::AttentionMap& attention) {
  const at::Tensor map = regions.vertex_map(as_float_map(attention));
  const long covered = map.ge(0.5).sum().item<long>();
  return {{"vertices", covered},
          {"fraction", static_cast<double>(covered) / static_cast<double>(map.numel())},
          {"mean_weight", map.mean().item<double>()}};
}

/// Writes instruction_N.safetensors (per-vertex map) and instruction_N_tileT.png (UV) per instruction.
nlohmann::json write_maps(const face::FaceModel& model, const face::RegionSet& regions, const text::ParseResult& result,
                          const fs::path& dir, int resolution) {
  fs::create_directories(dir);
  nlohmann::json files = nlohmann::json::array();
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (std::size_t i = 0; i < result.instructions.size(); ++i) {
    const auto weights = as_float_map(result.instructions[i].attention);
    const std::string name = "instruction_" + std::to_string(i);
    tensors.emplace_back(name, regions.vertex_map(weights).contiguous());
    for (int tile : face::used_tiles(model.topology())) {
      at::Tensor uv = weights.empty() ? at::zeros({resolution, resolution}) : regions.uv_map(weights, tile, resolution);
      if (uv.max().item<float>() <= 0.0f) continue;
      uv = uv.contiguous();
      io::Image image{resolution, resolution, 1, {}};
      image.pixels.assign(uv.data_ptr<float>(), uv.data_ptr<float>() + uv.numel());
      const fs::path file = dir / (name + "_tile" + std::to_string(tile) + ".png");
      io::write_image(file, image, {io::ColorEncoding::Linear, 8});
      files.push_back(file.string());
    }
  }
  const fs::path vertex_file = dir / "attention_vertex_maps.safetensors";
  io::save_safetensors(vertex_file, tensors, {{"text", result.text}});
  files.push_back(vertex_file.string());
  return files;
}

std::string read_text(const Args& args) {
  const std::string& text = args.positional(0, "TEXT");
  if (text != "-") return text;
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

int run_parse(const Args& args, Output& out) {
  if (args.positional().size() > 1)
    throw UsageError("parse takes one TEXT argument; quote the prompt (got " + std::to_string(args.positional().size()) + " words)");
  text::ParseOptions options;
  if (args.flag("edit")) options.context = text::ParseOptions::Context::Edit;
  const text::ParseResult result = text::PromptParser::default_parser().parse(read_text(args), options);
  nlohmann::json json = text::to_json(result);

  // Region coverage needs the head model; the parse itself does not.
  std::shared_ptr<const face::FaceModel> model;
  std::shared_ptr<const face::RegionSet> regions;
  std::string regions_note;
  if (!args.flag("no-regions")) {
    try {
      model = face::FaceModel::load_default();
      regions = face::RegionSet::load_default(model);
    } catch (const AssetError& e) {
      regions_note = std::string("region coverage skipped: ") + e.what();
    }
  }
  if (regions) {
    for (std::size_t i = 0; i < result.instructions.size(); ++i)
      json["instructions"][i]["coverage"] = coverage(*regions, result.instructions[i].attention);
  }
  if (args.has("maps")) {
    if (!regions) throw AssetError("--maps needs the ICT head model: " + regions_note);
    const int resolution = static_cast<int>(args.get_int("resolution", 256, 16, 4096));
    json["maps"] = write_maps(*model, *regions, result, args.get("maps"), resolution);
  }

  if (out.json) {
    print_json(out, json);
  } else {
    *out.out << text::to_table(result);
    if (regions) {
      *out.out << "\nCoverage on the head (vertices with attention >= 0.5)\n";
      for (std::size_t i = 0; i < result.instructions.size(); ++i) {
        const auto& c = json["instructions"][i]["coverage"];
        *out.out << "  [" << i << "] " << c["vertices"].get<long>() << " vertices ("
                 << format_number(100.0 * c["fraction"].get<double>(), 1) << "%), mean weight "
                 << format_number(c["mean_weight"].get<double>(), 3) << "\n";
      }
    } else if (!regions_note.empty()) {
      *out.err << regions_note << "\n";
    }
    if (json.contains("maps")) *out.out << "\nAttention maps written: " << json["maps"].size() << " files in " << args.get("maps") << "\n";
  }
  return 0;
}

LIKENESS_COMMAND({"parse", "TEXT", "Show what a description or edit instruction is understood as",
                  "Parses TEXT (\"-\" reads standard input) into measurement targets (population percentiles or "
                  "changes in standard deviations), appearance and expression targets, attention over the semantic "
                  "regions per word and per instruction, and warnings for unknown, unsupported, ambiguous or "
                  "contradictory words. With the ICT assets it also reports how much of the head each instruction "
                  "attends to, and --maps DIR writes the attention as per-vertex maps (safetensors) and UV images.",
                  {{"edit", "", "read every sentence as an edit of the current face", ""},
                   {"maps", "DIR", "write per-instruction attention maps (vertex safetensors, UV PNGs)", ""},
                   {"resolution", "N", "UV map size for --maps", "256"},
                   {"no-regions", "", "skip loading the head model (no coverage)", ""},
                   {"json", "", "print JSON", ""}},
                  run_parse});

}  // namespace
}  // namespace likeness::cli
