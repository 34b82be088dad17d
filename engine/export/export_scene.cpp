#include "engine/export/export_scene.h"

#include <cmath>
#include <unordered_set>

#include "engine/core/error.h"

namespace likeness::exporter {

std::size_t ExportMesh::split_vertex_count() const {
  std::unordered_set<std::uint64_t> pairs;
  pairs.reserve(polygon_vertices.size());
  for (std::size_t c = 0; c < polygon_vertices.size(); ++c)
    pairs.insert((static_cast<std::uint64_t>(polygon_vertices[c]) << 32) | polygon_uvs[c]);
  return pairs.size();
}

namespace {

void check_finite(const std::vector<float>& values, const std::string& field) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i])) throw InputError("export scene: " + field + " has a non-finite value at " + std::to_string(i));
}

void check_image(const io::Image& image, int channels, const std::string& field) {
  if (image.pixels.empty()) return;
  if (image.width <= 0 || image.height <= 0 || image.channels != channels ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.channels)
    throw InputError("export scene: " + field + " must be a " + std::to_string(channels) + "-channel image (got " +
                     std::to_string(image.width) + "x" + std::to_string(image.height) + "x" + std::to_string(image.channels) + ")");
}

}  // namespace

void ExportScene::validate() const {
  const std::size_t v = mesh.vertex_count();
  if (mesh.positions.size() % 3 != 0 || v == 0) throw InputError("export scene: mesh.positions must hold 3 floats per vertex");
  if (mesh.normals.size() != mesh.positions.size()) throw InputError("export scene: mesh.normals must hold one normal per vertex");
  if (mesh.uvs.size() % 2 != 0 || mesh.uvs.empty()) throw InputError("export scene: mesh.uvs must hold 2 floats per UV");
  check_finite(mesh.positions, "mesh.positions");
  check_finite(mesh.normals, "mesh.normals");
  check_finite(mesh.uvs, "mesh.uvs");
  if (mesh.polygon_offsets.empty() || mesh.polygon_offsets.front() != 0 || mesh.polygon_offsets.back() != mesh.polygon_vertices.size())
    throw InputError("export scene: mesh.polygon_offsets must start at 0 and end at the corner count");
  if (mesh.polygon_uvs.size() != mesh.polygon_vertices.size()) throw InputError("export scene: mesh.polygon_uvs must have one UV per corner");
  if (mesh.polygon_material.size() != mesh.polygon_count()) throw InputError("export scene: mesh.polygon_material must have one entry per polygon");
  for (std::size_t p = 0; p < mesh.polygon_count(); ++p) {
    if (mesh.polygon_offsets[p + 1] < mesh.polygon_offsets[p] + 3)
      throw InputError("export scene: polygon " + std::to_string(p) + " has fewer than 3 corners");
    if (mesh.polygon_material[p] >= materials.size())
      throw InputError("export scene: polygon " + std::to_string(p) + " names material " + std::to_string(mesh.polygon_material[p]) +
                       " of " + std::to_string(materials.size()));
  }
  for (std::size_t c = 0; c < mesh.corner_count(); ++c) {
    if (mesh.polygon_vertices[c] >= v) throw InputError("export scene: corner " + std::to_string(c) + " names a vertex out of range");
    if (mesh.polygon_uvs[c] >= mesh.uv_count()) throw InputError("export scene: corner " + std::to_string(c) + " names a UV out of range");
  }
  std::unordered_set<std::string> names;
  for (std::size_t m = 0; m < materials.size(); ++m) {
    const ExportMaterial& mat = materials[m];
    if (mat.name.empty() || !names.insert(mat.name).second)
      throw InputError("export scene: material " + std::to_string(m) + " needs a unique, non-empty name");
    if (mat.textures < -1 || mat.textures >= static_cast<int>(textures.size()))
      throw InputError("export scene: material " + mat.name + " names texture set " + std::to_string(mat.textures) + " of " +
                       std::to_string(textures.size()));
  }
  for (const TextureMaps& t : textures) {
    if (t.name.empty() || t.name.find_first_of("/\\ .") != std::string::npos)
      throw InputError("export scene: texture set name '" + t.name + "' must be a plain file-name word");
    check_image(t.albedo, 3, "textures." + t.name + ".albedo");
    check_image(t.normal, 3, "textures." + t.name + ".normal");
    check_image(t.roughness, 1, "textures." + t.name + ".roughness");
  }
  const Blendshapes& b = blendshapes;
  if (b.deltas.size() != b.names.size() || b.weights.size() != b.names.size())
    throw InputError("export scene: blendshapes need as many deltas and weights as names");
  std::unordered_set<std::string> shape_names;
  for (std::size_t s = 0; s < b.names.size(); ++s) {
    if (b.names[s].empty() || !shape_names.insert(b.names[s]).second)
      throw InputError("export scene: blendshape " + std::to_string(s) + " needs a unique, non-empty name");
    if (b.deltas[s].size() != mesh.positions.size())
      throw InputError("export scene: blendshape " + b.names[s] + " must have one delta per vertex");
    check_finite(b.deltas[s], "blendshape " + b.names[s]);
    if (!std::isfinite(b.weights[s])) throw InputError("export scene: blendshape " + b.names[s] + " has a non-finite weight");
  }
}

std::vector<std::uint32_t> fan_triangles(const ExportMesh& mesh, std::uint32_t first_polygon, std::uint32_t end_polygon) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t p = first_polygon; p < end_polygon; ++p) {
    const std::uint32_t a = mesh.polygon_offsets[p], e = mesh.polygon_offsets[p + 1];
    for (std::uint32_t c = a + 1; c + 1 < e; ++c) {
      out.push_back(a);
      out.push_back(c);
      out.push_back(c + 1);
    }
  }
  return out;
}

}  // namespace likeness::exporter
