#pragma once
// Converting Textures into what the GPU samples: two RGBA8 array images.
//   albedo:   RGB colour + A coverage; sRGB-encoded unless the input was linear 8-bit
//   material: RGB tangent-space normal encoded n * 0.5 + 0.5, A perceptual roughness
// Missing maps become a 1x1 layer of the default (grey albedo, flat normal, roughness 0.5).
// Runs on the caller's thread (the optimization worker for live updates).
#include <cstddef>
#include <cstdint>

#include "render/scene.h"

namespace likeness::render {

/// Size and encoding of one packed array image.
struct PackedImageLayout {
  int width = 1;
  int height = 1;
  int layers = 1;
  bool srgb = true;  ///< texels are sRGB-encoded colour (albedo only)
  std::size_t bytes() const {
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * static_cast<std::size_t>(layers) * 4;
  }
  bool operator==(const PackedImageLayout&) const = default;
};

struct PackedTexturesLayout {
  PackedImageLayout albedo;
  PackedImageLayout material;
  std::size_t bytes() const { return albedo.bytes() + material.bytes(); }
  bool operator==(const PackedTexturesLayout&) const = default;
};

/// The packed layout of a set of textures (validates them: InputError naming the map at fault).
PackedTexturesLayout packed_layout(const Textures& textures);

/// Packs `textures` into `destination` (layout.bytes() bytes): albedo texels, then material texels.
void pack_textures(const Textures& textures, const PackedTexturesLayout& layout, std::uint8_t* destination);

/// Linear [0, 1] to an sRGB-encoded byte, and back (exact IEC 61966-2-1 curve, rounded).
std::uint8_t linear_to_srgb8(float linear);
float srgb8_to_linear(std::uint8_t encoded);

}  // namespace likeness::render
