// likeness sample: a random identity from the model's prior and a random appearance from the
// appearance prior, exported as OBJ + MTL with albedo, normal and roughness maps per UDIM tile.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>

#include "app/cli/cli.h"
#include "app/cli/measurement_table.h"
#include "engine/appearance/appearance_model.h"
#include "engine/appearance/parameters.h"
#include "engine/appearance/texture_set.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/strings.h"
#include "engine/export/obj_export.h"
#include "engine/face/face_model.h"
#include "engine/face/measurements.h"
#include "engine/face/population.h"

namespace likeness::cli {
namespace {

namespace fs = std::filesystem;

int run_sample(const Args& args, Output& out) {
  const long seed = args.get_int("seed", 0, 0, 1L << 40);
  const double spread = args.get_double("spread", 1.0, 0.0, 3.0);
  const fs::path dir = args.get("out");
  if (dir.empty()) throw UsageError("--out DIR is required");
  const bool textures = !args.flag("no-textures");
  const int resolution = static_cast<int>(args.get_int("resolution", appearance::kDefaultResolution, appearance::kMinResolution,
                                                       appearance::kMaxResolution));
  appearance::Sex sex = appearance::Sex::Any;
  try {
    sex = appearance::parse_sex(args.get("sex", "any"));
  } catch (const InputError& e) {
    throw UsageError(std::string("--sex: ") + e.what());
  }
  auto model = face::FaceModel::load_default();
  auto measurements = face::Measurements::load_default(model);
  auto population = face::Population::load_default();

  auto gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<std::uint64_t>(seed));
  at::Tensor identity = at::randn({model->identity_count()}, gen, at::kFloat) * spread;
  at::Tensor vertices = model->vertices(identity);
  at::Tensor normals = model->vertex_normals(vertices);

  // Appearance: drawn from the prior with the same seed (and the sex it draws, unless given).
  const appearance::Sex drawn_sex = sex == appearance::Sex::Any ? appearance::AppearanceParams::sampled_sex(static_cast<std::uint64_t>(seed)) : sex;
  appearance::AppearanceParams params = appearance::AppearanceParams::sample_prior(static_cast<std::uint64_t>(seed), drawn_sex);
  exporter::ObjExportOptions options;
  options.comment = "random identity and appearance, seed " + std::to_string(seed);
  nlohmann::json texture_files = nlohmann::json::object();
  if (textures) {
    auto app = appearance::AppearanceModel::get(resolution, static_cast<std::uint64_t>(seed));
    appearance::TextureSet set = app->generate(params);
    appearance::TextureFiles files = appearance::write_textures(dir, set, app->textured_tiles(), {"head", args.flag("exr"), 8, app.get()});
    for (const face::Material& m : model->topology().materials) {
      auto it = files.albedo.find(m.tile);
      if (m.kind == face::MaterialKind::Transparent || it == files.albedo.end()) continue;
      options.maps[m.name] = {files.albedo.at(m.tile), files.normal.at(m.tile), files.roughness.at(m.tile)};
    }
    for (int tile : app->textured_tiles())
      texture_files[std::to_string(appearance::udim(tile))] = {
          {"albedo", files.albedo.at(tile)}, {"normal", files.normal.at(tile)}, {"roughness", files.roughness.at(tile)}};
  }
  fs::path obj = exporter::write_obj(dir, "head", model->topology(), vertices, normals, options);

  nlohmann::json rows = measurement_rows(*measurements, *population, measurements->compute(vertices));
  nlohmann::json state = {{"seed", seed}, {"spread", spread},
                          {"identity", std::vector<float>(identity.data_ptr<float>(), identity.data_ptr<float>() + identity.numel())},
                          {"measurements", rows},
                          {"sex", appearance::to_string(drawn_sex)},
                          {"appearance", params.to_json()}};
  if (textures) {
    state["texture_resolution"] = resolution;
    state["textures"] = texture_files;
  }
  save_json_file(dir / "sample.json", state);
  if (out.json) {
    print_json(out, {{"obj", obj.string()}, {"mtl", (dir / "head.mtl").string()}, {"state", (dir / "sample.json").string()},
                     {"seed", seed}, {"measurements", rows}, {"sex", appearance::to_string(drawn_sex)},
                     {"appearance", params.to_json()}, {"textures", texture_files}});
  } else {
    print_measurement_table(*out.out, rows);
    *out.out << "Appearance: " << appearance::to_string(drawn_sex) << ", age " << static_cast<int>(params.get("skin.age"))
             << ", melanin " << format_number(params.get("skin.melanin"), 2) << "\n";
    *out.out << "Head written to " << obj.string() << " (with head.mtl, sample.json"
             << (textures ? " and " + std::to_string(texture_files.size() * 3) + " texture maps" : std::string()) << ")\n";
  }
  return 0;
}

LIKENESS_COMMAND({"sample", "", "Export a random identity and appearance from the model's priors",
                  "Draws identity coefficients from N(0, spread^2) and appearance parameters from the appearance prior "
                  "with the given seed, writes head.obj + head.mtl, the albedo, normal and roughness maps of every "
                  "textured UDIM tile (head_albedo.1001.png ...) that the MTL references, and sample.json "
                  "(coefficients, appearance, measurements) into DIR, and prints the measurements with their "
                  "population percentiles.",
                  {{"seed", "N", "random seed", "0"},
                   {"spread", "S", "standard deviation of the coefficients", "1"},
                   {"sex", "WHO", "appearance sex markers: female, male or any (drawn)", "any"},
                   {"resolution", "N", "texture size per tile (512..4096)", "1024"},
                   {"exr", "", "also write linear EXR albedo maps", ""},
                   {"no-textures", "", "geometry only (no texture maps)", ""},
                   {"out", "DIR", "output folder", ""},
                   {"json", "", "print JSON", ""}},
                  run_sample});

}  // namespace
}  // namespace likeness::cli
