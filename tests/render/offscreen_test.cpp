// Offscreen renders of a generated face, checked by pixel statistics. All on lavapipe with the
// validation layer on (RenderTest fails a test on any validation error).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

#include "engine/core/error.h"
#include "render/image.h"
#include "tests/render/image_stats.h"
#include "tests/render/render_fixture.h"

namespace likeness::test {
namespace {

constexpr int kSize = 256;

// Pixels where an opaque region overlay of pure green shows: the region is fully there.
std::vector<std::uint8_t> region_pixels(const render::Overlays& overlays, const render::ViewOptions& base, int w = kSize,
                                        int h = kSize) {
  render::SceneUpdate u;
  u.overlays = overlays;
  offscreen().submit(u);
  render::ViewOptions v = base;
  v.overlays = render::kOverlayRegion;
  v.region_color = glm::vec3(0.0f, 1.0f, 0.0f);
  v.overlay_opacity = 1.0f;
  render::Image img = offscreen().render(v, w, h);
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::uint8_t* p = img.pixel(x, y);
      mask[static_cast<std::size_t>(y * w + x)] = (p[3] == 255 && p[1] > 90 && p[0] < 12 && p[2] < 12) ? 1 : 0;
    }
  return mask;
}

std::vector<std::uint8_t> region_pixels(const std::string& region, const render::ViewOptions& base, int w = kSize, int h = kSize) {
  return region_pixels(region_overlay(region), base, w, h);
}

std::size_t count(const std::vector<std::uint8_t>& mask) {
  std::size_t n = 0;
  for (auto v : mask) n += v;
  return n;
}

// The visible eyeballs of a front view (mask of eyeball pixels), one blob per image half: centre
// x, y and half the blob's height in pixels. Looking straight ahead, the iris sits in the middle of
// the eye opening with a radius close to half the opening's height; the sclera shows left and
// right of it.
std::vector<std::array<double, 3>> eye_blobs(const std::vector<std::uint8_t>& eyeball, int w, int h) {
  std::vector<std::array<double, 3>> blobs;
  for (int half = 0; half < 2; ++half) {
    double sx = 0, sy = 0, n = 0;
    int y0 = h, y1 = -1;
    for (int y = 0; y < h; ++y)
      for (int x = half * w / 2; x < (half + 1) * w / 2; ++x)
        if (eyeball[static_cast<std::size_t>(y * w + x)]) {
          sx += x + 0.5;
          sy += y + 0.5;
          n += 1;
          y0 = std::min(y0, y);
          y1 = std::max(y1, y);
        }
    if (n > 0) blobs.push_back({sx / n, sy / n, 0.5 * (y1 - y0 + 1)});
  }
  return blobs;
}

class Offscreen : public RenderTest {
protected:
  void SetUp() override {
    RenderTest::SetUp();
    show_generated_face();
  }
};

TEST_F(Offscreen, FaceCoversTheExpectedPartOfTheFrame) {
  render::Image img = offscreen().render(front_view(), kSize, kSize);
  const double coverage = coverage_fraction(img);
  EXPECT_GT(coverage, 0.25);
  EXPECT_LT(coverage, 0.70);
  const Box box = coverage_box(img);
  ASSERT_FALSE(box.empty());
  EXPECT_NEAR(box.center_x(), kSize / 2.0, kSize * 0.04);  // centred and left-right symmetric
  EXPECT_NEAR(box.center_y(), kSize / 2.0, kSize * 0.06);
  EXPECT_GT(box.height(), kSize * 0.75);                   // framed: the head fills the height ...
  EXPECT_LT(box.height(), kSize * 0.99);                   // ... with a margin
  EXPECT_GT(box.width(), kSize * 0.45);
  EXPECT_LT(box.width(), box.height());                    // a head is taller than wide
  const auto mask = coverage_mask(img);
  EXPECT_GT(iou(mask, mirrored(mask, kSize, kSize)), 0.93);
  // The face (front skin) sits in the upper middle, above the neck.
  const auto face = region_pixels("face", front_view());
  EXPECT_GT(count(face), static_cast<std::size_t>(kSize * kSize * 0.08));
  double cy = 0;
  for (int i = 0; i < kSize * kSize; ++i) cy += face[static_cast<std::size_t>(i)] ? i / kSize : 0;
  cy /= static_cast<double>(count(face));
  EXPECT_LT(cy, box.y0 + 0.6 * box.height());
  // Background pixels have zero coverage and the backdrop colour, not black.
  EXPECT_EQ(img.pixel(0, 0)[3], 0);
  EXPECT_GT(img.pixel(kSize / 2, 0)[0], 0);
}

TEST_F(Offscreen, SkinPixelsHaveSkinLikeChroma) {
  const render::ViewOptions view = front_view();
  const auto cheeks = region_pixels("cheeks", view);
  const auto forehead = region_pixels("forehead", view);
  render::Image img = offscreen().render(view, kSize, kSize);
  for (const auto* mask : {&cheeks, &forehead}) {
    int n = 0;
    const auto rgb = mean_rgb(img, [&](int x, int y) { return (*mask)[static_cast<std::size_t>(y * kSize + x)] != 0; }, &n);
    ASSERT_GT(n, 50);
    EXPECT_GT(rgb[0], rgb[1]);  // red > green > blue
    EXPECT_GT(rgb[1], rgb[2]);
    const double hue = hue_degrees(rgb);
    EXPECT_GT(hue, 5.0);  // orange-red, neither magenta nor yellow
    EXPECT_LT(hue, 45.0);
    const double sat = saturation(rgb);
    EXPECT_GT(sat, 0.25);  // not grey ...
    EXPECT_LT(sat, 0.9);   // ... nor a pure colour
    const double lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    EXPECT_GT(lum, 0.03);  // lit, not crushed
    EXPECT_LT(lum, 0.85);  // not blown out
  }
}

TEST_F(Offscreen, IrisesAreDarkerThanSclera) {
  // Closer to the eyes so both cover enough pixels.
  render::ViewOptions view = front_view();
  view.camera.zoom(0.45f);
  view.camera.target.y += 3.5f;
  // The visible eyeball is the sclera shell (its front is textured with the iris; the iris
  // geometry may sit under it), so eyeball pixels come from both regions and are split by
  // position in each eye opening: its middle is iris, its left and right ends are sclera.
  render::Overlays eyeballs = region_overlay("sclera");
  const render::Overlays irises = region_overlay("irises");
  for (std::size_t i = 0; i < eyeballs.region.size(); ++i) eyeballs.region[i] = std::max(eyeballs.region[i], irises.region[i]);
  const auto eyeball = region_pixels(eyeballs, view);
  ASSERT_GT(count(eyeball), 200u);
  const auto blobs = eye_blobs(eyeball, kSize, kSize);
  ASSERT_EQ(blobs.size(), 2u);
  std::vector<std::uint8_t> iris(eyeball.size()), sclera(eyeball.size());
  for (int y = 0; y < kSize; ++y)
    for (int x = 0; x < kSize; ++x) {
      const std::size_t i = static_cast<std::size_t>(y * kSize + x);
      if (!eyeball[i]) continue;
      const auto& b = blobs[x < kSize / 2 ? 0 : 1];
      iris[i] = std::hypot(x + 0.5 - b[0], y + 0.5 - b[1]) < 0.6 * b[2] ? 1 : 0;
      sclera[i] = std::abs(x + 0.5 - b[0]) > 1.4 * b[2] ? 1 : 0;
    }
  ASSERT_GT(count(iris), 30u) << blobs[0][2] << " px half height";
  ASSERT_GT(count(sclera), 30u) << blobs[0][2] << " px half height";
  render::Image img = offscreen().render(view, kSize, kSize);
  auto mean_lum = [&](const std::vector<std::uint8_t>& mask) {
    double sum = 0;
    int n = 0;
    for (int y = 0; y < kSize; ++y)
      for (int x = 0; x < kSize; ++x)
        if (mask[static_cast<std::size_t>(y * kSize + x)]) {
          sum += luminance(img, x, y);
          ++n;
        }
    return sum / n;
  };
  const double iris_lum = mean_lum(iris), sclera_lum = mean_lum(sclera);
  EXPECT_LT(iris_lum, 0.6 * sclera_lum) << "iris " << iris_lum << ", sclera " << sclera_lum;
  EXPECT_GT(sclera_lum, 0.05);
}

TEST_F(Offscreen, NoHolesOrBlackPixelsOnTheFace) {
  const render::ViewOptions view = front_view();
  const auto face = region_pixels("face", view);
  render::Image img = offscreen().render(view, kSize, kSize);
  int holes = 0, black = 0, inside = 0;
  for (int y = 0; y < kSize; ++y) {
    int left = kSize, right = -1;
    for (int x = 0; x < kSize; ++x)
      if (face[static_cast<std::size_t>(y * kSize + x)]) {
        left = std::min(left, x);
        right = std::max(right, x);
      }
    for (int x = left; x <= right; ++x) {
      ++inside;
      if (img.pixel(x, y)[3] < 250) ++holes;  // background showing through the face
      if (luminance(img, x, y) < 0.0015) ++black;
    }
  }
  ASSERT_GT(inside, 2000);
  EXPECT_LE(holes, inside / 1000) << holes << " holes";
  EXPECT_LE(black, inside / 100) << black << " black pixels (NaN shading shows as black)";
}

TEST_F(Offscreen, RendersAreDeterministic) {
  render::ViewOptions view = front_view();
  view.camera.orbit(25.0f, 10.0f);
  const render::Image a = offscreen().render(view, 200, 150);
  const render::Image b = offscreen().render(view, 200, 150);
  EXPECT_EQ(a.rgba, b.rgba);
  show_generated_face();  // a fresh upload of the same state
  const render::Image c = offscreen().render(view, 200, 150);
  EXPECT_EQ(a.rgba, c.rgba);
}

TEST_F(Offscreen, AnySizeAndAspect) {
  for (auto [w, h] : {std::pair{320, 180}, std::pair{90, 200}, std::pair{1, 1}, std::pair{33, 17}}) {
    const render::Image img = offscreen().render(front_view(static_cast<float>(w) / static_cast<float>(h)), w, h);
    ASSERT_EQ(img.width, w);
    ASSERT_EQ(img.height, h);
    ASSERT_EQ(img.rgba.size(), static_cast<std::size_t>(w * h * 4));
    if (w > 16 && h > 16) {
      const Box box = coverage_box(img);
      EXPECT_NEAR(box.center_x(), w / 2.0, w * 0.06) << w << "x" << h;
    }
  }
  EXPECT_THROW(offscreen().render(front_view(), 0, 10), InputError);
  EXPECT_THROW(offscreen().render(front_view(), 10, offscreen().max_size() + 1), InputError);
}

TEST_F(Offscreen, MultisamplingSmoothsTheSilhouette) {
  ASSERT_GE(offscreen().samples(), 4);
  const render::Image img = offscreen().render(front_view(), kSize, kSize);
  int partial = 0;
  for (std::size_t i = 3; i < img.rgba.size(); i += 4) partial += (img.rgba[i] > 0 && img.rgba[i] < 255) ? 1 : 0;
  EXPECT_GT(partial, 100);
}

TEST_F(Offscreen, LightingPresetsLookDifferent) {
  std::vector<render::Image> images;
  for (const std::string& name : render::lighting_preset_names()) {
    render::ViewOptions v = front_view();
    v.lighting = render::make_lighting(render::parse_lighting_preset(name));
    images.push_back(offscreen().render(v, 128, 128));
    const auto rgb = mean_rgb(images.back(), [&](int x, int y) { return images.back().pixel(x, y)[3] == 255; });
    EXPECT_GT(rgb[0], 0.01) << name << ": the face should not be black";
  }
  for (std::size_t i = 0; i < images.size(); ++i)
    for (std::size_t j = i + 1; j < images.size(); ++j) EXPECT_GT(differing_pixels(images[i], images[j], 8), 128 * 128 / 10);
}

TEST_F(Offscreen, ShadowsDarkenPartOfTheFace) {
  render::ViewOptions v = front_view();
  v.camera.orbit(-30.0f, 0.0f);
  v.shadows = true;
  const render::Image with = offscreen().render(v, 192, 192);
  v.shadows = false;
  const render::Image without = offscreen().render(v, 192, 192);
  int darker = 0, lighter = 0;
  for (int y = 0; y < 192; ++y)
    for (int x = 0; x < 192; ++x) {
      if (with.pixel(x, y)[3] < 255) continue;
      const double a = luminance(with, x, y), b = luminance(without, x, y);
      darker += a < b * 0.8 ? 1 : 0;
      lighter += a > b * 1.01 + 1e-3 ? 1 : 0;
    }
  EXPECT_GT(darker, 200);  // cast shadows (nose, brows, jaw on the neck)
  EXPECT_EQ(lighter, 0);   // a shadow never adds light
}

TEST_F(Offscreen, OverlaysDrawOverTheSurface) {
  const render::ViewOptions plain = front_view();
  const render::Image base = offscreen().render(plain, 160, 160);
  auto with = [&](unsigned bits) {
    render::ViewOptions v = plain;
    v.overlays = bits;
    return offscreen().render(v, 160, 160);
  };
  // Wireframe: dark edges all over the head.
  EXPECT_GT(differing_pixels(base, with(render::kOverlayWireframe), 10), 160 * 160 / 20);
  // UV checker replaces the albedo.
  EXPECT_GT(differing_pixels(base, with(render::kOverlayUvChecker), 10), 160 * 160 / 8);
  // Landmarks: yellow dots.
  const render::Image lm = with(render::kOverlayLandmarks);
  int yellow = 0;
  for (int y = 0; y < 160; ++y)
    for (int x = 0; x < 160; ++x) {
      const std::uint8_t* p = lm.pixel(x, y);
      yellow += (p[0] > 200 && p[1] > 170 && p[2] < 80) ? 1 : 0;
    }
  EXPECT_GT(yellow, 40);
  // Heat: a ramp over the vertices shows both ends of the colour map; without data the flag is
  // ignored.
  EXPECT_EQ(with(render::kOverlayHeat).rgba, base.rgba);
  render::SceneUpdate u;
  u.overlays = render::Overlays{};
  const auto& mesh = generated_scene().mesh;
  for (std::size_t i = 0; i < mesh.vertex_count(); ++i) u.overlays->heat.push_back(mesh.positions[3 * i] > 0 ? 1.0f : 0.0f);
  u.overlays->painted.assign(mesh.vertex_count(), 1.0f);
  offscreen().submit(u);
  const render::Image heat = with(render::kOverlayHeat);
  int red = 0, blue = 0;
  for (int y = 40; y < 120; ++y)
    for (int x = 0; x < 160; ++x) {
      const std::uint8_t* p = heat.pixel(x, y);
      if (p[3] < 255) continue;
      red += (p[0] > p[2] + 30 && x > 80) ? 1 : 0;   // +x (the head's left) is on the image's right
      blue += (p[2] > p[0] + 30 && x < 80) ? 1 : 0;
    }
  EXPECT_GT(red, 200);
  EXPECT_GT(blue, 200);
  const render::Image painted = with(render::kOverlayPainted);
  EXPECT_GT(differing_pixels(base, painted, 10), 160 * 160 / 8);
}

TEST_F(Offscreen, WritesPngFiles) {
  const render::Image img = offscreen().render(front_view(), 64, 48);
  const auto path = std::filesystem::temp_directory_path() / "likeness_render_test" / "front.png";
  std::filesystem::create_directories(path.parent_path());
  render::write_png(path, img);
  const render::Image back = render::read_png(path);
  EXPECT_EQ(back.width, 64);
  EXPECT_EQ(back.height, 48);
  EXPECT_EQ(back.rgba, img.rgba);
  // A folder that cannot exist: its parent is a regular file.
  const auto blocked = path.parent_path() / "a-file";
  render::write_png(blocked, img);
  EXPECT_THROW(render::write_png(blocked / "x.png", img), InputError);
}

TEST_F(Offscreen, FloatAndByteTexturesRenderAlike) {
  // The same albedo as linear floats and as sRGB bytes (whichever the generated face has, the
  // test builds the other).
  const render::TextureStack& a = generated_scene().textures.albedo;
  ASSERT_FALSE(a.empty());
  auto to_linear = [](float s) { return s <= 0.04045f ? s / 12.92f : std::pow((s + 0.055f) / 1.055f, 2.4f); };
  auto to_srgb = [](float l) {
    l = std::clamp(l, 0.0f, 1.0f);
    return l <= 0.0031308f ? 12.92f * l : 1.055f * std::pow(l, 1.0f / 2.4f) - 0.055f;
  };
  render::TextureStack bytes_stack = a, floats_stack = a;
  const std::size_t n = a.texel_count() * static_cast<std::size_t>(a.channels);
  auto is_alpha = [&](std::size_t i) { return a.channels == 4 && i % 4 == 3; };
  if (a.type == render::TexelType::U8) {
    ASSERT_EQ(a.space, render::ColorSpace::Srgb);
    floats_stack.type = render::TexelType::F32;
    floats_stack.space = render::ColorSpace::Linear;
    floats_stack.u8.clear();
    floats_stack.f32.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const float s = a.u8[i] / 255.0f;
      floats_stack.f32[i] = is_alpha(i) ? s : to_linear(s);
    }
  } else {
    bytes_stack.type = render::TexelType::U8;
    bytes_stack.space = render::ColorSpace::Srgb;
    bytes_stack.f32.clear();
    bytes_stack.u8.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const float v = is_alpha(i) ? std::clamp(a.f32[i], 0.0f, 1.0f) : to_srgb(a.f32[i]);
      bytes_stack.u8[i] = static_cast<std::uint8_t>(std::lround(v * 255.0f));
    }
  }
  auto render_with = [&](const render::TextureStack& albedo) {
    render::SceneUpdate u;
    u.textures = generated_scene().textures;
    u.textures->albedo = albedo;
    offscreen().submit(u);
    return offscreen().render(front_view(), 128, 128);
  };
  const render::Image bytes = render_with(bytes_stack);
  const render::Image floats = render_with(floats_stack);
  EXPECT_LE(differing_pixels(bytes, floats, 2), 128 * 128 / 100);
}

}  // namespace
}  // namespace likeness::test
