#include "engine/export/obj_export.h"

#include <ATen/ATen.h>

#include <cstdio>
#include <sstream>

#include "engine/core/atomic_file.h"
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
