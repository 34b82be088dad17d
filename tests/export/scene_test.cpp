#include <gtest/gtest.h>

#include "engine/core/error.h"
#include "export_fixtures.h"

namespace likeness::exporter {
namespace {

void expect_rejected(ExportScene s, const std::string& word) {
  try {
    s.validate();
    FAIL() << "accepted a scene with bad " << word;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(word), std::string::npos) << e.what();
  }
}

TEST(Scene, CubeIsValidAndCounts) {
  const ExportScene s = test::cube_scene();
  EXPECT_NO_THROW(s.validate());
  EXPECT_EQ(s.mesh.vertex_count(), 8u);
  EXPECT_EQ(s.mesh.polygon_count(), 6u);
  // Distinct (vertex, UV) pairs: 24 corners, of which the unwrap shares one pair between faces.
  EXPECT_EQ(s.mesh.split_vertex_count(), 23u);
  ExportScene welded = s;
  welded.mesh.polygon_uvs.assign(welded.mesh.polygon_uvs.size(), 0);
  EXPECT_EQ(welded.mesh.split_vertex_count(), 8u);
  EXPECT_EQ(fan_triangles(s.mesh, 0, 6).size(), 36u);
}

TEST(Scene, ValidationNamesTheBadField) {
  ExportScene s = test::cube_scene();
  { auto b = s; b.mesh.normals.pop_back(); expect_rejected(b, "normals"); }
  { auto b = s; b.mesh.polygon_vertices[3] = 99; expect_rejected(b, "vertex out of range"); }
  { auto b = s; b.mesh.polygon_uvs[3] = 99; expect_rejected(b, "UV out of range"); }
  { auto b = s; b.mesh.polygon_material[2] = 5; expect_rejected(b, "material"); }
  { auto b = s; b.mesh.positions[4] = std::nanf(""); expect_rejected(b, "positions"); }
  { auto b = s; b.materials[1].name = "M_Skin"; expect_rejected(b, "unique"); }
  { auto b = s; b.materials[0].textures = 4; expect_rejected(b, "texture set"); }
  { auto b = s; b.textures[0].roughness.channels = 3; expect_rejected(b, "roughness"); }
  { auto b = s; b.textures[0].name = "../x"; expect_rejected(b, "file-name"); }
  { auto b = s; b.blendshapes.deltas[1].pop_back(); expect_rejected(b, "eyeBlink_L"); }
  { auto b = s; b.blendshapes.names[2] = "jawOpen"; expect_rejected(b, "unique"); }
  { auto b = s; b.blendshapes.weights.pop_back(); expect_rejected(b, "weights"); }
  { auto b = s; b.mesh.polygon_offsets[1] = 2; expect_rejected(b, "fewer than 3"); }
}

}  // namespace
}  // namespace likeness::exporter
