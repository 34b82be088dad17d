// likeness regions: export the semantic region masks as UV images (and per-vertex values).
#include <ATen/ATen.h>

#include <filesystem>

#include "app/cli/cli.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/face/regions.h"
#include "engine/face/uv_bake.h"
#include "engine/io/image_io.h"
#include "engine/io/safetensors.h"

namespace likeness::cli {
namespace {

int run_regions(const Args& args, Output& out) {
  auto model = face::FaceModel::load_default();
  auto regions = face::RegionSet::load_default(model);
  const std::filesystem::path dir = args.get("out");
  if (dir.empty()) throw UsageError("--out DIR is required");
  const int resolution = static_cast<int>(args.get_int("resolution", 512, 16, 4096));
  std::vector<std::string> names = regions->names();
  if (args.has("only")) names = {args.get("only")};
  nlohmann::json report = nlohmann::json::array();
  for (const std::string& name : names) {
    regions->index(name);
    nlohmann::json entry = {{"region", name}, {"kind", regions->kind(name)},
                            {"vertices", regions->vertex_mask(name).gt(0.5).sum().item<long>()}};
    nlohmann::json files = nlohmann::json::array();
    for (int tile : face::used_tiles(model->topology())) {
      at::Tensor mask = regions->uv_masks({name}, tile, resolution)[0];
      if (mask.max().item<float>() <= 0.0f) continue;
      io::Image image{resolution, resolution, 1, {}};
      image.pixels.assign(mask.data_ptr<float>(), mask.data_ptr<float>() + mask.numel());
      auto file = dir / (name + "_tile" + std::to_string(tile) + ".png");
      io::write_image(file, image, {io::ColorEncoding::Linear, 8});
      files.push_back(file.string());
    }
    entry["files"] = files;
    report.push_back(entry);
  }
  auto vertex_file = dir / "vertex_masks.safetensors";
  io::save_safetensors(vertex_file, {{"masks", regions->vertex_masks()}},
                       {{"regions", nlohmann::json(regions->names()).dump()}});
  if (out.json) {
    print_json(out, {{"regions", report}, {"vertex_masks", vertex_file.string()}});
  } else {
    for (const auto& e : report)
      *out.out << e["region"].get<std::string>() << " (" << e["kind"].get<std::string>() << "): " << e["vertices"].get<long>()
               << " vertices, " << e["files"].size() << " UV image(s)\n";
    *out.out << "Masks written to " << dir.string() << " (per-vertex values in " << vertex_file.filename().string() << ")\n";
  }
  return 0;
}

LIKENESS_COMMAND({"regions", "", "Export the semantic region masks as UV images",
                  "Writes REGION_tileN.png (linear 8-bit masks, row 0 = v 1) for every region and UV tile it "
                  "touches, and vertex_masks.safetensors with the per-vertex values.",
                  {{"out", "DIR", "output folder", ""},
                   {"resolution", "N", "UV image size", "512"},
                   {"only", "REGION", "export one region", ""},
                   {"json", "", "print JSON", ""}},
                  run_regions});

}  // namespace
}  // namespace likeness::cli
