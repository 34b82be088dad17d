// The real head: scene_from_face keeps the textured materials, renumbers vertices, and carries
// the 53 ARKit blendshapes; each format holds them. Needs the ICT assets (CI always has them).
#include <gtest/gtest.h>

#include <assimp/Importer.hpp>
#include <assimp/scene.h>
#include <torch/torch.h>

#include <set>

#include "engine/core/error.h"
#include "engine/export/export.h"
#include "engine/export/face_scene.h"
#include "engine/export/fbx_node.h"
#include "engine/face/face_model.h"
#include "engine/state/face_state.h"
#include "export_fixtures.h"

namespace likeness::exporter {
namespace {
namespace fs = std::filesystem;

std::shared_ptr<const face::FaceModel> model_or_skip() {
  try {
    return face::FaceModel::load_default();
  } catch (const AssetError&) {
    return nullptr;
  }
}

ExportScene head_scene(const face::FaceModel& model, int texture_size) {
  torch::manual_seed(3);
  at::Tensor identity = torch::randn({model.identity_count()}) * 0.5;
  at::Tensor expression = torch::zeros({model.expression_count()});
  expression[model.expression_index("jawOpen")] = 0.4;
  at::Tensor albedo = torch::rand({8, texture_size, texture_size, 3});
  at::Tensor normal = torch::nn::functional::normalize(torch::randn({8, texture_size, texture_size, 3}) * 0.1 + torch::tensor({0.0f, 0.0f, 1.0f}),
                                                       torch::nn::functional::NormalizeFuncOptions().dim(3));
  at::Tensor rough = torch::rand({8, texture_size, texture_size, 1});
  return scene_from_face(model, identity, expression, at::Tensor(), tile_textures_from_stacks(albedo, normal, rough, textured_tiles()));
}

TEST(HeadExport, SceneFromTheModel) {
  auto model = model_or_skip();
  if (!model) GTEST_SKIP() << "ICT assets not installed";
  const ExportScene scene = head_scene(*model, 16);
  EXPECT_EQ(scene.blendshapes.count(), 53u);
  EXPECT_EQ(scene.blendshapes.names, model->expression_names());
  EXPECT_FLOAT_EQ(scene.blendshapes.weights[static_cast<std::size_t>(model->expression_index("jawOpen"))], 0.4f);
  EXPECT_LT(scene.mesh.vertex_count(), static_cast<std::size_t>(model->vertex_count())) << "the transparent shells are left out";
  EXPECT_EQ(scene.textures.size(), 6u);
  std::set<std::string> names;
  for (const ExportMaterial& m : scene.materials) {
    names.insert(m.name);
    EXPECT_NE(m.role, MaterialRole::Transparent);
    EXPECT_GE(m.textures, 0) << m.name;
  }
  EXPECT_TRUE(names.count("M_Face") && names.count("M_Teeth") && names.count("M_EyeLashes") && names.count("M_IrisLeft"));
  for (float u : scene.mesh.uvs) {
    EXPECT_GE(u, 0.0f);
    EXPECT_LE(u, 1.0f);
  }
  // Every material's UVs are inside its own tile after the move: the face's stay where they were.
  FaceSceneOptions all;
  all.include_transparent = true;
  const ExportScene full = scene_from_face(*model, torch::zeros({model->identity_count()}), at::Tensor(), at::Tensor(), {}, all);
  EXPECT_EQ(full.mesh.vertex_count(), static_cast<std::size_t>(model->vertex_count()));
}

TEST(HeadExport, EveryFormatHoldsTheHead) {
  auto model = model_or_skip();
  if (!model) GTEST_SKIP() << "ICT assets not installed";
  const ExportScene scene = head_scene(*model, 32);
  const fs::path dir = test::temp_folder("head");
  ExportOptions o;
  o.bake.padding = 4;
  const ExportResult glb = export_scene(scene, ExportFormat::Glb, dir, o);
  Assimp::Importer importer;
  const aiScene* sc = importer.ReadFile(glb.main.string(), 0);
  ASSERT_NE(sc, nullptr) << importer.GetErrorString();
  std::size_t vertices = 0;
  for (unsigned m = 0; m < sc->mNumMeshes; ++m) {
    vertices += sc->mMeshes[m]->mNumVertices;
    ASSERT_EQ(sc->mMeshes[m]->mNumAnimMeshes, 53u);
    for (unsigned a = 0; a < 53; ++a) EXPECT_EQ(std::string(sc->mMeshes[m]->mAnimMeshes[a]->mName.C_Str()), scene.blendshapes.names[a]);
  }
  EXPECT_EQ(sc->mNumMeshes, scene.materials.size());
  EXPECT_GE(vertices, scene.mesh.split_vertex_count());

  const ExportResult fbx_result = export_scene(scene, ExportFormat::Fbx, dir, o);
  const fbx::Document doc = fbx::read_file(fbx_result.main);
  int shapes = 0;
  for (const fbx::Node& n : doc.find("Objects")->children)
    if (n.name == "Geometry" && n.properties[2].as_string() == "Shape") ++shapes;
  EXPECT_EQ(shapes, 53);
  const aiScene* fbx_scene = importer.ReadFile(fbx_result.main.string(), 0);
  ASSERT_NE(fbx_scene, nullptr) << "Assimp reads our FBX: " << importer.GetErrorString();

  const ExportResult obj = export_scene(scene, ExportFormat::Obj, dir, o);
  const aiScene* obj_scene = importer.ReadFile(obj.main.string(), 0);
  ASSERT_NE(obj_scene, nullptr) << importer.GetErrorString();
  EXPECT_EQ(obj_scene->mNumMaterials, scene.materials.size() + 1) << "plus Assimp's default material";
}

TEST(HeadExport, StateDrivesGeometryAndWeights) {
  auto model = model_or_skip();
  if (!model) GTEST_SKIP() << "ICT assets not installed";
  state::FaceState s = state::FaceState::neutral(model->identity_count(), model->expression_count(), model->vertex_count());
  s.expression[model->expression_index("eyeBlink_L")] = 1.0;
  s.displacement[0][1] = 2.0;
  const ExportScene scene = scene_from_state(*model, s, {});
  EXPECT_FLOAT_EQ(scene.blendshapes.weights[static_cast<std::size_t>(model->expression_index("eyeBlink_L"))], 1.0f);
  const at::Tensor rest = model->vertices(s.identity);
  // Vertex 0 is on the face (kept, first seen): the displacement moved it.
  bool found = false;
  for (std::size_t v = 0; v < scene.mesh.vertex_count(); ++v)
    if (std::abs(scene.mesh.positions[3 * v] - rest[0][0].item<float>()) < 1e-6 &&
        std::abs(scene.mesh.positions[3 * v + 1] - (rest[0][1].item<float>() + 2.0f)) < 1e-5)
      found = true;
  EXPECT_TRUE(found);
  EXPECT_TRUE(scene.textures.empty());
}

}  // namespace
}  // namespace likeness::exporter

