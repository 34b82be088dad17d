#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/cli/render_adapter.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "render/view_options.h"
#include "tests/render/render_fixture.h"

namespace likeness::test {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name, const std::string& text) {
  fs::path dir = fs::temp_directory_path() / "likeness_render_test";
  fs::create_directories(dir);
  fs::path p = dir / name;
  std::ofstream(p) << text;
  return p;
}

TEST(Adapter, MeshHasRenderVerticesMaterialsAndLandmarks) {
  auto model = head_model();
  const auto& topo = model->topology();
  at::Tensor v = model->vertices(model->zero_identity());
  render::Mesh mesh = render_adapter::make_mesh(*model, v, model->vertex_normals(v));
  EXPECT_NO_THROW(mesh.validate());
  EXPECT_EQ(mesh.vertex_count(), static_cast<std::size_t>(topo.render_vertex_count()));
  EXPECT_EQ(mesh.triangle_count(), static_cast<std::size_t>(topo.triangle_count()));
  EXPECT_EQ(mesh.landmarks.size(), 68u);
  // Ranges tile the index buffer, one per material, each with its UDIM tile and kind.
  std::uint32_t next = 0;
  int eyes = 0, lashes = 0;
  for (const auto& r : mesh.materials) {
    EXPECT_EQ(r.first_index, next);
    next += r.index_count;
    EXPECT_GE(r.tile, 0);
    EXPECT_LT(r.tile, 8);
    if (r.kind == render::MaterialKind::Eye) {
      ++eyes;
      EXPECT_EQ(r.tile, 7);
    }
    if (r.kind == render::MaterialKind::Lashes) ++lashes;
  }
  EXPECT_EQ(next, mesh.indices.size());
  EXPECT_EQ(eyes, 4);  // sclera and iris, left and right
  EXPECT_EQ(lashes, 1);
  // Every drawn triangle's UVs lie in its material's tile (transparent shells are never drawn
  // and keep the upstream layout, whose UVs may cross a tile border).
  for (const auto& r : mesh.materials) {
    if (r.kind == render::MaterialKind::Transparent) continue;
    for (std::uint32_t i = r.first_index; i < r.first_index + r.index_count; ++i) {
      const float u = mesh.uvs[2 * mesh.indices[i]];
      ASSERT_GE(u, static_cast<float>(r.tile) - 1e-4f);
      ASSERT_LE(u, static_cast<float>(r.tile + 1) + 1e-4f);
    }
  }
  // A landmark's render vertex sits at the landmark's position.
  const int nose_tip = model->landmarks()[30];
  const std::uint32_t rv = mesh.landmarks[30];
  for (int c = 0; c < 3; ++c) EXPECT_FLOAT_EQ(mesh.positions[3 * rv + static_cast<std::size_t>(c)], v[nose_tip][c].item<float>());
}

TEST(Adapter, PerVertexDataFollowsRenderVertices) {
  auto model = head_model();
  const auto& topo = model->topology();
  at::Tensor field = at::arange(topo.vertex_count, at::kFloat);
  std::vector<float> r = render_adapter::per_render_vertex(topo, field);
  ASSERT_EQ(r.size(), static_cast<std::size_t>(topo.render_vertex_count()));
  at::Tensor rvp = topo.render_vertex_position;
  for (long i = 0; i < rvp.size(0); i += 997) EXPECT_EQ(r[static_cast<std::size_t>(i)], static_cast<float>(rvp[i].item<long>()));
  EXPECT_THROW(render_adapter::per_render_vertex(topo, at::zeros({5})), InputError);
}

TEST(Adapter, TextureStacksFromTensors) {
  at::Tensor t = at::rand({8, 4, 6, 3});
  render::TextureStack s = render_adapter::texture_stack(t, "albedo");
  EXPECT_EQ(s.layers, 8);
  EXPECT_EQ(s.height, 4);
  EXPECT_EQ(s.width, 6);
  EXPECT_EQ(s.channels, 3);
  EXPECT_FLOAT_EQ(s.f32[3 * (6 * 4 * 2 + 6 * 1 + 5) + 1], t[2][1][5][1].item<float>());
  EXPECT_NO_THROW(s.validate("albedo", 3, 4));
  EXPECT_THROW(render_adapter::texture_stack(at::zeros({2, 2, 2, 2}), "normal"), InputError);
}

