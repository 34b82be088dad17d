#include "engine/export/gltf_export.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "engine/core/atomic_file.h"
#include "engine/core/json_util.h"
#include "engine/export/png_encode.h"
#include "engine/export/presets.h"

namespace likeness::exporter {
namespace {

constexpr int kFloat = 5126, kUnsignedInt = 5125;
constexpr int kArrayBuffer = 34962, kElementArrayBuffer = 34963;

/// The binary chunk and the JSON arrays that describe its contents.
struct Builder {
  std::string bin;
  Json buffer_views = Json::array();
  Json accessors = Json::array();

  int view(const void* data, std::size_t size, int target) {
    while (bin.size() % 4) bin += '\0';
    Json v = {{"buffer", 0}, {"byteOffset", bin.size()}, {"byteLength", size}};
    if (target) v["target"] = target;
    bin.append(static_cast<const char*>(data), size);
    buffer_views.push_back(v);
    return static_cast<int>(buffer_views.size()) - 1;
  }

  int floats(const std::vector<float>& values, int components, bool bounds) {
    const int v = view(values.data(), values.size() * sizeof(float), kArrayBuffer);
    static const char* kTypes[] = {"", "SCALAR", "VEC2", "VEC3", "VEC4"};
    Json a = {{"bufferView", v}, {"componentType", kFloat}, {"count", values.size() / components}, {"type", kTypes[components]}};
    if (bounds) {
      std::vector<float> lo(components, std::numeric_limits<float>::max()), hi(components, std::numeric_limits<float>::lowest());
      for (std::size_t i = 0; i < values.size(); ++i) {
        lo[i % components] = std::min(lo[i % components], values[i]);
        hi[i % components] = std::max(hi[i % components], values[i]);
      }
      if (values.empty()) lo = hi = std::vector<float>(components, 0.0f);
      a["min"] = lo;
      a["max"] = hi;
    }
    accessors.push_back(a);
    return static_cast<int>(accessors.size()) - 1;
  }

