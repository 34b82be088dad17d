// likeness sample: a random identity from the model's prior, exported as OBJ + MTL.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>

#include "app/cli/cli.h"
#include "app/cli/measurement_table.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
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
  auto model = face::FaceModel::load_default();
  auto measurements = face::Measurements::load_default(model);
  auto population = face::Population::load_default();

  auto gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<std::uint64_t>(seed));
  at::Tensor identity = at::randn({model->identity_count()}, gen, at::kFloat) * spread;
  at::Tensor vertices = model->vertices(identity);
  at::Tensor normals = model->vertex_normals(vertices);
  exporter::ObjExportOptions options;
  options.comment = "random identity, seed " + std::to_string(seed);
  fs::path obj = exporter::write_obj(dir, "head", model->topology(), vertices, normals, options);

  nlohmann::json rows = measurement_rows(*measurements, *population, measurements->compute(vertices));
  nlohmann::json state = {{"seed", seed}, {"spread", spread},
                          {"identity", std::vector<float>(identity.data_ptr<float>(), identity.data_ptr<float>() + identity.numel())},
                          {"measurements", rows}};
  save_json_file(dir / "sample.json", state);
  if (out.json) {
    print_json(out, {{"obj", obj.string()}, {"mtl", (dir / "head.mtl").string()}, {"state", (dir / "sample.json").string()},
                     {"seed", seed}, {"measurements", rows}});
  } else {
    print_measurement_table(*out.out, rows);
    *out.out << "Head written to " << obj.string() << " (with head.mtl and sample.json)\n";
  }
  return 0;
}

LIKENESS_COMMAND({"sample", "", "Export a random identity from the model's prior",
                  "Draws identity coefficients from N(0, spread^2) with the given seed, writes head.obj + head.mtl and "
                  "sample.json (coefficients and measurements) into DIR, and prints the measurements with their "
                  "population percentiles.",
                  {{"seed", "N", "random seed", "0"},
                   {"spread", "S", "standard deviation of the coefficients", "1"},
                   {"out", "DIR", "output folder", ""},
                   {"json", "", "print JSON", ""}},
                  run_sample});

}  // namespace
}  // namespace likeness::cli
