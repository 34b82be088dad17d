#include "render/texture_pack.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

namespace likeness::render {
namespace {

constexpr int kLutSize = 16384;

float srgb_encode(float x) {
  x = std::clamp(x, 0.0f, 1.0f);
  return x <= 0.0031308f ? 12.92f * x : 1.055f * std::pow(x, 1.0f / 2.4f) - 0.055f;
}

const std::array<std::uint8_t, kLutSize + 1>& srgb_lut() {
  static const auto lut = [] {
    std::array<std::uint8_t, kLutSize + 1> t{};
    for (int i = 0; i <= kLutSize; ++i)
      t[static_cast<std::size_t>(i)] =
          static_cast<std::uint8_t>(std::lround(srgb_encode(static_cast<float>(i) / kLutSize) * 255.0f));
    return t;
  }();
  return lut;
}

std::uint8_t unorm8(float x) { return static_cast<std::uint8_t>(std::lround(std::clamp(x, 0.0f, 1.0f) * 255.0f)); }

// Runs body(layer) for every layer, on up to two threads for large stacks.
template <typename Body>
void for_layers(int layers, std::size_t texels_per_layer, Body body) {
  if (layers < 2 || texels_per_layer * static_cast<std::size_t>(layers) < (1u << 20)) {
    for (int l = 0; l < layers; ++l) body(l);
    return;
  }
  std::thread helper([&] {
    for (int l = 1; l < layers; l += 2) body(l);
  });
  for (int l = 0; l < layers; l += 2) body(l);
  helper.join();
}

void pack_albedo(const TextureStack& s, std::uint8_t* dst) {
  if (s.empty()) {
    const std::uint8_t grey = linear_to_srgb8(0.4f);
    dst[0] = dst[1] = dst[2] = grey;
    dst[3] = 255;
    return;
  }
  const std::size_t per_layer = static_cast<std::size_t>(s.width) * static_cast<std::size_t>(s.height);
  const std::size_t ch = static_cast<std::size_t>(s.channels);
  const auto& lut = srgb_lut();
  for_layers(s.layers, per_layer, [&](int layer) {
    const std::size_t begin = per_layer * static_cast<std::size_t>(layer);
    std::uint8_t* out = dst + begin * 4;
    if (s.type == TexelType::U8) {
      const std::uint8_t* in = s.u8.data() + begin * ch;
      if (ch == 4) {
        std::memcpy(out, in, per_layer * 4);
      } else {
        for (std::size_t i = 0; i < per_layer; ++i) {
          out[4 * i] = in[3 * i];
          out[4 * i + 1] = in[3 * i + 1];
          out[4 * i + 2] = in[3 * i + 2];
          out[4 * i + 3] = 255;
        }
      }
    } else {
      const float* in = s.f32.data() + begin * ch;
      for (std::size_t i = 0; i < per_layer; ++i) {
        for (std::size_t c = 0; c < 3; ++c) {
          const float v = std::clamp(in[ch * i + c], 0.0f, 1.0f);
          out[4 * i + c] = lut[static_cast<std::size_t>(v * kLutSize + 0.5f)];
        }
        out[4 * i + 3] = ch == 4 ? unorm8(in[ch * i + 3]) : 255;
      }
    }
  });
}

void pack_material(const TextureStack& normal, const TextureStack& rough, const PackedImageLayout& layout,
                   std::uint8_t* dst) {
  const std::size_t per_layer = static_cast<std::size_t>(layout.width) * static_cast<std::size_t>(layout.height);
  const bool rough_same = !rough.empty() && rough.width == layout.width && rough.height == layout.height;
  for_layers(layout.layers, per_layer, [&](int layer) {
    std::uint8_t* out = dst + per_layer * static_cast<std::size_t>(layer) * 4;
    // Normal (RGB).
    if (normal.empty() || layer >= normal.layers) {
      for (std::size_t i = 0; i < per_layer; ++i) {
        out[4 * i] = 128;
        out[4 * i + 1] = 128;
        out[4 * i + 2] = 255;
      }
    } else {
      const std::size_t ch = static_cast<std::size_t>(normal.channels);
      const std::size_t begin = per_layer * static_cast<std::size_t>(layer) * ch;
      if (normal.type == TexelType::U8) {
        const std::uint8_t* in = normal.u8.data() + begin;
        for (std::size_t i = 0; i < per_layer; ++i)
          for (std::size_t c = 0; c < 3; ++c) out[4 * i + c] = in[ch * i + c];
      } else {
        const float* in = normal.f32.data() + begin;
        for (std::size_t i = 0; i < per_layer; ++i)
          for (std::size_t c = 0; c < 3; ++c) out[4 * i + c] = unorm8(in[ch * i + c] * 0.5f + 0.5f);
      }
    }
    // Roughness (A), resampled to the normal map's size (nearest texel) when it differs.
    if (rough.empty() || layer >= rough.layers) {
      for (std::size_t i = 0; i < per_layer; ++i) out[4 * i + 3] = 128;
      return;
    }
    const std::size_t rough_layer = static_cast<std::size_t>(rough.width) * static_cast<std::size_t>(rough.height) *
                                    static_cast<std::size_t>(layer);
    auto value = [&](std::size_t index) -> std::uint8_t {
      return rough.type == TexelType::U8 ? rough.u8[rough_layer + index] : unorm8(rough.f32[rough_layer + index]);
    };
    if (rough_same) {
      for (std::size_t i = 0; i < per_layer; ++i) out[4 * i + 3] = value(i);
    } else {
      for (int y = 0; y < layout.height; ++y) {
        const int ry = std::min(rough.height - 1, y * rough.height / layout.height);
        for (int x = 0; x < layout.width; ++x) {
          const int rx = std::min(rough.width - 1, x * rough.width / layout.width);
          out[4 * (static_cast<std::size_t>(y) * static_cast<std::size_t>(layout.width) + static_cast<std::size_t>(x)) + 3] =
              value(static_cast<std::size_t>(ry) * static_cast<std::size_t>(rough.width) + static_cast<std::size_t>(rx));
        }
      }
    }
  });
}

}  // namespace

std::uint8_t linear_to_srgb8(float linear) { return unorm8(srgb_encode(linear)); }

float srgb8_to_linear(std::uint8_t encoded) {
  const float s = static_cast<float>(encoded) / 255.0f;
  return s <= 0.04045f ? s / 12.92f : std::pow((s + 0.055f) / 1.055f, 2.4f);
}

PackedTexturesLayout packed_layout(const Textures& textures) {
  textures.validate();
  PackedTexturesLayout layout;
  const TextureStack& a = textures.albedo;
  if (!a.empty()) {
    layout.albedo = {a.width, a.height, a.layers, !(a.type == TexelType::U8 && a.space == ColorSpace::Linear)};
  }
  const TextureStack& n = textures.normal;
  const TextureStack& r = textures.roughness;
  if (!n.empty()) {
    layout.material = {n.width, n.height, std::max(n.layers, r.empty() ? 0 : r.layers), false};
  } else if (!r.empty()) {
    layout.material = {r.width, r.height, r.layers, false};
  } else {
    layout.material.srgb = false;
  }
  return layout;
}

void pack_textures(const Textures& textures, const PackedTexturesLayout& layout, std::uint8_t* destination) {
  pack_albedo(textures.albedo, destination);
  pack_material(textures.normal, textures.roughness, layout.material, destination + layout.albedo.bytes());
}

}  // namespace likeness::render
