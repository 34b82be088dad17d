#include "app/cli/face_output.h"

#include <ATen/ATen.h>

#include "engine/appearance/appearance_model.h"
#include "engine/appearance/parameters.h"
#include "engine/appearance/texture_set.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/export/obj_export.h"
#include "engine/face/face_model.h"
#include "engine/face/measurements.h"
#include "engine/face/population.h"
#include "engine/guidance/context.h"
#include "engine/optim/pipeline.h"
#include "engine/raster/shading.h"
#include "engine/state/face_state.h"

namespace likeness::cli {

namespace fs = std::filesystem;

fs::path state_file_of(const fs::path& path) {
  if (fs::is_directory(path)) return path / "state.safetensors";
  return path;
}

namespace {

nlohmann::json terms_json(const std::vector<guidance::Term>& terms) {
  nlohmann::json out = nlohmann::json::object();
  for (const guidance::Term& t : terms) out[t.name] = out.contains(t.name) ? out[t.name].get<double>() + t.value : t.value;
  return out;
}

nlohmann::json targets_json(const optim::Pipeline& pipeline, const optim::Outcome& outcome) {
  const guidance::CurrentFace face = pipeline.describe(outcome.state);
  const guidance::ResolvedTargets& t = outcome.understanding.targets;
  const face::Population& population = *pipeline.resources().population;
  nlohmann::json m = nlohmann::json::array();
  for (const auto& r : t.measurements) {
    const double achieved = face.measurements.at(r.id);
    m.push_back({{"id", r.id}, {"phrase", r.phrase}, {"target", r.target}, {"target_percentile", r.percentile},
                 {"achieved", achieved}, {"achieved_percentile", population.percentile_of(r.id, achieved)},
                 {"error_sd", (achieved - r.target) / r.sd}});
  }
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : t.appearance) a.push_back({{"id", r.id}, {"phrase", r.phrase}, {"target", r.value}, {"achieved", face.appearance.at(r.id)}});
  nlohmann::json e = nlohmann::json::array();
  for (const auto& r : t.expressions)
    e.push_back({{"name", r.name}, {"phrase", r.phrase}, {"target", r.value}, {"achieved", face.expressions.at(r.name)}});
  return {{"measurements", m}, {"appearance", a}, {"expressions", e}};
}

}  // namespace

nlohmann::json face_report(const optim::Pipeline& pipeline, const optim::Outcome& outcome, const std::string& command) {
  const optim::SessionResult& s = outcome.session;
  return {{"command", command},
          {"text", outcome.understanding.parsed.text},
          {"understood", text::to_json(outcome.understanding.parsed)},
          {"targets", targets_json(pipeline, outcome)},
          {"optimization", {{"steps", s.steps_run}, {"best_step", s.best_step}, {"loss", s.loss}, {"seconds", s.seconds},
                            {"terms", terms_json(s.terms)}}},
          {"seed", outcome.state.seed},
          {"texture_resolution", outcome.state.texture_resolution}};
}

nlohmann::json write_face_folder(const fs::path& folder, const optim::Pipeline& pipeline, const optim::Outcome& outcome,
                                 const FaceFolderOptions& options, const std::string& command) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw InputError("cannot create the output folder " + folder.string() + ": " + ec.message());
  const state::FaceState& state = outcome.state;
  const guidance::Resources& res = pipeline.resources();
  nlohmann::json files = nlohmann::json::object();

  const fs::path state_path = folder / "state.safetensors";
  state::save_state(state_path.string(), state);
  files["state"] = state_path.string();

  // Mesh and textures.
  at::Tensor vertices = pipeline.vertices(state);
  at::Tensor normals = res.model->vertex_normals(vertices);
  exporter::ObjExportOptions obj_options;
  obj_options.comment = "likeness " + command + ": " + outcome.understanding.parsed.text;
  nlohmann::json texture_files = nlohmann::json::object();
  if (options.textures) {
    auto model = appearance::AppearanceModel::get(state.texture_resolution, state.seed);
    appearance::AppearanceParams params =
        appearance::AppearanceParams::from_tensor(res.schema, optim::appearance_from_state(*res.schema, state));
    appearance::TextureSet set = model->generate(params, {state.albedo_residual, state.normal_residual});
    appearance::TextureFiles written =
        appearance::write_textures(folder, set, model->textured_tiles(), {"head", options.exr, 8, model.get()});
    for (const face::Material& m : res.model->topology().materials) {
      auto it = written.albedo.find(m.tile);
      if (m.kind == face::MaterialKind::Transparent || it == written.albedo.end()) continue;
      obj_options.maps[m.name] = {written.albedo.at(m.tile), written.normal.at(m.tile), written.roughness.at(m.tile)};
    }
    for (int tile : model->textured_tiles())
      texture_files[std::to_string(appearance::udim(tile))] = {
          {"albedo", written.albedo.at(tile)}, {"normal", written.normal.at(tile)}, {"roughness", written.roughness.at(tile)}};
  }
  files["obj"] = exporter::write_obj(folder, "head", res.model->topology(), vertices, normals, obj_options).string();
  files["mtl"] = (folder / "head.mtl").string();
  files["textures"] = texture_files;

  if (options.preview_size > 0) {
    at::Tensor views = pipeline.preview(state, options.preview_size);  // [3, S, S, 3]
    at::Tensor sheet = at::cat({views[0], views[1], views[2]}, 1).unsqueeze(0);
    const fs::path preview = folder / "preview.png";
    raster::save_image(preview, sheet, raster::RowOrder::TopFirst);
    files["preview"] = preview.string();
  }

  nlohmann::json report = face_report(pipeline, outcome, command);
  report["files"] = files;
  const fs::path report_path = folder / "understanding.json";
  save_json_file(report_path, report);
  report["files"]["report"] = report_path.string();
  return report;
}

}  // namespace likeness::cli
