// Live updates: data submitted from another thread appears at the next frame, and the mesh and
// texture of one update always appear together.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine/core/error.h"
#include "tests/render/image_stats.h"
#include "tests/render/render_fixture.h"

namespace likeness::test {
namespace {

render::Geometry shifted(float dx) {
  const render::Mesh& m = generated_scene().mesh;
  render::Geometry g{m.positions, m.normals};
  for (std::size_t i = 0; i < g.positions.size(); i += 3) g.positions[i] += dx;
  return g;
}

render::Textures flat_color(float r, float g, float b) {
  render::Textures t;
  t.albedo.width = t.albedo.height = 4;
  t.albedo.layers = 8;
  t.albedo.channels = 3;
  t.albedo.type = render::TexelType::F32;
  for (int i = 0; i < 4 * 4 * 8; ++i) t.albedo.f32.insert(t.albedo.f32.end(), {r, g, b});
  return t;
}

class LiveUpdate : public RenderTest {
protected:
  void SetUp() override {
    RenderTest::SetUp();
    show_generated_face();
  }
};

TEST_F(LiveUpdate, GeometryFromAnotherThreadShowsAtTheNextFrame) {
  const render::ViewOptions view = front_view();
  const render::Image before = offscreen().render(view, 128, 128);
  std::uint64_t version = 0;
  std::thread worker([&] {
    render::SceneUpdate u;
    u.geometry = shifted(4.0f);
    version = offscreen().submit(u);
  });
  worker.join();
  EXPECT_GT(version, offscreen().renderer().applied_version());
  EXPECT_TRUE(offscreen().renderer().update_pending());
  const render::Image after = offscreen().render(view, 128, 128);
  EXPECT_EQ(offscreen().renderer().applied_version(), version);
  EXPECT_FALSE(offscreen().renderer().update_pending());
  const double moved = coverage_centroid(after)[0] - coverage_centroid(before)[0];
  EXPECT_GT(moved, 5.0);  // +x is the image's right from the front
  EXPECT_LT(moved, 30.0);
  const render::UploadStats stats = offscreen().renderer().upload_stats();
  EXPECT_EQ(stats.last_bytes, generated_scene().mesh.vertex_count() * 24 + 68 * 12);
}

TEST_F(LiveUpdate, TexturesAndOverlaysUpdateWithoutGeometry) {
  const render::ViewOptions view = front_view();
  render::SceneUpdate u;
  u.textures = flat_color(0.0f, 0.0f, 0.8f);
  offscreen().submit(u);
  const render::Image blue = offscreen().render(view, 96, 96);
  const auto rgb = mean_rgb(blue, [&](int x, int y) { return blue.pixel(x, y)[3] == 255; });
  EXPECT_GT(rgb[2], 2.0 * rgb[0]);
  // The geometry stayed: same silhouette as the original face.
  show_generated_face();
  const render::Image original = offscreen().render(view, 96, 96);
  EXPECT_GT(iou(coverage_mask(blue), coverage_mask(original)), 0.999);
}

TEST_F(LiveUpdate, NewerUpdatesReplaceQueuedOnesComponentByComponent) {
  const render::ViewOptions view = front_view();
  render::SceneUpdate a;
  a.geometry = shifted(-5.0f);
  offscreen().submit(a);
  render::SceneUpdate t;
  t.textures = flat_color(0.0f, 0.7f, 0.0f);
  offscreen().submit(t);  // no geometry: the queued geometry stays
  render::SceneUpdate b;
  b.geometry = shifted(5.0f);
  const std::uint64_t last = offscreen().submit(b);  // replaces a's geometry
  const render::Image img = offscreen().render(view, 96, 96);
  EXPECT_EQ(offscreen().renderer().applied_version(), last);
  EXPECT_GT(coverage_centroid(img)[0], 48.0 + 3.0);
  const auto rgb = mean_rgb(img, [&](int x, int y) { return img.pixel(x, y)[3] == 255; });
  EXPECT_GT(rgb[1], 2.0 * rgb[0]);
}

TEST_F(LiveUpdate, MeshAndTextureOfOneUpdateNeverTear) {
  // A producer thread alternates between two states as fast as it can: A = head moved left and
  // painted red, B = head moved right and painted green. Every frame must show a consistent pair.
  std::atomic<bool> stop{false};
  std::atomic<int> submitted{0};
  std::thread producer([&] {
    const render::Geometry left = shifted(-6.0f), right = shifted(6.0f);
    const render::Textures red = flat_color(0.8f, 0.02f, 0.02f), green = flat_color(0.02f, 0.8f, 0.02f);
    for (int i = 0; !stop.load(); ++i) {
      render::SceneUpdate u;
      u.geometry = (i % 2 == 0) ? left : right;
      u.textures = (i % 2 == 0) ? red : green;
      offscreen().submit(u);
      ++submitted;
    }
  });
  while (submitted.load() == 0) std::this_thread::yield();
  const render::ViewOptions view = front_view();
  int seen_left = 0, seen_right = 0;
  for (int frame = 0; frame < 40; ++frame) {
    const render::Image img = offscreen().render(view, 64, 64);
    const bool is_left = coverage_centroid(img)[0] < 32.0;
    const auto rgb = mean_rgb(img, [&](int x, int y) { return img.pixel(x, y)[3] == 255; });
    const bool is_red = rgb[0] > rgb[1];
    EXPECT_EQ(is_left, is_red) << "frame " << frame << " shows the mesh of one update with the texture of another";
    (is_left ? seen_left : seen_right) += 1;
  }
  stop = true;
  producer.join();
  EXPECT_GT(submitted.load(), 2);
  EXPECT_GT(seen_left + seen_right, 0);
}

TEST_F(LiveUpdate, RejectsUpdatesThatDoNotFitTheMesh) {
  render::SceneUpdate u;
  u.geometry = render::Geometry{{0, 0, 0}, {0, 0, 1}};
  EXPECT_THROW(offscreen().submit(u), InputError);
  render::SceneUpdate o;
  o.overlays = render::Overlays{};
  o.overlays->heat = {1.0f, 2.0f};
  EXPECT_THROW(offscreen().submit(o), InputError);
  render::SceneUpdate t;
  t.textures = render::Textures{};
  t.textures->albedo = {2, 2, 1, 3, render::TexelType::U8, render::ColorSpace::Srgb, std::vector<std::uint8_t>(5), {}};
  EXPECT_THROW(offscreen().submit(t), InputError);
  EXPECT_FALSE(offscreen().renderer().update_pending());
}

}  // namespace
}  // namespace likeness::test
