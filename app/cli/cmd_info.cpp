// likeness info: the head model's facts.
#include <iostream>

#include "app/cli/cli.h"
#include "engine/core/paths.h"
#include "engine/face/face_model.h"
#include "engine/face/regions.h"
#include "likeness_build_config.h"

namespace likeness::cli {
namespace {

int run_info(const Args&, Output& out) {
  auto model = face::FaceModel::load_default();
  auto regions = face::RegionSet::load_default(model);
  const face::Topology& topo = model->topology();
  int quads = 0, triangles = 0;
  for (int p = 0; p < topo.polygon_count(); ++p)
    (topo.polygon_offsets[static_cast<std::size_t>(p) + 1] - topo.polygon_offsets[static_cast<std::size_t>(p)] == 4 ? quads : triangles)++;
  nlohmann::json info = {
      {"version", LIKENESS_VERSION},
      {"model", "ICT Face Model Light"},
      {"units", "centimetres, +y up, +z forward"},
      {"asset_folder", require_asset("ict-facekit/ict_facekit_shapes.safetensors").parent_path().string()},
      {"resources", resource_dir().string()},
      {"vertices", model->vertex_count()},
      {"uvs", topo.uv_count},
      {"polygons", topo.polygon_count()},
      {"quads", quads},
      {"source_triangles", triangles},
      {"triangles", topo.triangle_count()},
      {"render_vertices", topo.render_vertex_count()},
      {"identity_modes", model->identity_count()},
      {"expressions", model->expression_names()},
      {"landmarks", 68},
  };
  nlohmann::json materials = nlohmann::json::array();
  for (const auto& m : topo.materials) materials.push_back({{"name", m.name}, {"tile", m.tile}});
  info["materials"] = materials;
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : model->parts()) parts.push_back({{"name", p.name}, {"vertices", {p.vertex_begin, p.vertex_end}}});
  info["parts"] = parts;
  info["regions"] = regions->names();
  if (out.json) {
    print_json(out, info);
    return 0;
  }
  std::ostream& o = *out.out;
  o << "Likeness " << LIKENESS_VERSION << " — head model: ICT Face Model Light\n"
    << "  assets:      " << info["asset_folder"].get<std::string>() << "\n"
    << "  units:       centimetres, +y up, +z forward\n"
    << "  vertices:    " << model->vertex_count() << " (" << topo.render_vertex_count() << " with UV seams split)\n"
    << "  polygons:    " << topo.polygon_count() << " (" << quads << " quads, " << triangles << " triangles) -> "
    << topo.triangle_count() << " triangles\n"
    << "  identity:    " << model->identity_count() << " PCA modes, N(0, 1) prior\n"
    << "  expressions: " << model->expression_count() << " ARKit-style shapes\n"
    << "  landmarks:   68 (Multi-PIE order)\n  materials:  ";
  for (const auto& m : topo.materials) o << " " << m.name << "(tile " << m.tile << ")";
  o << "\n  regions:    ";
  for (const auto& r : regions->names()) o << " " << r;
  o << "\n";
  return 0;
}

LIKENESS_COMMAND({"info", "", "Show the head model's facts (topology, modes, expressions, regions)", "",
                  {{"json", "", "print JSON", ""}}, run_info});

}  // namespace
}  // namespace likeness::cli
