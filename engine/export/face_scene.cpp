#include "engine/export/face_scene.h"

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/state/face_state.h"

namespace likeness::exporter {
namespace {

MaterialRole role_of(face::MaterialKind kind) {
  switch (kind) {
    case face::MaterialKind::Skin: return MaterialRole::Skin;
    case face::MaterialKind::Eye: return MaterialRole::Eye;
    case face::MaterialKind::Teeth: return MaterialRole::Teeth;
    case face::MaterialKind::Gums: return MaterialRole::Gums;
    case face::MaterialKind::Lashes: return MaterialRole::Lashes;
    case face::MaterialKind::Transparent: return MaterialRole::Transparent;
  }
  return MaterialRole::Skin;
}

std::array<float, 3> default_colour(MaterialRole role) {
  switch (role) {
    case MaterialRole::Skin: return {0.6f, 0.42f, 0.35f};
    case MaterialRole::Eye: return {0.85f, 0.85f, 0.85f};
    case MaterialRole::Teeth: return {0.8f, 0.78f, 0.7f};
    case MaterialRole::Gums: return {0.6f, 0.25f, 0.25f};
    case MaterialRole::Lashes: return {0.05f, 0.04f, 0.03f};
    case MaterialRole::Transparent: return {1.0f, 1.0f, 1.0f};
  }
  return {0.8f, 0.8f, 0.8f};
}

std::vector<float> to_floats(const at::Tensor& t) {
  at::Tensor c = t.detach().to(at::kFloat).contiguous().cpu();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

io::Image image_from(const at::Tensor& hwc, bool encode_normal) {
  at::Tensor t = hwc.detach().to(at::kFloat).contiguous().cpu();
  if (encode_normal) t = (t * 0.5 + 0.5).clamp(0.0, 1.0).contiguous();
  io::Image img;
  img.height = static_cast<int>(t.size(0));
  img.width = static_cast<int>(t.size(1));
  img.channels = static_cast<int>(t.size(2));
  img.pixels.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  return img;
}

}  // namespace

std::vector<int> textured_tiles() {
  return {face::kFaceTile, face::kBackHeadTile, face::kGumsTile, face::kTeethTile, face::kLashesTile, face::kEyeTile};
}

std::string tile_texture_name(int tile) {
  switch (tile) {
    case face::kFaceTile: return "face";
    case face::kBackHeadTile: return "backhead";
    case face::kGumsTile: return "gums";
    case face::kTeethTile: return "teeth";
    case face::kLashesTile: return "lashes";
    case face::kEyeTile: return "eyes";
    default: return "tile" + std::to_string(tile);
  }
}

TileTextures tile_textures_from_stacks(const at::Tensor& albedo, const at::Tensor& normal, const at::Tensor& roughness,
                                       const std::vector<int>& tiles) {
  auto check = [](const at::Tensor& t, const char* name, int channels) {
    if (!t.defined()) return;
    if (t.dim() != 4 || t.size(3) != channels || t.size(1) <= 0 || t.size(2) <= 0)
      throw InputError(std::string("export textures: ") + name + " must be [tiles, H, W, " + std::to_string(channels) + "]");
  };
  check(albedo, "albedo", 3);
  check(normal, "normal", 3);
  check(roughness, "roughness", 1);
  TileTextures out;
  for (int tile : tiles) {
    TextureMaps maps;
    maps.name = tile_texture_name(tile);
    if (albedo.defined() && tile < albedo.size(0)) maps.albedo = image_from(albedo[tile], false);
    if (normal.defined() && tile < normal.size(0)) maps.normal = image_from(normal[tile], true);
    if (roughness.defined() && tile < roughness.size(0)) maps.roughness = image_from(roughness[tile], false);
    if (!maps.empty()) out[tile] = std::move(maps);
  }
  return out;
}

ExportScene scene_from_face(const face::FaceModel& model, const at::Tensor& identity, const at::Tensor& expression,
                            const at::Tensor& displacement, TileTextures textures, const FaceSceneOptions& options) {
  torch::NoGradGuard no_grad;
  const face::Topology& topo = model.topology();
  at::Tensor weights = expression.defined() ? expression.detach().to(at::kFloat).reshape({-1}) : model.zero_expression();
  if (weights.size(0) != model.expression_count())
    throw InputError("export: expression has " + std::to_string(weights.size(0)) + " weights, the model " +
                     std::to_string(model.expression_count()));
  at::Tensor rest = options.blendshapes ? model.vertices(identity.detach().to(at::kFloat))
                                        : model.vertices(identity.detach().to(at::kFloat), weights);
  if (displacement.defined() && displacement.numel() > 0) {
    if (displacement.sizes() != rest.sizes()) throw InputError("export: displacement must be [V, 3] like the model's vertices");
    rest = rest + displacement.detach().to(at::kFloat);
  }
  at::Tensor normals = model.vertex_normals(rest);

  ExportScene scene;
  scene.name = options.name;
  // Materials kept, and their texture sets (one per tile).
  std::vector<int> material_of(topo.materials.size(), -1);
  std::map<int, int> texture_of_tile;
  for (std::size_t m = 0; m < topo.materials.size(); ++m) {
    const face::Material& fm = topo.materials[m];
    if (fm.kind == face::MaterialKind::Transparent && !options.include_transparent) continue;
    ExportMaterial mat;
    mat.name = fm.name;
    mat.role = role_of(fm.kind);
    mat.base_color = default_colour(mat.role);
    mat.roughness = mat.role == MaterialRole::Eye ? 0.1f : 0.5f;
    auto it = textures.find(fm.tile);
    if (fm.tile >= 0 && it != textures.end()) {
      auto [slot, added] = texture_of_tile.emplace(fm.tile, static_cast<int>(scene.textures.size()));
      if (added) scene.textures.push_back(std::move(it->second));
      mat.textures = slot->second;
    }
    material_of[m] = static_cast<int>(scene.materials.size());
    scene.materials.push_back(std::move(mat));
  }
  // Polygons of kept materials; vertices and UVs renumbered to those used.
  std::vector<std::int64_t> new_vertex(static_cast<std::size_t>(topo.vertex_count), -1), new_uv(static_cast<std::size_t>(topo.uv_count), -1);
  std::vector<std::uint32_t> old_vertex, old_uv;
  std::vector<int> uv_tile;
  ExportMesh& mesh = scene.mesh;
  for (int p = 0; p < topo.polygon_count(); ++p) {
    const int m = topo.polygon_material[static_cast<std::size_t>(p)];
    if (material_of[static_cast<std::size_t>(m)] < 0) continue;
    for (std::uint32_t c = topo.polygon_offsets[static_cast<std::size_t>(p)]; c < topo.polygon_offsets[static_cast<std::size_t>(p) + 1]; ++c) {
      const auto v = static_cast<std::size_t>(topo.polygon_vertices[c]), t = static_cast<std::size_t>(topo.polygon_uvs[c]);
      if (new_vertex[v] < 0) {
        new_vertex[v] = static_cast<std::int64_t>(old_vertex.size());
        old_vertex.push_back(static_cast<std::uint32_t>(v));
      }
      if (new_uv[t] < 0) {
        new_uv[t] = static_cast<std::int64_t>(old_uv.size());
        old_uv.push_back(static_cast<std::uint32_t>(t));
        uv_tile.push_back(topo.materials[static_cast<std::size_t>(m)].tile);
      }
      mesh.polygon_vertices.push_back(static_cast<std::uint32_t>(new_vertex[v]));
      mesh.polygon_uvs.push_back(static_cast<std::uint32_t>(new_uv[t]));
    }
    mesh.polygon_offsets.push_back(static_cast<std::uint32_t>(mesh.polygon_vertices.size()));
    mesh.polygon_material.push_back(static_cast<std::uint32_t>(material_of[static_cast<std::size_t>(m)]));
  }
  at::Tensor keep = torch::tensor(std::vector<std::int64_t>(old_vertex.begin(), old_vertex.end()), torch::kLong);
  mesh.positions = to_floats(rest.index_select(0, keep));
  mesh.normals = to_floats(normals.index_select(0, keep));
  const std::vector<float> all_uvs = to_floats(topo.uvs);
  mesh.uvs.resize(2 * old_uv.size());
  for (std::size_t i = 0; i < old_uv.size(); ++i) {
    const float u = all_uvs[2 * old_uv[i]], v = all_uvs[2 * old_uv[i] + 1];
    // UDIM: u in [tile, tile + 1). Helper shells with no tile keep their fractional part.
    mesh.uvs[2 * i] = uv_tile[i] >= 0 ? u - static_cast<float>(uv_tile[i]) : u - std::floor(u);
    mesh.uvs[2 * i + 1] = v;
  }
  if (options.blendshapes) {
    at::Tensor basis = model.expression_basis().index_select(1, keep);  // [E, V', 3]
    scene.blendshapes.names = model.expression_names();
    scene.blendshapes.weights = to_floats(weights);
    for (int e = 0; e < model.expression_count(); ++e) scene.blendshapes.deltas.push_back(to_floats(basis[e]));
  }
  scene.validate();
  return scene;
}

ExportScene scene_from_state(const face::FaceModel& model, const state::FaceState& state, TileTextures textures,
                             const FaceSceneOptions& options) {
  state.validate("export");
  return scene_from_face(model, state.identity, state.expression, state.displacement, std::move(textures), options);
}

}  // namespace likeness::exporter
