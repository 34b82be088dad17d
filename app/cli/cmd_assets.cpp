// likeness assets: where assets are looked for, and packing ICT-FaceKit from its upstream folder.
#include <filesystem>
#include <iostream>

#include "app/cli/cli.h"
#include "engine/core/error.h"
#include "engine/core/paths.h"
#include "engine/face/ict_import.h"

namespace likeness::cli {
namespace {

namespace fs = std::filesystem;

int run_where(const Args&, Output& out) {
  nlohmann::json report = nlohmann::json::array();
  for (const char* asset : {"ict-facekit/ict_facekit_shapes.safetensors", "clip-bpe/bpe_simple_vocab_16e6.txt.gz"}) {
    auto found = find_asset(asset);
    report.push_back({{"asset", asset}, {"found", found ? found->string() : ""}});
  }
  nlohmann::json path = nlohmann::json::array();
  for (const fs::path& p : asset_search_path()) path.push_back(p.string());
  if (out.json) {
    print_json(out, {{"search_path", path}, {"assets", report}, {"resources", resource_dir().string()}});
    return 0;
  }
  *out.out << "Asset search path (first match wins):\n";
  for (const auto& p : path) *out.out << "  " << p.get<std::string>() << (fs::is_directory(p.get<std::string>()) ? "" : "  (absent)") << "\n";
  for (const auto& r : report)
    *out.out << r["asset"].get<std::string>() << ": "
             << (r["found"].get<std::string>().empty() ? "NOT FOUND" : r["found"].get<std::string>()) << "\n";
  *out.out << "Resources: " << resource_dir().string() << "\n";
  bool all = true;
  for (const auto& r : report) all = all && !r["found"].get<std::string>().empty();
  return all ? 0 : static_cast<int>(ExitCode::MissingAsset);
}

int run_import_ict(const Args& args, Output& out) {
  const fs::path source = args.positional(0, "FACEXMODEL_DIR (the FaceXModel folder of ICT-FaceKit)");
  const fs::path target = args.has("out") ? fs::path(args.get("out")) : user_data_dir() / "assets" / "ict-facekit";
  auto report = face::import_ict(source, target, [&](const std::string& step) {
    if (!out.json) *out.err << "  " << step << "\n";
  });
  if (out.json) {
    print_json(out, {{"output", report.output.string()},
                     {"vertices", report.vertices},
                     {"identity_modes", report.identity_modes},
                     {"expressions", report.expressions},
                     {"pupil_shapes", report.pupil_shapes}});
  } else {
    *out.out << "Packed " << report.identity_modes << " identity modes, " << report.expressions << " expressions and "
             << report.pupil_shapes << " pupil shapes of " << report.vertices << " vertices into " << report.output.string()
             << "\n";
  }
  return 0;
}

LIKENESS_COMMAND({"assets", "", "Show the asset search path and which assets were found", "",
                  {{"json", "", "print JSON", ""}}, run_where});
LIKENESS_COMMAND({"assets import-ict", "FACEXMODEL_DIR", "Pack ICT-FaceKit's FaceXModel folder into Likeness's layout",
                  "Reads generic_neutral_mesh.obj, identityNNN.obj, the expression OBJs named in vertex_indices.json "
                  "and PupilDilate_L/R.obj, and writes ict_facekit_shapes.safetensors with the mesh and config files.",
                  {{"out", "DIR", "output folder", "the user data folder's assets/ict-facekit"}, {"json", "", "print JSON", ""}},
                  run_import_ict});

}  // namespace
}  // namespace likeness::cli