TEST(Adapter, StandInTexturesCoverEveryTile) {
  render::Textures t = render_adapter::stand_in_textures(head_model(), {}, 32);
  EXPECT_NO_THROW(t.validate());
  EXPECT_EQ(t.albedo.layers, 8);
  EXPECT_EQ(t.albedo.channels, 4);
  // The lash tile has partial coverage; skin is opaque.
  int partial = 0;
  for (int i = 0; i < 32 * 32; ++i) {
    const std::uint8_t a = t.albedo.u8[4 * (static_cast<std::size_t>(6 * 32 * 32 + i)) + 3];
    partial += (a > 0 && a < 255) ? 1 : 0;
    EXPECT_EQ(t.albedo.u8[4 * static_cast<std::size_t>(i) + 3], 255);
  }
  EXPECT_GT(partial, 0);
  // Darker skin for more melanin.
  render::Textures dark = render_adapter::stand_in_textures(head_model(), {{"skin.melanin", 0.9f}}, 32);
  long light_sum = 0, dark_sum = 0;
  for (int i = 0; i < 32 * 32 * 4; ++i) {
    light_sum += t.albedo.u8[static_cast<std::size_t>(32 * 32 * 4 + i)];  // back of head tile
    dark_sum += dark.albedo.u8[static_cast<std::size_t>(32 * 32 * 4 + i)];
  }
  EXPECT_LT(dark_sum, light_sum);
  // Deterministic.
  EXPECT_EQ(render_adapter::stand_in_textures(head_model(), {}, 32).albedo.u8, t.albedo.u8);
}

TEST(Adapter, LoadsSampleJsonStates) {
  auto model = head_model();
  const fs::path p = temp_file("state.json",
                               R"({"seed": 3, "identity": [1.5, -0.5], "expression": {"jawOpen": 0.4},
                                   "pose": [10, 0, 0, 0, 0, 0], "appearance": {"skin.melanin": 0.7, "iris.color": "#336699"}})");
  render_adapter::HeadState s = render_adapter::load_state(*model, p);
  EXPECT_FLOAT_EQ(s.identity[0].item<float>(), 1.5f);
  EXPECT_FLOAT_EQ(s.identity[1].item<float>(), -0.5f);
  EXPECT_FLOAT_EQ(s.identity[2].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(s.expression[model->expression_index("jawOpen")].item<float>(), 0.4f);
  EXPECT_EQ(s.seed, 3u);
  EXPECT_FLOAT_EQ(s.appearance.at("skin.melanin"), 0.7f);
  EXPECT_NEAR(s.appearance.at("iris.color.b"), 0.6f, 1e-6);
  at::Tensor v = render_adapter::state_vertices(*model, s);
  EXPECT_EQ(v.size(0), model->vertex_count());
}

TEST(Adapter, StateErrorsNameTheFileAndField) {
  auto model = head_model();
  auto expect = [&](const std::string& text, const std::string& needle) {
    const fs::path p = temp_file("bad.json", text);
    try {
      render_adapter::load_state(*model, p);
      ADD_FAILURE() << "accepted " << text;
    } catch (const InputError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("bad.json"), std::string::npos) << what;
      EXPECT_NE(what.find(needle), std::string::npos) << what;
    }
  };
  expect(R"({"identity": "x"})", "identity");
  expect(R"({"identity": [1e9]})", "identity");
  expect(R"({"expression": {"jawOpn": 0.5}})", "jawOpen");
  expect(R"({"expression": {"jawOpen": 2}})", "expression");
  expect(R"({"pose": [1, 2]})", "pose");
  expect(R"({"appearance": {"iris.color": "#12"}})", "appearance.iris.color");
  expect(R"([1, 2])", "JSON object");
  expect(R"({"identity": [1,)", "line");
  EXPECT_THROW(render_adapter::load_state(*model, "/nonexistent/state.json"), InputError);
  EXPECT_THROW(render_adapter::load_state(*model, temp_file("state.txt", "{}")), InputError);
}

TEST(Adapter, OverlaySourcesAreRequired) {
  auto model = head_model();
  render_adapter::HeadState s = render_adapter::neutral_state(*model);
  EXPECT_THROW(render_adapter::overlays_for(model, s, render::kOverlayRegion, {}), InputError);
  EXPECT_THROW(render_adapter::overlays_for(model, s, render::kOverlayHeat, {}), InputError);
  EXPECT_THROW(render_adapter::overlays_for(model, s, render::kOverlayPainted, {}), InputError);
  EXPECT_THROW(render_adapter::overlays_for(model, s, render::kOverlayRegion, {"nosee", {}, {}}), InputError);
  render::Overlays o = render_adapter::overlays_for(model, s, render::kOverlayRegion, {"nose", {}, {}});
  EXPECT_EQ(o.region.size(), static_cast<std::size_t>(model->topology().render_vertex_count()));
  EXPECT_GT(*std::max_element(o.region.begin(), o.region.end()), 0.9f);
  EXPECT_TRUE(o.heat.empty());
}

TEST(Adapter, ParsesSizes) {
  EXPECT_EQ(render_adapter::parse_size("1280x720"), std::make_pair(1280, 720));
  EXPECT_EQ(render_adapter::parse_size(" 64X48 "), std::make_pair(64, 48));
  for (const char* bad : {"", "1280", "x720", "12a0x720", "0x10", "-5x5", "1x9999999"}) EXPECT_THROW(render_adapter::parse_size(bad), InputError) << bad;
}

}  // namespace
}  // namespace likeness::test
