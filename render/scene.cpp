#include "render/scene.h"

#include <cmath>

#include "engine/core/error.h"
#include "render/view_options.h"
#include "engine/core/strings.h"

namespace likeness::render {
namespace {

bool all_finite(const std::vector<float>& values) {
  for (float v : values)
    if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace

const char* to_string(MaterialKind kind) {
  switch (kind) {
    case MaterialKind::Skin: return "skin";
    case MaterialKind::Eye: return "eye";
    case MaterialKind::Teeth: return "teeth";
    case MaterialKind::Gums: return "gums";
    case MaterialKind::Lashes: return "lashes";
    case MaterialKind::Transparent: return "transparent";
  }
  return "skin";
}

void Mesh::validate() const {
  if (positions.empty() || positions.size() % 3 != 0)
    throw InputError("mesh: field 'positions' must hold 3 floats per vertex (has " + std::to_string(positions.size()) + ")");
  const std::size_t n = vertex_count();
  if (normals.size() != positions.size())
    throw InputError("mesh: field 'normals' has " + std::to_string(normals.size()) + " floats, expected " +
                     std::to_string(positions.size()));
  if (uvs.size() != 2 * n)
    throw InputError("mesh: field 'uvs' has " + std::to_string(uvs.size()) + " floats, expected " + std::to_string(2 * n));
  if (!all_finite(positions)) throw InputError("mesh: field 'positions' holds a non-finite value");
  if (!all_finite(normals)) throw InputError("mesh: field 'normals' holds a non-finite value");
  if (!all_finite(uvs)) throw InputError("mesh: field 'uvs' holds a non-finite value");
  if (indices.empty() || indices.size() % 3 != 0)
    throw InputError("mesh: field 'indices' must hold 3 entries per triangle (has " + std::to_string(indices.size()) + ")");
  for (std::size_t i = 0; i < indices.size(); ++i)
    if (indices[i] >= n)
      throw InputError("mesh: field 'indices' entry " + std::to_string(i) + " is " + std::to_string(indices[i]) +
                       ", beyond the " + std::to_string(n) + " vertices");
  for (std::size_t m = 0; m < materials.size(); ++m) {
    const MaterialRange& r = materials[m];
    if (r.first_index % 3 != 0 || r.index_count % 3 != 0 ||
        static_cast<std::size_t>(r.first_index) + r.index_count > indices.size())
      throw InputError("mesh: field 'materials' range " + std::to_string(m) + " (" + to_string(r.kind) +
                       ") does not lie on whole triangles of 'indices'");
  }
  for (std::size_t i = 0; i < landmarks.size(); ++i)
    if (landmarks[i] >= n)
      throw InputError("mesh: field 'landmarks' entry " + std::to_string(i) + " is beyond the vertices");
}

void TextureStack::validate(const std::string& name, int min_channels, int max_channels) const {
  if (empty()) return;
  if (width < 0 || height < 0 || layers < 0 || width > 16384 || height > 16384 || layers > 64)
    throw InputError("texture '" + name + "': size " + std::to_string(width) + "x" + std::to_string(height) + "x" +
                     std::to_string(layers) + " is out of range");
  if (channels < min_channels || channels > max_channels || channels == 2)
    throw InputError("texture '" + name + "': " + std::to_string(channels) + " channels, expected " +
                     (min_channels == max_channels ? std::to_string(min_channels)
                                                   : std::to_string(min_channels) + " to " + std::to_string(max_channels)));
  const std::size_t expected = texel_count() * static_cast<std::size_t>(channels);
  const std::size_t have = type == TexelType::U8 ? u8.size() : f32.size();
  if (have != expected)
    throw InputError("texture '" + name + "': holds " + std::to_string(have) + " values, expected " + std::to_string(expected));
  if (type == TexelType::F32 && !all_finite(f32)) throw InputError("texture '" + name + "': holds a non-finite value");
}

void Textures::validate() const {
  albedo.validate("albedo", 3, 4);
  normal.validate("normal", 3, 4);
  roughness.validate("roughness", 1, 1);
}

void Overlays::validate(std::size_t vertex_count) const {
  auto check = [&](const std::vector<float>& v, const char* name) {
    if (v.empty()) return;
    if (v.size() != vertex_count)
      throw InputError(std::string("overlay '") + name + "': " + std::to_string(v.size()) + " values, expected one per vertex (" +
                       std::to_string(vertex_count) + ")");
    if (!all_finite(v)) throw InputError(std::string("overlay '") + name + "': holds a non-finite value");
  };
  check(region, "region");
  check(heat, "heat");
  check(painted, "painted");
}

std::vector<std::string> overlay_names() {
  return {"wireframe", "uv-checker", "region", "heat", "painted", "landmarks"};
}

unsigned parse_overlays(std::string_view list) {
  unsigned bits = 0;
  for (const std::string& raw : split(list, ',')) {
    std::string word = to_lower_ascii(trim(raw));
    if (word.empty() || word == "none") continue;
    if (word == "wireframe" || word == "wire") bits |= kOverlayWireframe;
    else if (word == "uv-checker" || word == "uv_checker" || word == "checker") bits |= kOverlayUvChecker;
    else if (word == "region" || word == "regions" || word == "region-mask") bits |= kOverlayRegion;
    else if (word == "heat" || word == "heatmap" || word == "weights" || word == "attention") bits |= kOverlayHeat;
    else if (word == "painted" || word == "painted-mask" || word == "mask") bits |= kOverlayPainted;
    else if (word == "landmarks" || word == "landmark") bits |= kOverlayLandmarks;
    else {
      std::string hint;
      auto close = closest_words(word, overlay_names());
      if (!close.empty()) hint = " (did you mean '" + close.front() + "'?)";
      throw InputError("overlay '" + word + "'" + hint + ": expected " + join(overlay_names(), ", "));
    }
  }
  return bits;
}

}  // namespace likeness::render
