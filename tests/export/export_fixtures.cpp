#include "export_fixtures.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace likeness::exporter::test {
namespace fs = std::filesystem;

fs::path temp_folder(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("likeness-export-test-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

io::Image procedural_image(int width, int height, int channels, int seed) {
  io::Image img;
  img.width = width;
  img.height = height;
  img.channels = channels;
  img.pixels.resize(static_cast<std::size_t>(width) * height * channels);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < channels; ++c) {
        const double checker = ((x / 4 + y / 4 + seed) % 2) * 0.25;
        img.at(x, y, c) = static_cast<float>(std::fmod(0.1 + 0.6 * (x + c * 3 + seed) / width * (y + 1) / height + checker, 1.0));
      }
  return img;
}

ExportScene cube_scene() {
  ExportScene s;
  s.name = "cube";
  const float p[8][3] = {{-1, -1, -1}, {1, -1, -1}, {1, 1, -1}, {-1, 1, -1}, {-1, -1, 1}, {1, -1, 1}, {1, 1, 1}, {-1, 1, 1}};
  for (auto& v : p) {
    s.mesh.positions.insert(s.mesh.positions.end(), {v[0] * 10.0f, v[1] * 10.0f + 5.0f, v[2] * 10.0f});
    const float len = std::sqrt(3.0f);
    s.mesh.normals.insert(s.mesh.normals.end(), {v[0] / len, v[1] / len, v[2] / len});
  }
  // A cross-shaped unwrap: 14 UVs.
  const float uv[14][2] = {{0.25f, 0.0f}, {0.5f, 0.0f}, {0.0f, 0.25f}, {0.25f, 0.25f}, {0.5f, 0.25f}, {0.75f, 0.25f}, {1.0f, 0.25f},
                           {0.0f, 0.5f},  {0.25f, 0.5f}, {0.5f, 0.5f}, {0.75f, 0.5f}, {1.0f, 0.5f}, {0.25f, 0.75f}, {0.5f, 0.75f}};
  for (auto& t : uv) s.mesh.uvs.insert(s.mesh.uvs.end(), {t[0], t[1]});
  const std::uint32_t quads[6][4] = {{0, 3, 2, 1}, {4, 5, 6, 7}, {0, 1, 5, 4}, {2, 3, 7, 6}, {1, 2, 6, 5}, {0, 4, 7, 3}};
  const std::uint32_t quad_uvs[6][4] = {{3, 8, 9, 4}, {4, 5, 10, 9}, {0, 1, 4, 3}, {8, 9, 13, 12}, {5, 6, 11, 10}, {2, 3, 8, 7}};
  for (int f = 0; f < 6; ++f) {
    for (int k = 0; k < 4; ++k) {
      s.mesh.polygon_vertices.push_back(quads[f][k]);
      s.mesh.polygon_uvs.push_back(quad_uvs[f][k]);
    }
    s.mesh.polygon_offsets.push_back(static_cast<std::uint32_t>(s.mesh.polygon_vertices.size()));
    s.mesh.polygon_material.push_back(f < 4 ? 0 : 1);
  }
  for (int t = 0; t < 2; ++t) {
    TextureMaps maps;
    maps.name = t == 0 ? "skin" : "paint";
    maps.albedo = procedural_image(32, 32, 3, t);
    maps.normal = procedural_image(32, 32, 3, t + 5);
    maps.roughness = procedural_image(32, 32, 1, t + 9);
    s.textures.push_back(maps);
  }
  ExportMaterial a;
  a.name = "M_Skin";
  a.textures = 0;
  ExportMaterial b;
  b.name = "M_Paint";
  b.role = MaterialRole::Eye;
  b.textures = 1;
  b.base_color = {0.1f, 0.2f, 0.3f};
  s.materials = {a, b};
  s.blendshapes.names = {"jawOpen", "eyeBlink_L", "unused"};
  s.blendshapes.weights = {0.25f, 1.0f, 0.0f};
  for (int k = 0; k < 3; ++k) {
    std::vector<float> d(s.mesh.positions.size(), 0.0f);
    if (k == 0)
      for (int v : {0, 1, 4, 5}) d[3 * v + 1] = -2.5f;
    if (k == 1)
      for (int v = 0; v < 8; ++v) d[3 * v] = 0.5f * v, d[3 * v + 2] = 0.125f;
    s.blendshapes.deltas.push_back(d);
  }
  return s;
}

std::vector<Corner> expected_corners(const ExportScene& scene, const AxisPreset& space, bool posed) {
  std::vector<float> pos = scene.mesh.positions;
  if (posed)
    for (std::size_t s = 0; s < scene.blendshapes.count(); ++s)
      for (std::size_t i = 0; i < pos.size(); ++i) pos[i] += scene.blendshapes.weights[s] * scene.blendshapes.deltas[s][i];
  std::vector<Corner> out;
  for (std::size_t c = 0; c < scene.mesh.corner_count(); ++c) {
    const auto p = space.point(&pos[3 * scene.mesh.polygon_vertices[c]]);
    const std::uint32_t t = scene.mesh.polygon_uvs[c];
    out.push_back({p[0], p[1], p[2], scene.mesh.uvs[2 * t], scene.mesh.uvs[2 * t + 1]});
  }
  std::sort(out.begin(), out.end());
  return out;
}

double max_difference(std::vector<Corner> a, std::vector<Corner> b) {
  if (a.size() != b.size()) return std::numeric_limits<double>::infinity();
  // Sort after rounding so tiny float noise does not reorder.
  auto round = [](std::vector<Corner>& v) {
    for (Corner& c : v)
      for (double& x : c) x = std::round(x * 1e4) / 1e4;
    std::sort(v.begin(), v.end());
  };
  std::vector<Corner> ra = a, rb = b;
  round(ra);
  round(rb);
  double worst = 0;
  for (std::size_t i = 0; i < ra.size(); ++i)
    for (int k = 0; k < 5; ++k) worst = std::max(worst, std::abs(ra[i][static_cast<std::size_t>(k)] - rb[i][static_cast<std::size_t>(k)]));
  return worst;
}

}  // namespace likeness::exporter::test
