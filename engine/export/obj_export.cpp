#include "engine/export/obj_export.h"

#include <ATen/ATen.h>

#include <cstdio>
#include <sstream>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/face/topology.h"

namespace likeness::exporter {
namespace fs = std::filesystem;

namespace {

void append_float(std::string& out, double v) {
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.6g", v);
  out.append(buf, static_cast<std::size_t>(n));
}

std::string mtl_text(const face::Topology& topo, const ObjExportOptions& options) {
  std::ostringstream m;
  m << "# Likeness materials\n";
  for (const face::Material& mat : topo.materials) {
    if (mat.kind == face::MaterialKind::Transparent && !options.include_transparent) continue;
    m << "\nnewmtl " << mat.name << "\n";
    bool dark = mat.kind == face::MaterialKind::Lashes;
    m << "Kd " << (dark ? "0.05 0.04 0.03" : "0.8 0.8 0.8") << "\nKs 0.05 0.05 0.05\nNs 18\nillum 2\n";
    if (mat.kind == face::MaterialKind::Transparent) m << "d 0.0\n";
    auto it = options.maps.find(mat.name);
    if (it != options.maps.end()) {
      if (!it->second.albedo.empty()) m << "map_Kd " << it->second.albedo << "\n";
      if (!it->second.normal.empty()) m << "norm " << it->second.normal << "\nmap_Bump -bm 1 " << it->second.normal << "\n";
      if (!it->second.roughness.empty()) m << "map_Pr " << it->second.roughness << "\n";
    }
  }
  return m.str();
}

}  // namespace

fs::path write_obj(const fs::path& folder, const std::string& stem, const face::Topology& topo, const at::Tensor& vertices,
                   const at::Tensor& normals, const ObjExportOptions& options) {
  at::Tensor pos = vertices.detach().to(at::kDouble).contiguous();
  at::Tensor nrm = normals.detach().to(at::kDouble).contiguous();
  at::Tensor uvs = topo.uvs.contiguous();
  auto p = pos.accessor<double, 2>();
  auto n = nrm.accessor<double, 2>();
  auto t = uvs.accessor<float, 2>();

  std::string out;
  out.reserve(8u << 20);
  out += "# Likeness head export";
  if (!options.comment.empty()) out += ": " + options.comment;
  out += "\nmtllib " + stem + ".mtl\n";
  for (long i = 0; i < pos.size(0); ++i) {
    out += "v ";
    append_float(out, p[i][0] * options.scale);
    out += ' ';
    append_float(out, p[i][1] * options.scale);
    out += ' ';
    append_float(out, p[i][2] * options.scale);
    out += '\n';
  }
  for (long i = 0; i < uvs.size(0); ++i) {
    out += "vt ";
    append_float(out, t[i][0]);
    out += ' ';
    append_float(out, t[i][1]);
    out += '\n';
  }
  for (long i = 0; i < nrm.size(0); ++i) {
    out += "vn ";
    append_float(out, n[i][0]);
    out += ' ';
    append_float(out, n[i][1]);
    out += ' ';
    append_float(out, n[i][2]);
    out += '\n';
  }
  // One group per material, in material order.
  for (std::size_t m = 0; m < topo.materials.size(); ++m) {
    const face::Material& mat = topo.materials[m];
    if (mat.kind == face::MaterialKind::Transparent && !options.include_transparent) continue;
    out += "g " + mat.name.substr(mat.name.rfind('_') + 1) + "\nusemtl " + mat.name + "\n";
    for (int f = 0; f < topo.polygon_count(); ++f) {
      if (topo.polygon_material[static_cast<std::size_t>(f)] != static_cast<int>(m)) continue;
      out += 'f';
      for (std::uint32_t c = topo.polygon_offsets[static_cast<std::size_t>(f)]; c < topo.polygon_offsets[static_cast<std::size_t>(f) + 1]; ++c) {
        const int v = topo.polygon_vertices[c] + 1, vt = topo.polygon_uvs[c] + 1;
        out += ' ' + std::to_string(v) + '/' + std::to_string(vt) + '/' + std::to_string(v);
      }
      out += '\n';
    }
  }
  fs::create_directories(folder);
  write_file_atomic(folder / (stem + ".mtl"), mtl_text(topo, options));
  const fs::path obj = folder / (stem + ".obj");
  write_file_atomic(obj, out);
  return obj;
}

}  // namespace likeness::exporter

// --- Scene-based export ---------------------------------------------------------------------
#include "engine/export/png_encode.h"

