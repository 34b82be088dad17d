#include <gtest/gtest.h>

#include "engine/core/error.h"
#include "render/texture_pack.h"

namespace likeness::render {
namespace {

TEST(TexturePack, SrgbEncodingMatchesTheStandardCurve) {
  EXPECT_EQ(linear_to_srgb8(0.0f), 0);
  EXPECT_EQ(linear_to_srgb8(1.0f), 255);
  EXPECT_EQ(linear_to_srgb8(0.5f), 188);  // 0.7354 * 255
  EXPECT_EQ(linear_to_srgb8(0.002f), 7);  // linear segment: 12.92 * 0.002 * 255 = 6.6
  for (int v = 0; v < 256; ++v) EXPECT_EQ(linear_to_srgb8(srgb8_to_linear(static_cast<std::uint8_t>(v))), v);
}

TEST(TexturePack, MissingMapsBecomeDefaults) {
  Textures t;
  const PackedTexturesLayout layout = packed_layout(t);
  EXPECT_EQ(layout.albedo.width, 1);
  EXPECT_EQ(layout.material.layers, 1);
  std::vector<std::uint8_t> bytes(layout.bytes());
  pack_textures(t, layout, bytes.data());
  EXPECT_EQ(bytes[3], 255);                     // albedo alpha
  EXPECT_EQ(bytes[4 + 0], 128);                 // flat normal x
  EXPECT_EQ(bytes[4 + 2], 255);                 // flat normal z
  EXPECT_EQ(bytes[4 + 3], 128);                 // roughness 0.5
}

TEST(TexturePack, FloatAlbedoIsEncodedAndAlphaKept) {
  Textures t;
  t.albedo = {1, 1, 2, 4, TexelType::F32, ColorSpace::Linear, {}, {0.5f, 0.0f, 1.0f, 0.25f, 0.2f, 0.2f, 0.2f, 1.0f}};
  const PackedTexturesLayout layout = packed_layout(t);
  EXPECT_TRUE(layout.albedo.srgb);
  EXPECT_EQ(layout.albedo.layers, 2);
  std::vector<std::uint8_t> bytes(layout.bytes());
  pack_textures(t, layout, bytes.data());
  EXPECT_EQ(bytes[0], 188);
  EXPECT_EQ(bytes[1], 0);
  EXPECT_EQ(bytes[2], 255);
  EXPECT_EQ(bytes[3], 64);
  EXPECT_EQ(bytes[4], linear_to_srgb8(0.2f));
}

TEST(TexturePack, LinearBytesStayLinearAndRgbGetsOpaqueAlpha) {
  Textures t;
  t.albedo = {2, 1, 1, 3, TexelType::U8, ColorSpace::Linear, {10, 20, 30, 40, 50, 60}, {}};
  const PackedTexturesLayout layout = packed_layout(t);
  EXPECT_FALSE(layout.albedo.srgb);
  std::vector<std::uint8_t> bytes(layout.bytes());
  pack_textures(t, layout, bytes.data());
  EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + 8), (std::vector<std::uint8_t>{10, 20, 30, 255, 40, 50, 60, 255}));
}

TEST(TexturePack, NormalsAndRoughnessShareTheMaterialImage) {
  Textures t;
  t.normal = {2, 2, 1, 3, TexelType::F32, ColorSpace::Linear, {}, std::vector<float>(12, 0.0f)};
  for (int i = 0; i < 4; ++i) t.normal.f32[static_cast<std::size_t>(3 * i + 2)] = 1.0f;
  t.normal.f32[0] = -1.0f;
  // Roughness at half the resolution is resampled to the normal map's size.
  t.roughness = {1, 1, 1, 1, TexelType::F32, ColorSpace::Linear, {}, {0.8f}};
  const PackedTexturesLayout layout = packed_layout(t);
  EXPECT_EQ(layout.material.width, 2);
  EXPECT_FALSE(layout.material.srgb);
  std::vector<std::uint8_t> bytes(layout.bytes());
  pack_textures(t, layout, bytes.data());
  const std::uint8_t* m = bytes.data() + layout.albedo.bytes();
  EXPECT_EQ(m[0], 0);    // x = -1
  EXPECT_EQ(m[1], 128);  // y = 0
  EXPECT_EQ(m[2], 255);  // z = 1
  for (int i = 0; i < 4; ++i) EXPECT_EQ(m[4 * i + 3], 204);
}

TEST(TexturePack, LayoutValidates) {
  Textures t;
  t.normal = {2, 2, 1, 2, TexelType::U8, ColorSpace::Linear, std::vector<std::uint8_t>(8), {}};
  EXPECT_THROW(packed_layout(t), InputError);
}

}  // namespace
}  // namespace likeness::render
