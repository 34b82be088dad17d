#include "engine/export/fbx_export.h"

#include <cmath>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/export/png_encode.h"

namespace likeness::exporter {
namespace {

using fbx::Node;
using fbx::object_name;

/// Properties70 "P" records.
struct Props {
  Node& node;
  Props& p(const char* name, const char* type, const char* label, const char* flags) {
    node.add("P").str(name).str(type).str(label).str(flags);
    return *this;
  }
  Props& integer(const char* name, int v) {
    node.add("P").str(name).str("int").str("Integer").str("").i32(v);
    return *this;
  }
  Props& number(const char* name, double v) {
    node.add("P").str(name).str("double").str("Number").str("").f64(v);
    return *this;
  }
  Props& text(const char* name, const std::string& v) {
    node.add("P").str(name).str("KString").str("").str("").str(v);
    return *this;
  }
  Props& colour(const char* name, double r, double g, double b) {
    node.add("P").str(name).str("Color").str("").str("A").f64(r).f64(g).f64(b);
    return *this;
  }
  Props& vector(const char* name, const char* type, double x, double y, double z) {
    node.add("P").str(name).str(type).str("").str("A").f64(x).f64(y).f64(z);
    return *this;
  }
};

Node header_extension(const std::string& creator) {
  Node h("FBXHeaderExtension");
  h.add("FBXHeaderVersion").i32(1003);
  h.add("FBXVersion").i32(7400);
  Node& stamp = h.add("CreationTimeStamp");
  stamp.add("Version").i32(1000);
  for (const char* f : {"Year", "Month", "Day", "Hour", "Minute", "Second", "Millisecond"}) stamp.add(f).i32(0);
  h.add("Creator").str(creator);
  return h;
}

Node global_settings(const AxisPreset& preset) {
  Node g("GlobalSettings");
  g.add("Version").i32(1000);
  Props p{g.add("Properties70")};
  p.integer("UpAxis", preset.up.axis).integer("UpAxisSign", preset.up.sign);
  p.integer("FrontAxis", preset.front.axis).integer("FrontAxisSign", preset.front.sign);
  p.integer("CoordAxis", preset.coord.axis).integer("CoordAxisSign", preset.coord.sign);
  p.integer("OriginalUpAxis", preset.up.axis).integer("OriginalUpAxisSign", preset.up.sign);
  p.number("UnitScaleFactor", preset.centimetres_per_unit).number("OriginalUnitScaleFactor", preset.centimetres_per_unit);
  p.colour("AmbientColor", 0, 0, 0);
  p.text("DefaultCamera", "Producer Perspective");
  p.node.add("P").str("TimeMode").str("enum").str("").str("").i32(11);
  p.node.add("P").str("TimeSpanStart").str("KTime").str("Time").str("").i64(0);
  p.node.add("P").str("TimeSpanStop").str("KTime").str("Time").str("").i64(46186158000);
  p.number("CustomFrameRate", -1.0);
  return g;
}

Node definitions(std::size_t materials, std::size_t textures, std::size_t shapes) {
  Node d("Definitions");
  d.add("Version").i32(100);
  const std::size_t geometries = 1 + shapes, deformers = shapes ? 1 + shapes : 0;
  const std::size_t total = 1 + 1 + geometries + materials + 2 * textures + deformers;
  d.add("Count").i32(static_cast<std::int32_t>(total));
  auto type = [&d](const char* name, std::size_t count) {
    if (!count) return;
    Node& t = d.add("ObjectType").str(name);
    t.add("Count").i32(static_cast<std::int32_t>(count));
  };
  type("GlobalSettings", 1);
  type("Model", 1);
  type("Geometry", geometries);
  type("Material", materials);
  type("Texture", textures);
  type("Video", textures);
  type("Deformer", deformers);
  return d;
}

}  // namespace

std::vector<fbx::Node> build_fbx(const ExportScene& scene, const FbxOptions& options,
                                 const std::vector<std::pair<std::string, std::string>>& embedded) {
  scene.validate();
  const ExportMesh& mesh = scene.mesh;
  const AxisPreset& preset = options.preset;
  std::int64_t next_id = 1000000;
  auto new_id = [&next_id] { return next_id++; };
  std::vector<Node> top;
  top.push_back(header_extension(options.creator));
  top.emplace_back("FileId").raw(std::string("\x28\xb3\x2a\xeb\xb6\x24\xcc\xc2\xbf\xc8\xb0\x2a\xa9\x2b\xfc\xf1", 16));
  top.emplace_back("CreationTime").str("1970-01-01 10:00:00:000");
  top.emplace_back("Creator").str(options.creator);
  top.push_back(global_settings(preset));
  Node& documents = top.emplace_back("Documents");
  documents.add("Count").i32(1);
  Node& document = documents.add("Document").i64(new_id()).str("").str("Scene");
  Props{document.add("Properties70")}.p("SourceObject", "object", "", "");
  document.add("RootNode").i64(0);
  top.emplace_back("References");

  std::size_t texture_count = 0;
  for (const FbxOptions::Files& f : options.texture_files)
    texture_count += !f.albedo.empty() + !f.normal.empty() + !f.roughness.empty();
  top.push_back(definitions(scene.materials.size(), texture_count, scene.blendshapes.count()));

  Node objects("Objects");
  Node connections("Connections");
  auto connect = [&connections](std::int64_t child, std::int64_t parent) { connections.add("C").str("OO").i64(child).i64(parent); };
  auto connect_property = [&connections](std::int64_t child, std::int64_t parent, const char* property) {
    connections.add("C").str("OP").i64(child).i64(parent).str(property);
  };

  // Geometry.
  const std::int64_t geometry_id = new_id(), model_id = new_id();
  Node& geometry = objects.add("Geometry").i64(geometry_id).str(object_name(scene.name, "Geometry")).str("Mesh");
  geometry.add("Properties70");
  geometry.add("GeometryVersion").i32(124);
  std::vector<double> vertices(mesh.positions.size());
  for (std::size_t v = 0; v < mesh.vertex_count(); ++v) {
    const auto p = preset.point(&mesh.positions[3 * v]);
    for (int k = 0; k < 3; ++k) vertices[3 * v + k] = p[static_cast<std::size_t>(k)];
  }
  geometry.add("Vertices").f64s(vertices);
  std::vector<std::int32_t> polygon_index(mesh.corner_count()), uv_index(mesh.corner_count());
  std::vector<double> corner_normals(3 * mesh.corner_count());
  for (std::size_t p = 0; p < mesh.polygon_count(); ++p)
    for (std::uint32_t c = mesh.polygon_offsets[p]; c < mesh.polygon_offsets[p + 1]; ++c) {
      const auto v = static_cast<std::int32_t>(mesh.polygon_vertices[c]);
      polygon_index[c] = c + 1 == mesh.polygon_offsets[p + 1] ? ~v : v;  // a polygon's last corner is stored as -(v + 1)
      uv_index[c] = static_cast<std::int32_t>(mesh.polygon_uvs[c]);
      const auto n = preset.direction(&mesh.normals[3 * static_cast<std::size_t>(v)]);
      for (int k = 0; k < 3; ++k) corner_normals[3 * c + k] = n[static_cast<std::size_t>(k)];
    }
  geometry.add("PolygonVertexIndex").i32s(polygon_index);
  {
    Node& n = geometry.add("LayerElementNormal").i32(0);
    n.add("Version").i32(101);
    n.add("Name").str("");
    n.add("MappingInformationType").str("ByPolygonVertex");
    n.add("ReferenceInformationType").str("Direct");
    n.add("Normals").f64s(corner_normals);
  }
  {
    Node& u = geometry.add("LayerElementUV").i32(0);
    u.add("Version").i32(101);
    u.add("Name").str("UVMap");
    u.add("MappingInformationType").str("ByPolygonVertex");
    u.add("ReferenceInformationType").str("IndexToDirect");
    u.add("UV").f64s(std::vector<double>(mesh.uvs.begin(), mesh.uvs.end()));
    u.add("UVIndex").i32s(uv_index);
  }
  {
    Node& m = geometry.add("LayerElementMaterial").i32(0);
    m.add("Version").i32(101);
    m.add("Name").str("");
    m.add("MappingInformationType").str("ByPolygon");
    m.add("ReferenceInformationType").str("IndexToDirect");
    m.add("Materials").i32s(std::vector<std::int32_t>(mesh.polygon_material.begin(), mesh.polygon_material.end()));
  }
  {
    Node& layer = geometry.add("Layer").i32(0);
    layer.add("Version").i32(100);
    for (const char* type : {"LayerElementNormal", "LayerElementMaterial", "LayerElementUV"}) {
      Node& e = layer.add("LayerElement");
      e.add("Type").str(type);
      e.add("TypedIndex").i32(0);
    }
  }

  // Model.
  Node& model = objects.add("Model").i64(model_id).str(object_name(scene.name, "Model")).str("Mesh");
  model.add("Version").i32(232);
  Props{model.add("Properties70")}.vector("Lcl Translation", "Lcl Translation", 0, 0, 0).vector("Lcl Rotation", "Lcl Rotation", 0, 0, 0)
      .vector("Lcl Scaling", "Lcl Scaling", 1, 1, 1).integer("DefaultAttributeIndex", 0);
  model.add("Shading").boolean(true);
  model.add("Culling").str("CullingOff");
  connect(model_id, 0);
  connect(geometry_id, model_id);

  // Materials and their textures (connected in material order: that is the slot order).
  auto texture = [&](const std::string& file, const std::string& name, std::int64_t material_id, const char* slot) {
    const std::int64_t texture_id = new_id(), video_id = new_id();
    Node& video = objects.add("Video").i64(video_id).str(object_name(name, "Video")).str("Clip");
    video.add("Type").str("Clip");
    Props{video.add("Properties70")}.p("Path", "KString", "XRefUrl", "").node.children.back().str(file);
    video.add("UseMipMap").i32(0);
    video.add("Filename").str(file);
    video.add("RelativeFilename").str(file);
    if (options.embed_textures)
      for (const auto& [embedded_name, bytes] : embedded)
        if (embedded_name == file) video.add("Content").raw(bytes);
    Node& tex = objects.add("Texture").i64(texture_id).str(object_name(name, "Texture")).str("");
    tex.add("Type").str("TextureVideoClip");
    tex.add("Version").i32(202);
    tex.add("TextureName").str(object_name(name, "Texture"));
    Props{tex.add("Properties70")}.p("UVSet", "KString", "", "").node.children.back().str("UVMap");
    tex.add("Media").str(object_name(name, "Video"));
    tex.add("FileName").str(file);
    tex.add("RelativeFilename").str(file);
    tex.add("ModelUVTranslation").f64(0).f64(0);
    tex.add("ModelUVScaling").f64(1).f64(1);
    tex.add("Texture_Alpha_Source").str("None");
    tex.add("Cropping").i32(0).i32(0).i32(0).i32(0);
    connect(video_id, texture_id);
    connect_property(texture_id, material_id, slot);
  };
  for (const ExportMaterial& mat : scene.materials) {
    const std::int64_t material_id = new_id();
    Node& m = objects.add("Material").i64(material_id).str(object_name(mat.name, "Material")).str("");
    m.add("Version").i32(102);
    m.add("ShadingModel").str("phong");
    m.add("MultiLayer").i32(0);
    // Shininess from roughness (Blinn-Phong exponent ~ 2 / r^4 - 2), kept in a sane range.
    const double r = std::max(0.05, static_cast<double>(mat.roughness));
    Props{m.add("Properties70")}
        .colour("DiffuseColor", mat.base_color[0], mat.base_color[1], mat.base_color[2])
        .number("DiffuseFactor", 1.0)
        .colour("SpecularColor", 0.2, 0.2, 0.2)
        .number("SpecularFactor", 0.5)
        .number("ShininessExponent", std::min(1024.0, 2.0 / (r * r * r * r) - 2.0))
        .number("Opacity", mat.role == MaterialRole::Transparent ? 0.0 : 1.0);
    connect(material_id, model_id);
    if (mat.textures >= 0 && static_cast<std::size_t>(mat.textures) < options.texture_files.size()) {
      const FbxOptions::Files& f = options.texture_files[static_cast<std::size_t>(mat.textures)];
      const std::string base = mat.name;
      if (!f.albedo.empty()) texture(f.albedo, base + "_albedo", material_id, "DiffuseColor");
      if (!f.normal.empty()) texture(f.normal, base + "_normal", material_id, "NormalMap");
      if (!f.roughness.empty()) texture(f.roughness, base + "_roughness", material_id, "ShininessExponent");
    }
  }

  // Blendshapes: only moved vertices are stored.
  if (scene.blendshapes.count()) {
    const std::int64_t blend_id = new_id();
    Node& blend = objects.add("Deformer").i64(blend_id).str(object_name(scene.name, "Deformer")).str("BlendShape");
    blend.add("Version").i32(100);
    connect(blend_id, geometry_id);
    for (std::size_t s = 0; s < scene.blendshapes.count(); ++s) {
      const std::string& name = scene.blendshapes.names[s];
      const std::vector<float>& delta = scene.blendshapes.deltas[s];
      std::vector<std::int32_t> indexes;
      std::vector<double> moved;
      for (std::size_t v = 0; v < mesh.vertex_count(); ++v) {
        if (delta[3 * v] == 0.0f && delta[3 * v + 1] == 0.0f && delta[3 * v + 2] == 0.0f) continue;
        indexes.push_back(static_cast<std::int32_t>(v));
        const auto d = preset.point(&delta[3 * v]);
        moved.insert(moved.end(), d.begin(), d.end());
      }
      const std::int64_t channel_id = new_id(), shape_id = new_id();
      Node& channel = objects.add("Deformer").i64(channel_id).str(object_name(name, "SubDeformer")).str("BlendShapeChannel");
      channel.add("Version").i32(100);
      const double percent = 100.0 * scene.blendshapes.weights[s];
      channel.add("DeformPercent").f64(percent);
      channel.add("FullWeights").f64s(std::vector<double>(indexes.empty() ? 0 : 1, 100.0));
      Props{channel.add("Properties70")}.p("DeformPercent", "Number", "", "A").node.children.back().f64(percent);
      Node& shape = objects.add("Geometry").i64(shape_id).str(object_name(name, "Geometry")).str("Shape");
      shape.add("Version").i32(100);
      shape.add("Indexes").i32s(indexes);
      shape.add("Vertices").f64s(moved);
      // Normal deltas: zero (importers recompute normals; Assimp requires the element).
      shape.add("Normals").f64s(std::vector<double>(moved.size(), 0.0));
      connect(channel_id, blend_id);
      connect(shape_id, channel_id);
    }
  }
  top.push_back(std::move(objects));
  top.push_back(std::move(connections));
  return top;
}

std::vector<std::filesystem::path> write_fbx(const ExportScene& scene, const std::filesystem::path& path, FbxOptions options) {
  scene.validate();
  const std::filesystem::path folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  const std::string stem = path.stem().string();
  std::vector<std::filesystem::path> written{path};
  std::vector<std::pair<std::string, std::string>> pngs;  // file name, bytes
  options.texture_files.assign(scene.textures.size(), {});
  for (std::size_t t = 0; t < scene.textures.size(); ++t) {
    const TextureMaps& maps = scene.textures[t];
    auto add = [&](const io::Image& image, PngEncoding encoding, const char* kind, std::string& slot) {
      if (image.pixels.empty()) return;
      slot = stem + "_" + maps.name + "_" + kind + ".png";
      pngs.emplace_back(slot, encode_png(image, encoding));
    };
    add(maps.albedo, PngEncoding::Srgb, "albedo", options.texture_files[t].albedo);
    add(maps.normal, PngEncoding::Linear, "normal", options.texture_files[t].normal);
    add(maps.roughness, PngEncoding::Linear, "roughness", options.texture_files[t].roughness);
  }
  const std::string bytes = fbx::encode(build_fbx(scene, options, pngs));
  std::filesystem::create_directories(folder);
  for (const auto& [name, png] : pngs) {
    write_file_atomic(folder / name, png);
    written.push_back(folder / name);
  }
  write_file_atomic(path, bytes);
  return written;
}

}  // namespace likeness::exporter