#include "engine/appearance/parameters.h"
#include "engine/export/state_export.h"

namespace likeness::exporter {
namespace {

TEST(HeadExport, StateTexturesFromTheAppearanceModel) {
  auto model = model_or_skip();
  if (!model) GTEST_SKIP() << "ICT assets not installed";
  state::FaceState s = state::FaceState::neutral(model->identity_count(), model->expression_count(), model->vertex_count());
  auto schema = appearance::AppearanceSchema::load_default();
  // Named values: one known entry set, one unknown name ignored, the rest defaults.
  const std::vector<std::string> entries = schema->entry_names();
  s.appearance_names = {entries[0], "no.such.parameter"};
  const at::Tensor upper = schema->upper_bounds();
  s.appearance = torch::tensor({upper[0].item<float>() + 100.0f, 0.5f});
  const at::Tensor values = appearance_values_of(*schema, s);
  EXPECT_FLOAT_EQ(values[0].item<float>(), upper[0].item<float>()) << "clamped into range";
  EXPECT_TRUE(torch::equal(values.slice(0, 1), schema->defaults().to(at::kFloat).slice(0, 1)));

  StateExportOptions o;
  o.texture_resolution = 512;
  const ExportScene scene = scene_of_state(*model, s, o);
  ASSERT_EQ(scene.textures.size(), 6u);
  for (const TextureMaps& t : scene.textures) {
    EXPECT_EQ(t.albedo.width, 512) << t.name;
    EXPECT_EQ(t.roughness.channels, 1) << t.name;
    EXPECT_EQ(t.normal.channels, 3) << t.name;
  }
  // Normal maps are encoded (n + 1) / 2: flat areas are about (0.5, 0.5, 1).
  const TextureMaps& face = scene.textures[0];
  double z = 0;
  for (std::size_t i = 2; i < face.normal.pixels.size(); i += 3) z += face.normal.pixels[i];
  EXPECT_GT(z / (face.normal.pixels.size() / 3.0), 0.8);
}

}  // namespace
}  // namespace likeness::exporter
