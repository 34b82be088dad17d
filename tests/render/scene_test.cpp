#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/error.h"
#include "render/scene.h"
#include "render/view_options.h"

namespace likeness::render {
namespace {

Mesh quad() {
  Mesh m;
  m.positions = {0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0};
  m.normals = {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1};
  m.uvs = {0, 0, 1, 0, 1, 1, 0, 1};
  m.indices = {0, 1, 2, 0, 2, 3};
  m.materials = {{MaterialKind::Skin, 0, 6, 0}};
  m.landmarks = {2};
  return m;
}

void expect_error(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no error, expected one mentioning '" << needle << "'";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(Scene, ValidMeshPasses) { EXPECT_NO_THROW(quad().validate()); }

TEST(Scene, MeshErrorsNameTheField) {
  expect_error([] { Mesh m = quad(); m.normals.pop_back(); m.validate(); }, "normals");
  expect_error([] { Mesh m = quad(); m.uvs.push_back(0); m.validate(); }, "uvs");
  expect_error([] { Mesh m = quad(); m.indices[4] = 9; m.validate(); }, "indices");
  expect_error([] { Mesh m = quad(); m.indices.pop_back(); m.validate(); }, "indices");
  expect_error([] { Mesh m = quad(); m.positions[1] = std::nanf(""); m.validate(); }, "positions");
  expect_error([] { Mesh m = quad(); m.materials[0].index_count = 9; m.validate(); }, "materials");
  expect_error([] { Mesh m = quad(); m.landmarks = {4}; m.validate(); }, "landmarks");
  expect_error([] { Mesh m; m.validate(); }, "positions");
}

TEST(Scene, TextureErrorsNameTheMap) {
  Textures t;
  t.albedo = {2, 2, 1, 3, TexelType::U8, ColorSpace::Srgb, std::vector<std::uint8_t>(11), {}};
  expect_error([&] { t.validate(); }, "albedo");
  t.albedo.u8.resize(12);
  EXPECT_NO_THROW(t.validate());
  t.roughness = {2, 2, 1, 3, TexelType::F32, ColorSpace::Linear, {}, std::vector<float>(12)};
  expect_error([&] { t.validate(); }, "roughness");
  t.roughness = {2, 2, 1, 1, TexelType::F32, ColorSpace::Linear, {}, {0, 1, std::nanf(""), 0}};
  expect_error([&] { t.validate(); }, "non-finite");
}

TEST(Scene, OverlayErrorsNameTheChannel) {
  Overlays o;
  o.heat = {0.5f, 1.0f};
  expect_error([&] { o.validate(4); }, "heat");
  o.heat = {0, 0, 0, 1};
  EXPECT_NO_THROW(o.validate(4));
  o.painted = {0, 0, 0, INFINITY};
  expect_error([&] { o.validate(4); }, "painted");
}

TEST(Scene, ParsesOverlayLists) {
  EXPECT_EQ(parse_overlays(""), 0u);
  EXPECT_EQ(parse_overlays("none"), 0u);
  EXPECT_EQ(parse_overlays("wireframe, heat"), kOverlayWireframe | kOverlayHeat);
  EXPECT_EQ(parse_overlays("uv-checker,landmarks,region,painted"),
            kOverlayUvChecker | kOverlayLandmarks | kOverlayRegion | kOverlayPainted);
  expect_error([] { parse_overlays("wirefrme"); }, "did you mean 'wireframe'");
}

}  // namespace
}  // namespace likeness::render