namespace likeness::exporter {
namespace {

void append_vec(std::string& out, const char* tag, const std::array<double, 3>& v) {
  out += tag;
  for (double x : v) {
    out += ' ';
    append_float(out, x);
  }
  out += '\n';
}

std::string obj_body(const ExportScene& scene, const AxisPreset& space, const std::vector<float>& positions, const std::string& mtl,
                     const std::string& comment) {
  const ExportMesh& mesh = scene.mesh;
  std::string out;
  out.reserve(8u << 20);
  out += "# Likeness head export";
  if (!comment.empty()) out += ": " + comment;
  out += "\n";
  if (!mtl.empty()) out += "mtllib " + mtl + "\n";
  out += "o " + scene.name + "\n";
  for (std::size_t v = 0; v < mesh.vertex_count(); ++v) append_vec(out, "v", space.point(&positions[3 * v]));
  for (std::size_t t = 0; t < mesh.uv_count(); ++t) {
    out += "vt ";
    append_float(out, mesh.uvs[2 * t]);
    out += ' ';
    append_float(out, mesh.uvs[2 * t + 1]);
    out += '\n';
  }
  for (std::size_t v = 0; v < mesh.vertex_count(); ++v) append_vec(out, "vn", space.direction(&mesh.normals[3 * v]));
  for (std::size_t m = 0; m < scene.materials.size(); ++m) {
    bool any = false;
    for (std::size_t p = 0; p < mesh.polygon_count(); ++p) {
      if (mesh.polygon_material[p] != m) continue;
      if (!any) {
        out += "g " + scene.materials[m].name + "\nusemtl " + scene.materials[m].name + "\n";
        any = true;
      }
      out += 'f';
      for (std::uint32_t c = mesh.polygon_offsets[p]; c < mesh.polygon_offsets[p + 1]; ++c) {
        const std::string v = std::to_string(mesh.polygon_vertices[c] + 1);
        out += ' ' + v + '/' + std::to_string(mesh.polygon_uvs[c] + 1) + '/' + v;
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace

std::vector<fs::path> write_obj_scene(const fs::path& folder, const std::string& stem, const ExportScene& scene, const ObjSceneOptions& options) {
  scene.validate();
  const AxisPreset space = options.preset.y_up();
  fs::create_directories(folder);
  std::vector<fs::path> written{folder / (stem + ".obj"), folder / (stem + ".mtl")};

  // Textures and materials.
  std::vector<MaterialMaps> files(scene.textures.size());
  std::vector<std::pair<fs::path, std::string>> pngs;
  for (std::size_t t = 0; t < scene.textures.size(); ++t) {
    const TextureMaps& maps = scene.textures[t];
    auto add = [&](const io::Image& image, PngEncoding encoding, const char* kind, std::string& slot) {
      if (image.pixels.empty()) return;
      slot = stem + "_" + maps.name + "_" + kind + ".png";
      pngs.emplace_back(folder / slot, encode_png(image, encoding));
    };
    add(maps.albedo, PngEncoding::Srgb, "albedo", files[t].albedo);
    add(maps.normal, PngEncoding::Linear, "normal", files[t].normal);
    add(maps.roughness, PngEncoding::Linear, "roughness", files[t].roughness);
  }
  std::ostringstream mtl;
  mtl << "# Likeness materials\n";
  for (const ExportMaterial& mat : scene.materials) {
    mtl << "\nnewmtl " << mat.name << "\n";
    mtl << "Kd " << mat.base_color[0] << ' ' << mat.base_color[1] << ' ' << mat.base_color[2] << "\nKs 0.05 0.05 0.05\nNs 18\nillum 2\n";
    mtl << "Pr " << mat.roughness << "\n";
    if (mat.role == MaterialRole::Transparent) mtl << "d 0.0\n";
    if (mat.textures >= 0) {
      const MaterialMaps& f = files[static_cast<std::size_t>(mat.textures)];
      if (!f.albedo.empty()) mtl << "map_Kd " << f.albedo << "\n";
      if (!f.normal.empty()) mtl << "norm " << f.normal << "\nmap_Bump -bm 1 " << f.normal << "\n";
      if (!f.roughness.empty()) mtl << "map_Pr " << f.roughness << "\n";
    }
  }

  // Positions with the current expression applied.
  std::vector<float> posed = scene.mesh.positions;
  for (std::size_t s = 0; s < scene.blendshapes.count(); ++s) {
    const float w = scene.blendshapes.weights[s];
    if (w == 0.0f) continue;
    const std::vector<float>& d = scene.blendshapes.deltas[s];
    for (std::size_t i = 0; i < posed.size(); ++i) posed[i] += w * d[i];
  }
  for (const auto& [path, png] : pngs) {
    write_file_atomic(path, png);
    written.push_back(path);
  }
  if (options.write_shapes && scene.blendshapes.count()) {
    const fs::path shapes = folder / (stem + "_shapes");
    fs::create_directories(shapes);
    for (std::size_t s = 0; s < scene.blendshapes.count(); ++s) {
      std::vector<float> target = scene.mesh.positions;
      for (std::size_t i = 0; i < target.size(); ++i) target[i] += scene.blendshapes.deltas[s][i];
      const std::string& name = scene.blendshapes.names[s];
      if (name.find_first_of("/\\") != std::string::npos || name.front() == '.')
        throw InputError("OBJ export: blendshape name '" + name + "' cannot be a file name");
      const fs::path file = shapes / (name + ".obj");
      write_file_atomic(file, obj_body(scene, space, target, "", "blendshape " + scene.blendshapes.names[s]));
      written.push_back(file);
    }
  }
  write_file_atomic(folder / (stem + ".mtl"), mtl.str());
  write_file_atomic(folder / (stem + ".obj"), obj_body(scene, space, posed, stem + ".mtl", options.comment));
  return written;
}

}  // namespace likeness::exporter
