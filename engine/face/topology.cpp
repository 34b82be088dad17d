#include "engine/face/topology.h"

#include <ATen/ATen.h>

#include <cmath>
#include <map>
#include <utility>

#include "engine/core/error.h"
#include "engine/io/obj_reader.h"

namespace likeness::face {
namespace {

struct MaterialRule {
  const char* name;
  MaterialKind kind;
  int tile;  // -1: keep the tile the OBJ gives
};

// How each ICT material is drawn and which tile its UVs use after remapping.
constexpr MaterialRule kMaterialRules[] = {
    {"M_Face", MaterialKind::Skin, kFaceTile},          {"M_BackHead", MaterialKind::Skin, kBackHeadTile},
    {"M_GumsTongue", MaterialKind::Gums, kGumsTile},    {"M_Teeth", MaterialKind::Teeth, kTeethTile},
    {"M_ScleraLeft", MaterialKind::Eye, kEyeTile},      {"M_IrisLeft", MaterialKind::Eye, kEyeTile},
    {"M_ScleraRight", MaterialKind::Eye, kEyeTile},     {"M_IrisRight", MaterialKind::Eye, kEyeTile},
    {"M_LacrimalFluid", MaterialKind::Transparent, -1}, {"M_EyeBlend", MaterialKind::Transparent, -1},
    {"M_EyeOcclusion", MaterialKind::Transparent, -1},  {"M_EyeLashes", MaterialKind::Lashes, kLashesTile},
};

}  // namespace

int Topology::material_index(const std::string& name) const {
  for (std::size_t i = 0; i < materials.size(); ++i)
    if (materials[i].name == name) return static_cast<int>(i);
  return -1;
}

at::Tensor Topology::triangle_ids_of(const std::vector<MaterialKind>& kinds) const {
  std::vector<std::int64_t> keep;
  auto mat = triangle_material.accessor<std::int64_t, 1>();
  for (std::int64_t t = 0; t < triangle_material.size(0); ++t)
    for (MaterialKind k : kinds)
      if (materials[static_cast<std::size_t>(mat[t])].kind == k) {
        keep.push_back(t);
        break;
      }
  return at::tensor(keep, at::kLong);
}

at::Tensor Topology::triangles_of(const std::vector<MaterialKind>& kinds) const {
  return triangles.index_select(0, triangle_ids_of(kinds));
}

const std::vector<MaterialKind>& Topology::opaque_kinds() {
  static const std::vector<MaterialKind> kinds = {MaterialKind::Skin, MaterialKind::Eye, MaterialKind::Teeth, MaterialKind::Gums};
  return kinds;
}

const std::vector<MaterialKind>& Topology::textured_kinds() {
  static const std::vector<MaterialKind> kinds = [] {
    std::vector<MaterialKind> k = opaque_kinds();
    k.push_back(MaterialKind::Lashes);
    return k;
  }();
  return kinds;
}

Topology Topology::from_obj(const io::ObjMesh& mesh) {
  Topology topo;
  topo.vertex_count = static_cast<int>(mesh.positions.size());
  topo.uv_count = static_cast<int>(mesh.uvs.size());
  for (const std::string& name : mesh.materials) {
    Material m;
    m.name = name;
    m.kind = MaterialKind::Skin;
    m.tile = -1;
    for (const MaterialRule& rule : kMaterialRules)
      if (name == rule.name) {
        m.kind = rule.kind;
        m.tile = rule.tile;
      }
    topo.materials.push_back(m);
  }

  // UVs: the eyeball materials share tile 0 with the face upstream; move them to kEyeTile. A UV
  // used by both (none in ICT) would be duplicated, so collect which UVs each material uses.
  std::vector<float> uv_data;
  uv_data.reserve(mesh.uvs.size() * 2);
  for (const auto& uv : mesh.uvs) {
    uv_data.push_back(uv[0]);
    uv_data.push_back(uv[1]);
  }
  std::vector<int> uv_tile_override(mesh.uvs.size(), -1);
  topo.polygon_offsets = mesh.face_offsets;
  topo.polygon_vertices = mesh.corner_position;
  topo.polygon_uvs = mesh.corner_uv;
  topo.polygon_material = mesh.face_material;
  for (std::size_t f = 0; f < mesh.face_count(); ++f) {
    int material = mesh.face_material[f];
    if (material < 0) throw InputError("head mesh: polygon " + std::to_string(f) + " has no material");
    for (std::uint32_t c = mesh.face_offsets[f]; c < mesh.face_offsets[f + 1]; ++c)
      if (mesh.corner_uv[c] < 0) throw InputError("head mesh: polygon " + std::to_string(f) + " has a corner without UV");
    const Material& m = topo.materials[static_cast<std::size_t>(material)];
    if (m.kind != MaterialKind::Eye) continue;
    for (std::uint32_t c = mesh.face_offsets[f]; c < mesh.face_offsets[f + 1]; ++c)
      uv_tile_override[static_cast<std::size_t>(mesh.corner_uv[c])] = kEyeTile;
  }
  for (std::size_t i = 0; i < mesh.uvs.size(); ++i)
    if (uv_tile_override[i] >= 0) uv_data[2 * i] = uv_data[2 * i] - std::floor(uv_data[2 * i]) + static_cast<float>(uv_tile_override[i]);
  for (Material& m : topo.materials)
    if (m.tile < 0) {
      // Take the tile from the material's first polygon.
      for (std::size_t f = 0; f < mesh.face_count(); ++f)
        if (&topo.materials[static_cast<std::size_t>(mesh.face_material[f])] == &m) {
          m.tile = static_cast<int>(std::floor(uv_data[2 * static_cast<std::size_t>(mesh.corner_uv[mesh.face_offsets[f]])]));
          break;
        }
      if (m.tile < 0) m.tile = 0;
    }
  topo.uvs = at::from_blob(uv_data.data(), {static_cast<long>(mesh.uvs.size()), 2}, at::kFloat).clone();

  // Triangulate (fan from corner 0: quads become 0-1-2 and 0-2-3) and build render vertices.
  std::vector<std::int64_t> tris, uv_tris, render_tris, tri_material, tri_polygon;
  std::vector<std::int64_t> render_position, render_uv;
  std::map<std::pair<int, int>, std::int64_t> render_index;
  auto render_vertex = [&](int v, int uv) {
    auto [it, inserted] = render_index.emplace(std::make_pair(v, uv), static_cast<std::int64_t>(render_position.size()));
    if (inserted) {
      render_position.push_back(v);
      render_uv.push_back(uv);
    }
    return it->second;
  };
  for (std::size_t f = 0; f < mesh.face_count(); ++f) {
    std::uint32_t begin = mesh.face_offsets[f], end = mesh.face_offsets[f + 1];
    for (std::uint32_t k = begin + 1; k + 1 < end; ++k) {
      for (std::uint32_t c : {begin, k, k + 1}) {
        tris.push_back(mesh.corner_position[c]);
        uv_tris.push_back(mesh.corner_uv[c]);
        render_tris.push_back(render_vertex(mesh.corner_position[c], mesh.corner_uv[c]));
      }
      tri_material.push_back(mesh.face_material[f]);
      tri_polygon.push_back(static_cast<std::int64_t>(f));
    }
  }
  const long t = static_cast<long>(tri_material.size());
  auto as_tensor = [](std::vector<std::int64_t>& v, std::vector<long> shape) {
    return at::from_blob(v.data(), shape, at::kLong).clone();
  };
  topo.triangles = as_tensor(tris, {t, 3});
  topo.uv_triangles = as_tensor(uv_tris, {t, 3});
  topo.render_triangles = as_tensor(render_tris, {t, 3});
  topo.triangle_material = as_tensor(tri_material, {t});
  topo.triangle_polygon = as_tensor(tri_polygon, {t});
  topo.render_vertex_position = as_tensor(render_position, {static_cast<long>(render_position.size())});
  topo.render_vertex_uv = as_tensor(render_uv, {static_cast<long>(render_uv.size())});
  return topo;
}

}  // namespace likeness::face
