// Every format written, then read back by an independent reader: Assimp for glTF, OBJ and FBX,
// and fbx_node's parser for the FBX structure Blender and Maya rely on.
#include <gtest/gtest.h>

#include <assimp/Importer.hpp>
#include <assimp/postprocess.h>
#include <assimp/scene.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "engine/core/atomic_file.h"
#include "engine/core/json_util.h"
#include "engine/export/export.h"
#include "engine/export/fbx_node.h"
#include "engine/export/gltf_export.h"
#include "engine/export/png_encode.h"
#include "export_fixtures.h"

namespace likeness::exporter {
namespace {
namespace fs = std::filesystem;
using test::Corner;

/// Corners of an Assimp scene (all meshes), optionally flipping v.
std::vector<Corner> assimp_corners(const aiScene* sc, bool flip_v) {
  std::vector<Corner> out;
  for (unsigned m = 0; m < sc->mNumMeshes; ++m) {
    const aiMesh* mesh = sc->mMeshes[m];
    for (unsigned f = 0; f < mesh->mNumFaces; ++f)
      for (unsigned k = 0; k < mesh->mFaces[f].mNumIndices; ++k) {
        const unsigned i = mesh->mFaces[f].mIndices[k];
        const aiVector3D p = mesh->mVertices[i], t = mesh->mTextureCoords[0][i];
        out.push_back({p.x, p.y, p.z, t.x, flip_v ? 1.0 - t.y : t.y});
      }
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// Each corner once per polygon of the scene, fanned into triangles (what a triangulating reader sees).
std::vector<Corner> triangle_corners(const ExportScene& scene, const AxisPreset& space) {
  std::vector<Corner> out;
  for (std::uint32_t c : fan_triangles(scene.mesh, 0, static_cast<std::uint32_t>(scene.mesh.polygon_count()))) {
    const auto p = space.point(&scene.mesh.positions[3 * scene.mesh.polygon_vertices[c]]);
    const std::uint32_t t = scene.mesh.polygon_uvs[c];
    out.push_back({p[0], p[1], p[2], scene.mesh.uvs[2 * t], scene.mesh.uvs[2 * t + 1]});
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RoundTrip, GlbThroughAssimp) {
  const ExportScene scene = test::cube_scene();
  const fs::path dir = test::temp_folder("glb");
  ExportOptions o;
  o.bake.padding = 0;
  const ExportResult r = export_scene(scene, ExportFormat::Glb, dir, o);
  ASSERT_EQ(r.main, dir / "cube.glb");
  ASSERT_EQ(r.files.size(), 1u) << "self-contained";

  Assimp::Importer importer;
  const aiScene* sc = importer.ReadFile(r.main.string(), aiProcess_Triangulate);
  ASSERT_NE(sc, nullptr) << importer.GetErrorString();
  ASSERT_EQ(sc->mNumMeshes, 2u) << "one primitive per material";
  std::size_t vertices = 0;
  for (unsigned m = 0; m < sc->mNumMeshes; ++m) vertices += sc->mMeshes[m]->mNumVertices;
  EXPECT_EQ(vertices, 4u * 4 + 2u * 4) << "split per material: 16 + 8 (no shared UVs between the two)";
  // Positions in metres, UVs (Assimp flips glTF's v back), every triangle corner.
  EXPECT_LT(test::max_difference(assimp_corners(sc, false), triangle_corners(scene, gltf_space())), 2e-4);

  // Morph targets: names, deltas.
  for (unsigned m = 0; m < sc->mNumMeshes; ++m) {
    const aiMesh* mesh = sc->mMeshes[m];
    ASSERT_EQ(mesh->mNumAnimMeshes, 3u);
    for (unsigned s = 0; s < 3; ++s) {
      const aiAnimMesh* anim = mesh->mAnimMeshes[s];
      EXPECT_EQ(std::string(anim->mName.C_Str()), scene.blendshapes.names[s]);
      for (unsigned i = 0; i < mesh->mNumVertices; ++i) {
        // Find the source vertex by position.
        const aiVector3D p = mesh->mVertices[i];
        int source = -1;
        for (std::size_t v = 0; v < scene.mesh.vertex_count(); ++v) {
          const auto q = gltf_space().point(&scene.mesh.positions[3 * v]);
          if (std::abs(q[0] - p.x) + std::abs(q[1] - p.y) + std::abs(q[2] - p.z) < 1e-6) source = static_cast<int>(v);
        }
        ASSERT_GE(source, 0);
        const auto d = gltf_space().point(&scene.blendshapes.deltas[s][3 * static_cast<std::size_t>(source)]);
        const aiVector3D a = anim->mVertices[i] - p;
        EXPECT_NEAR(a.x, d[0], 1e-6);
        EXPECT_NEAR(a.y, d[1], 1e-6);
        EXPECT_NEAR(a.z, d[2], 1e-6);
      }
    }
  }
  // Embedded textures: PNG bytes identical to the encoder's output for the same images.
  ASSERT_EQ(sc->mNumTextures, 6u);
  std::set<std::string> embedded;
  for (unsigned t = 0; t < sc->mNumTextures; ++t) {
    const aiTexture* tex = sc->mTextures[t];
    EXPECT_EQ(tex->mHeight, 0u) << "compressed (PNG) data";
    embedded.insert(std::string(reinterpret_cast<const char*>(tex->pcData), tex->mWidth));
  }
  EXPECT_TRUE(embedded.count(encode_png(scene.textures[0].albedo, PngEncoding::Srgb)));
  EXPECT_TRUE(embedded.count(encode_png(scene.textures[1].normal, PngEncoding::Linear)));
  // Materials reference them.
  for (unsigned m = 0; m < sc->mNumMaterials; ++m) {
    aiString name;
    sc->mMaterials[m]->Get(AI_MATKEY_NAME, name);
    if (std::string(name.C_Str()) != "M_Skin") continue;
    EXPECT_EQ(sc->mMaterials[m]->GetTextureCount(aiTextureType_DIFFUSE), 1u);
    EXPECT_EQ(sc->mMaterials[m]->GetTextureCount(aiTextureType_NORMALS), 1u);
  }
}

TEST(RoundTrip, GlbJsonCarriesTargetNamesAndWeights) {
  const ExportScene scene = test::cube_scene();
  const std::string glb = encode_glb(scene);
  ASSERT_EQ(glb.substr(0, 4), "glTF");
  std::uint32_t length = 0, json_length = 0;
  std::memcpy(&length, glb.data() + 8, 4);
  std::memcpy(&json_length, glb.data() + 12, 4);
  EXPECT_EQ(length, glb.size());
  EXPECT_EQ(length % 4, 0u);
  const Json doc = Json::parse(glb.substr(20, json_length));
  EXPECT_EQ(doc["meshes"][0]["extras"]["targetNames"], Json(scene.blendshapes.names));
  EXPECT_EQ(doc["meshes"][0]["weights"].size(), 3u);
  EXPECT_FLOAT_EQ(doc["meshes"][0]["weights"][0].get<float>(), 0.25f);
  for (const Json& prim : doc["meshes"][0]["primitives"])
    for (const Json& target : prim["targets"]) {
      const Json& acc = doc["accessors"][target["POSITION"].get<int>()];
      EXPECT_TRUE(acc.contains("min") && acc.contains("max")) << "the spec requires bounds on morph POSITION accessors";
    }
}

TEST(RoundTrip, ObjThroughAssimp) {
  const ExportScene scene = test::cube_scene();
  const fs::path dir = test::temp_folder("obj");
  ExportOptions o;
  o.preset = preset(Target::Maya);
  o.obj_shapes = true;
  o.bake.padding = 0;
  const ExportResult r = export_scene(scene, ExportFormat::Obj, dir, o);
  EXPECT_TRUE(fs::exists(dir / "cube.mtl"));
  EXPECT_TRUE(fs::exists(dir / "cube_skin_albedo.png"));
  EXPECT_TRUE(fs::exists(dir / "cube_paint_roughness.png"));
  EXPECT_TRUE(fs::exists(dir / "cube_shapes" / "jawOpen.obj"));
  Assimp::Importer importer;
  const aiScene* sc = importer.ReadFile(r.main.string(), 0);
  ASSERT_NE(sc, nullptr) << importer.GetErrorString();
  // Positions carry the current expression (OBJ has no morph targets), in centimetres (Maya).
  EXPECT_LT(test::max_difference(assimp_corners(sc, false), test::expected_corners(scene, preset(Target::Maya), true)), 2e-4);
  std::map<std::string, std::string> diffuse;
  for (unsigned m = 0; m < sc->mNumMaterials; ++m) {
    aiString name, file;
    sc->mMaterials[m]->Get(AI_MATKEY_NAME, name);
    if (sc->mMaterials[m]->GetTexture(aiTextureType_DIFFUSE, 0, &file) == AI_SUCCESS) diffuse[name.C_Str()] = file.C_Str();
  }
  EXPECT_EQ(diffuse["M_Skin"], "cube_skin_albedo.png");
  EXPECT_EQ(diffuse["M_Paint"], "cube_paint_albedo.png");
  // The texture image reads back as written (sRGB PNG of linear albedo).
  const io::Image back = io::read_image(dir / "cube_skin_albedo.png");
  ASSERT_EQ(back.width, 32);
  for (std::size_t i = 0; i < back.pixels.size(); i += 37) EXPECT_NEAR(back.pixels[i], scene.textures[0].albedo.pixels[i], 0.01);
  // A shape file holds the rest shape plus the full delta.
  const aiScene* shape = importer.ReadFile((dir / "cube_shapes" / "eyeBlink_L.obj").string(), 0);
  ASSERT_NE(shape, nullptr);
  ExportScene full = scene;
  full.blendshapes.weights = {0.0f, 1.0f, 0.0f};
  EXPECT_LT(test::max_difference(assimp_corners(shape, false), test::expected_corners(full, preset(Target::Maya), true)), 2e-4);
}

/// The FBX as fbx_node reads it: geometry, UVs, materials, textures, blendshapes.
TEST(RoundTrip, FbxStructure) {
  const ExportScene scene = test::cube_scene();
  const fs::path dir = test::temp_folder("fbx");
  ExportOptions o;
  o.preset = preset(Target::Blender);
  o.bake.padding = 0;
  const ExportResult r = export_scene(scene, ExportFormat::Fbx, dir, o);
  ASSERT_EQ(r.files.size(), 7u) << "the .fbx and 6 PNGs";
  const fbx::Document doc = fbx::read_file(r.main);
  EXPECT_EQ(doc.version, 7400u);
  const fbx::Node* settings = doc.find("GlobalSettings");
  ASSERT_NE(settings, nullptr);
  std::map<std::string, double> global;
  for (const fbx::Node& p : settings->find("Properties70")->children)
    if (p.properties.size() == 5 && p.properties[4].type != 'S') global[p.properties[0].as_string()] = p.properties[4].as_double();
  EXPECT_EQ(global["UpAxis"], 2);
  EXPECT_EQ(global["FrontAxis"], 1);
  EXPECT_EQ(global["FrontAxisSign"], -1);
  EXPECT_EQ(global["UnitScaleFactor"], 100);

  const fbx::Node* objects = doc.find("Objects");
  ASSERT_NE(objects, nullptr);
  const fbx::Node* mesh = nullptr;
  std::map<std::string, const fbx::Node*> shapes;
  std::vector<std::string> materials, texture_files;
  for (const fbx::Node& n : objects->children) {
    if (n.name == "Geometry" && n.properties[2].as_string() == "Mesh") mesh = &n;
    if (n.name == "Geometry" && n.properties[2].as_string() == "Shape") shapes[fbx::name_of(n.properties[1].as_string())] = &n;
    if (n.name == "Material") materials.push_back(fbx::name_of(n.properties[1].as_string()));
    if (n.name == "Texture") texture_files.push_back(n.find("RelativeFilename")->properties[0].as_string());
  }
  ASSERT_NE(mesh, nullptr);
  EXPECT_EQ(materials, (std::vector<std::string>{"M_Skin", "M_Paint"}));
  for (const std::string& f : texture_files) EXPECT_TRUE(fs::exists(dir / f)) << f;
  EXPECT_EQ(texture_files.size(), 6u);

  const std::vector<double> vertices = mesh->find("Vertices")->properties[0].as_doubles();
  ASSERT_EQ(vertices.size(), scene.mesh.positions.size());
  for (std::size_t v = 0; v < scene.mesh.vertex_count(); ++v) {
    const auto e = preset(Target::Blender).point(&scene.mesh.positions[3 * v]);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(vertices[3 * v + k], e[static_cast<std::size_t>(k)], 1e-9);
  }
  const std::vector<std::int64_t> polygons = mesh->find("PolygonVertexIndex")->properties[0].as_ints();
  ASSERT_EQ(polygons.size(), scene.mesh.corner_count());
  for (std::size_t c = 0; c < polygons.size(); ++c) {
    const bool last = (c + 1) % 4 == 0;
    EXPECT_EQ(last ? ~polygons[c] : polygons[c], scene.mesh.polygon_vertices[c]);
  }
  const fbx::Node* uv = mesh->find("LayerElementUV");
  const std::vector<double> uvs = uv->find("UV")->properties[0].as_doubles();
  const std::vector<std::int64_t> uv_index = uv->find("UVIndex")->properties[0].as_ints();
  for (std::size_t c = 0; c < uv_index.size(); ++c) {
    const std::uint32_t t = scene.mesh.polygon_uvs[c];
    EXPECT_FLOAT_EQ(static_cast<float>(uvs[2 * static_cast<std::size_t>(uv_index[c])]), scene.mesh.uvs[2 * t]);
    EXPECT_FLOAT_EQ(static_cast<float>(uvs[2 * static_cast<std::size_t>(uv_index[c]) + 1]), scene.mesh.uvs[2 * t + 1]);
  }
  EXPECT_EQ(mesh->find("LayerElementMaterial")->find("Materials")->properties[0].as_ints(),
            (std::vector<std::int64_t>{0, 0, 0, 0, 1, 1}));

  ASSERT_EQ(shapes.size(), 3u);
  for (std::size_t s = 0; s < 3; ++s) {
    const fbx::Node* shape = shapes.at(scene.blendshapes.names[s]);
    const auto idx = shape->find("Indexes")->properties[0].as_ints();
    const auto d = shape->find("Vertices")->properties[0].as_doubles();
    ASSERT_EQ(d.size(), 3 * idx.size());
    std::size_t moved = 0;
    for (std::size_t v = 0; v < 8; ++v) {
      const auto e = preset(Target::Blender).point(&scene.blendshapes.deltas[s][3 * v]);
      const auto it = std::find(idx.begin(), idx.end(), static_cast<std::int64_t>(v));
      if (e[0] == 0 && e[1] == 0 && e[2] == 0) {
        EXPECT_EQ(it, idx.end());
        continue;
      }
      ++moved;
      ASSERT_NE(it, idx.end());
      const std::size_t at = static_cast<std::size_t>(it - idx.begin());
      for (int k = 0; k < 3; ++k) EXPECT_NEAR(d[3 * at + k], e[static_cast<std::size_t>(k)], 1e-9);
    }
    EXPECT_EQ(moved, idx.size());
  }
  // Channel weights in percent.
  std::map<std::string, double> percent;
  for (const fbx::Node& n : objects->children)
    if (n.name == "Deformer" && n.properties[2].as_string() == "BlendShapeChannel")
      percent[fbx::name_of(n.properties[1].as_string())] = n.find("DeformPercent")->properties[0].as_double();
  EXPECT_DOUBLE_EQ(percent["jawOpen"], 25.0);
  EXPECT_DOUBLE_EQ(percent["eyeBlink_L"], 100.0);
  // Connections: every referenced id is an object (or the root 0).
  std::set<std::int64_t> ids{0};
  for (const fbx::Node& n : objects->children) ids.insert(n.properties[0].as_int());
  for (const fbx::Node& c : doc.find("Connections")->children) {
    EXPECT_TRUE(ids.count(c.properties[1].as_int()));
    EXPECT_TRUE(ids.count(c.properties[2].as_int()));
  }
}

TEST(RoundTrip, FbxThroughAssimp) {
  const ExportScene scene = test::cube_scene();
  const fs::path dir = test::temp_folder("fbx-assimp");
  ExportOptions o;
  o.preset = preset(Target::Maya);  // centimetres, Y up: Assimp keeps file units
  o.bake.padding = 0;
  const ExportResult r = export_scene(scene, ExportFormat::Fbx, dir, o);
  Assimp::Importer importer;
  const aiScene* sc = importer.ReadFile(r.main.string(), 0);
  ASSERT_NE(sc, nullptr) << importer.GetErrorString();
  ASSERT_EQ(sc->mNumMeshes, 2u) << "Assimp splits by material";
  EXPECT_LT(test::max_difference(assimp_corners(sc, false), test::expected_corners(scene, preset(Target::Maya), false)), 2e-4);
  std::set<std::string> names;
  for (unsigned m = 0; m < sc->mNumMeshes; ++m)
    for (unsigned a = 0; a < sc->mMeshes[m]->mNumAnimMeshes; ++a) names.insert(sc->mMeshes[m]->mAnimMeshes[a]->mName.C_Str());
  EXPECT_EQ(names, (std::set<std::string>{"jawOpen", "eyeBlink_L", "unused"}));
}

TEST(RoundTrip, EmbeddedFbxTexturesAndAtomicFiles) {
  const ExportScene scene = test::cube_scene();
  const fs::path dir = test::temp_folder("fbx-embed");
  ExportOptions o;
  o.embed_textures = true;
  o.stem = "embedded";
  const ExportResult r = export_scene(scene, ExportFormat::Fbx, dir, o);
  EXPECT_EQ(r.main, dir / "embedded.fbx");
  const fbx::Document doc = fbx::read_file(r.main);
  int contents = 0;
  for (const fbx::Node& n : doc.find("Objects")->children)
    if (n.name == "Video" && n.find("Content")) {
      ++contents;
      EXPECT_EQ(n.find("Content")->properties[0].as_string().substr(1, 3), "PNG");
    }
  EXPECT_EQ(contents, 6);
  for (const auto& entry : fs::directory_iterator(dir)) EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos);
}

}  // namespace
}  // namespace likeness::exporter
