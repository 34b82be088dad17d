// Writes the head in every format for the Blender import checks, with what Blender should find:
//   OUT/glb/head.glb, OUT/fbx/head.fbx (+ PNGs), OUT/obj/head.obj (+ MTL, PNGs)
//   OUT/expected.json  counts, shape names and weights, texture files
//   OUT/rest.f32       [V, 3] rest positions in Blender's space (metres, Z up), float32
//   OUT/posed.f32      [V, 3] positions with the current weights applied (what the OBJ holds)
//   OUT/deltas.f32     [S, V, 3] blendshape deltas in Blender's space
//   OUT/uvs.f32        [U, 2] the UVs in use
// Usage: blender_make_exports OUT [TEXTURE_SIZE]
#include <torch/torch.h>

#include <fstream>
#include <iostream>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/export/export.h"
#include "engine/export/face_scene.h"
#include "engine/face/face_model.h"

namespace fs = std::filesystem;
using namespace likeness;
using namespace likeness::exporter;

namespace {

void write_floats(const fs::path& path, const std::vector<float>& values) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(float)));
  if (!out) throw InputError("cannot write " + path.string());
}

std::vector<float> to_blender(const std::vector<float>& xyz) {
  const AxisPreset& p = preset(Target::Blender);
  std::vector<float> out(xyz.size());
  for (std::size_t i = 0; i < xyz.size(); i += 3) {
    const auto q = p.point(&xyz[i]);
    for (int k = 0; k < 3; ++k) out[i + static_cast<std::size_t>(k)] = static_cast<float>(q[static_cast<std::size_t>(k)]);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: blender_make_exports OUT [TEXTURE_SIZE]\n";
    return 2;
  }
  try {
    const fs::path out = argv[1];
    const int size = argc > 2 ? std::stoi(argv[2]) : 128;
    fs::remove_all(out);
    fs::create_directories(out);
    auto model = face::FaceModel::load_default();
    torch::manual_seed(11);
    at::Tensor identity = torch::randn({model->identity_count()}) * 0.7;
    at::Tensor expression = torch::zeros({model->expression_count()});
    expression[model->expression_index("jawOpen")] = 0.4;
    expression[model->expression_index("mouthSmile_L")] = 0.75;
    at::Tensor albedo = torch::rand({8, size, size, 3});
    at::Tensor normal = torch::nn::functional::normalize(torch::randn({8, size, size, 3}) * 0.1 + torch::tensor({0.0f, 0.0f, 1.0f}),
                                                         torch::nn::functional::NormalizeFuncOptions().dim(3));
    at::Tensor rough = torch::rand({8, size, size, 1});
    const ExportScene scene =
        scene_from_face(*model, identity, expression, at::Tensor(), tile_textures_from_stacks(albedo, normal, rough, textured_tiles()));

    ExportOptions options;
    options.preset = preset(Target::Blender);
    Json files = Json::object();
    for (ExportFormat f : {ExportFormat::Glb, ExportFormat::Fbx, ExportFormat::Obj}) {
      const ExportResult r = export_scene(scene, f, out / to_string(f), options);
      files[to_string(f)] = r.main.string();
    }
    std::vector<float> posed = scene.mesh.positions;
    for (std::size_t s = 0; s < scene.blendshapes.count(); ++s)
      for (std::size_t i = 0; i < posed.size(); ++i) posed[i] += scene.blendshapes.weights[s] * scene.blendshapes.deltas[s][i];
    write_floats(out / "rest.f32", to_blender(scene.mesh.positions));
    write_floats(out / "posed.f32", to_blender(posed));
    std::vector<float> deltas;
    for (const auto& d : scene.blendshapes.deltas) {
      const std::vector<float> b = to_blender(d);
      deltas.insert(deltas.end(), b.begin(), b.end());
    }
    write_floats(out / "deltas.f32", deltas);
    write_floats(out / "uvs.f32", scene.mesh.uvs);
    std::vector<std::string> materials;
    for (const ExportMaterial& m : scene.materials) materials.push_back(m.name);
    Json expected = {{"files", files},
                     {"vertices", scene.mesh.vertex_count()},
                     {"split_vertices_per_material", 0},
                     {"polygons", scene.mesh.polygon_count()},
                     {"triangles", fan_triangles(scene.mesh, 0, static_cast<std::uint32_t>(scene.mesh.polygon_count())).size() / 3},
                     {"uvs", scene.mesh.uv_count()},
                     {"materials", materials},
                     {"texture_sets", scene.textures.size()},
                     {"shape_names", scene.blendshapes.names},
                     {"shape_weights", scene.blendshapes.weights}};
    // glTF splits vertices per material and per UV.
    std::size_t split = 0;
    for (std::uint32_t m = 0; m < scene.materials.size(); ++m) {
      ExportMesh part;
      part.positions = scene.mesh.positions;
      for (std::size_t p = 0; p < scene.mesh.polygon_count(); ++p) {
        if (scene.mesh.polygon_material[p] != m) continue;
        for (std::uint32_t c = scene.mesh.polygon_offsets[p]; c < scene.mesh.polygon_offsets[p + 1]; ++c) {
          part.polygon_vertices.push_back(scene.mesh.polygon_vertices[c]);
          part.polygon_uvs.push_back(scene.mesh.polygon_uvs[c]);
        }
      }
      split += part.split_vertex_count();
    }
    expected["split_vertices_per_material"] = split;
    save_json_file(out / "expected.json", expected);
    std::cout << "wrote exports of " << scene.mesh.vertex_count() << " vertices, " << scene.blendshapes.count() << " shapes to " << out << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "blender_make_exports: " << e.what() << "\n";
    return 3;
  }
}