  int indices(const std::vector<std::uint32_t>& values) {
    const int v = view(values.data(), values.size() * sizeof(std::uint32_t), kElementArrayBuffer);
    accessors.push_back({{"bufferView", v}, {"componentType", kUnsignedInt}, {"count", values.size()}, {"type", "SCALAR"}});
    return static_cast<int>(accessors.size()) - 1;
  }
};

io::Image metallic_roughness(const io::Image& roughness) {
  // glTF reads roughness from G and metalness from B; R is left at 1 (no occlusion).
  io::Image out;
  out.width = roughness.width;
  out.height = roughness.height;
  out.channels = 3;
  out.pixels.resize(static_cast<std::size_t>(out.width) * out.height * 3);
  for (std::size_t i = 0; i < static_cast<std::size_t>(out.width) * out.height; ++i) {
    out.pixels[3 * i] = 1.0f;
    out.pixels[3 * i + 1] = roughness.pixels[i];
    out.pixels[3 * i + 2] = 0.0f;
  }
  return out;
}

}  // namespace

std::string encode_glb(const ExportScene& scene, const GltfOptions& options) {
  scene.validate();
  const ExportMesh& mesh = scene.mesh;
  const AxisPreset& space = gltf_space();
  Builder b;
  Json images = Json::array(), textures = Json::array(), materials = Json::array(), primitives = Json::array();

  // Textures: one image per map, one sampler for all.
  auto add_image = [&](const io::Image& image, PngEncoding encoding, const std::string& name) -> int {
    const std::string png = encode_png(image, encoding);
    const int v = b.view(png.data(), png.size(), 0);
    images.push_back({{"bufferView", v}, {"mimeType", "image/png"}, {"name", name}});
    textures.push_back({{"sampler", 0}, {"source", images.size() - 1}});
    return static_cast<int>(textures.size()) - 1;
  };
  struct MapIds {
    int albedo = -1, normal = -1, roughness = -1;
  };
  std::vector<MapIds> map_ids(scene.textures.size());
  if (options.embed_textures)
    for (std::size_t t = 0; t < scene.textures.size(); ++t) {
      const TextureMaps& maps = scene.textures[t];
      if (!maps.albedo.pixels.empty()) map_ids[t].albedo = add_image(maps.albedo, PngEncoding::Srgb, scene.name + "_" + maps.name + "_albedo");
      if (!maps.normal.pixels.empty()) map_ids[t].normal = add_image(maps.normal, PngEncoding::Linear, scene.name + "_" + maps.name + "_normal");
      if (!maps.roughness.pixels.empty())
        map_ids[t].roughness = add_image(metallic_roughness(maps.roughness), PngEncoding::Linear, scene.name + "_" + maps.name + "_roughness");
    }
  for (const ExportMaterial& mat : scene.materials) {
    Json pbr = {{"metallicFactor", 0.0}, {"roughnessFactor", mat.roughness}};
    Json m = {{"name", mat.name}, {"doubleSided", mat.role == MaterialRole::Lashes}};
    const MapIds ids = mat.textures >= 0 ? map_ids[static_cast<std::size_t>(mat.textures)] : MapIds{};
    if (ids.albedo >= 0) {
      pbr["baseColorTexture"] = {{"index", ids.albedo}};
    } else {
      pbr["baseColorFactor"] = {mat.base_color[0], mat.base_color[1], mat.base_color[2], 1.0};
    }
    if (ids.roughness >= 0) {
      pbr["roughnessFactor"] = 1.0;
      pbr["metallicRoughnessTexture"] = {{"index", ids.roughness}};
    }
    if (ids.normal >= 0) m["normalTexture"] = {{"index", ids.normal}};
    m["pbrMetallicRoughness"] = pbr;
    materials.push_back(m);
  }

  // One primitive per material that has polygons, with its own split vertices.
  std::vector<std::vector<std::uint32_t>> polygons_of(scene.materials.size());
  for (std::uint32_t p = 0; p < mesh.polygon_count(); ++p) polygons_of[mesh.polygon_material[p]].push_back(p);
  const std::size_t shapes = scene.blendshapes.count();
  for (std::size_t m = 0; m < scene.materials.size(); ++m) {
    if (polygons_of[m].empty()) continue;
    std::unordered_map<std::uint64_t, std::uint32_t> local;
    std::vector<std::uint32_t> corner_vertex, corner_uv;  // per local vertex
    std::vector<std::uint32_t> index;
    for (std::uint32_t p : polygons_of[m]) {
      const std::uint32_t a = mesh.polygon_offsets[p], e = mesh.polygon_offsets[p + 1];
      std::vector<std::uint32_t> corners;
      for (std::uint32_t c = a; c < e; ++c) {
        const std::uint64_t key = (static_cast<std::uint64_t>(mesh.polygon_vertices[c]) << 32) | mesh.polygon_uvs[c];
        auto [it, added] = local.emplace(key, static_cast<std::uint32_t>(corner_vertex.size()));
        if (added) {
          corner_vertex.push_back(mesh.polygon_vertices[c]);
          corner_uv.push_back(mesh.polygon_uvs[c]);
        }
        corners.push_back(it->second);
      }
      for (std::size_t k = 1; k + 1 < corners.size(); ++k) index.insert(index.end(), {corners[0], corners[k], corners[k + 1]});
    }
    const std::size_t n = corner_vertex.size();
    std::vector<float> pos(3 * n), nrm(3 * n), uv(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t v = corner_vertex[i];
      const auto p = space.point(&mesh.positions[3 * v]);
      const auto d = space.direction(&mesh.normals[3 * v]);
      for (int k = 0; k < 3; ++k) {
        pos[3 * i + k] = static_cast<float>(p[k]);
        nrm[3 * i + k] = static_cast<float>(d[k]);
      }
      uv[2 * i] = mesh.uvs[2 * corner_uv[i]];
      uv[2 * i + 1] = 1.0f - mesh.uvs[2 * corner_uv[i] + 1];
    }
    Json prim = {{"attributes", {{"POSITION", b.floats(pos, 3, true)}, {"NORMAL", b.floats(nrm, 3, false)}, {"TEXCOORD_0", b.floats(uv, 2, false)}}},
                 {"indices", b.indices(index)},
                 {"material", m},
                 {"mode", 4}};
    if (shapes) {
      Json targets = Json::array();
      std::vector<float> delta(3 * n);
      for (std::size_t s = 0; s < shapes; ++s) {
        const std::vector<float>& d = scene.blendshapes.deltas[s];
        for (std::size_t i = 0; i < n; ++i) {
          const auto q = space.point(&d[3 * corner_vertex[i]]);
          for (int k = 0; k < 3; ++k) delta[3 * i + k] = static_cast<float>(q[k]);
        }
        targets.push_back({{"POSITION", b.floats(delta, 3, true)}});
      }
      prim["targets"] = targets;
    }
    primitives.push_back(prim);
  }

  Json gltf_mesh = {{"name", scene.name}, {"primitives", primitives}};
  if (shapes) {
    gltf_mesh["weights"] = scene.blendshapes.weights;
    gltf_mesh["extras"] = {{"targetNames", scene.blendshapes.names}};
  }
  Json node = {{"name", scene.name}, {"mesh", 0}};
  Json gltf_scene = {{"name", scene.name}, {"nodes", Json::array({0})}};
  Json doc = Json::object();
  doc["asset"] = {{"version", "2.0"}, {"generator", options.generator}};
  doc["scene"] = 0;
  doc["scenes"] = Json::array({gltf_scene});
  doc["nodes"] = Json::array({node});
  doc["meshes"] = Json::array({gltf_mesh});
  doc["materials"] = materials;
  if (!images.empty()) {
    doc["images"] = images;
    doc["textures"] = textures;
    Json sampler = {{"magFilter", 9729}, {"minFilter", 9987}, {"wrapS", 33071}, {"wrapT", 33071}};
    doc["samplers"] = Json::array({sampler});
  }
  while (b.bin.size() % 4) b.bin += '\0';
  Json buffer = {{"byteLength", b.bin.size()}};
  doc["buffers"] = Json::array({buffer});
  doc["bufferViews"] = b.buffer_views;
  doc["accessors"] = b.accessors;

  std::string json = doc.dump();
  while (json.size() % 4) json += ' ';
  std::string out;
  auto u32 = [&out](std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };  // little-endian hosts
  out.reserve(12 + 8 + json.size() + 8 + b.bin.size());
  out += "glTF";
  u32(2);
  u32(static_cast<std::uint32_t>(12 + 8 + json.size() + 8 + b.bin.size()));
  u32(static_cast<std::uint32_t>(json.size()));
  u32(0x4E4F534A);  // JSON
  out += json;
  u32(static_cast<std::uint32_t>(b.bin.size()));
  u32(0x004E4942);  // BIN
  out += b.bin;
  return out;
}

void write_glb(const ExportScene& scene, const std::filesystem::path& path, const GltfOptions& options) {
  write_file_atomic(path, encode_glb(scene, options));
}

}  // namespace likeness::exporter
