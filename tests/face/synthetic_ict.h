#pragma once
// A synthetic ICT-FaceKit FaceXModel folder for importer tests: a unit cube (8 vertices, 6 quads,
// UVs) as the neutral mesh, three identity modes, two expressions and the pupil shapes, each a
// deterministic displacement. Header-only and free of LibTorch (the CLI tests use it too).
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "engine/core/atomic_file.h"

namespace likeness::test {

namespace fs = std::filesystem;

// A synthetic FaceXModel folder: a unit cube (8 vertices, 6 quads, UVs) as the neutral mesh, three
// identity modes, two expressions and the pupil shapes, each a deterministic displacement.
struct SyntheticIct {
  fs::path dir;
  std::vector<std::array<float, 3>> neutral;
  std::map<std::string, std::vector<std::array<float, 3>>> shapes;

  static std::vector<std::array<float, 3>> cube() {
    std::vector<std::array<float, 3>> v;
    for (int i = 0; i < 8; ++i) v.push_back({float(i & 1), float((i >> 1) & 1), float((i >> 2) & 1)});
    return v;
  }

  void write_obj(const std::string& name, const std::vector<std::array<float, 3>>& v) const {
    std::ofstream out(dir / (name + ".obj"));
    out << "# synthetic\n";
    for (const auto& p : v) out << "v " << p[0] << " " << p[1] << " " << p[2] << "\n";
    out << "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\nusemtl M_Face\n";
    const int faces[6][4] = {{1, 2, 4, 3}, {5, 7, 8, 6}, {1, 5, 6, 2}, {3, 4, 8, 7}, {1, 3, 7, 5}, {2, 6, 8, 4}};
    for (const auto& f : faces) out << "f " << f[0] << "/1 " << f[1] << "/2 " << f[2] << "/3 " << f[3] << "/4\n";
  }

  /// Creates <tmp>/<name>/FaceXModel, with the repository's README.md and LICENSE in <tmp>/<name>
  /// as upstream has them.
  explicit SyntheticIct(const std::string& name) {
    const fs::path repo = fs::temp_directory_path() / name;
    fs::remove_all(repo);
    dir = repo / "FaceXModel";
    fs::create_directories(dir);
    write_file_atomic(repo / "README.md", "# ICT-FaceKit (synthetic)\nUpstream documentation stand-in.\n");
    write_file_atomic(repo / "LICENSE", "MIT License (synthetic)\n");
    write_file_atomic(dir / "ICTFaceModelMaterial.mtl", "newmtl M_Face\nKd 0.8 0.8 0.8\n");
    neutral = cube();
    write_obj("generic_neutral_mesh", neutral);
    auto displaced = [&](float scale, int axis) {
      auto v = neutral;
      for (std::size_t i = 0; i < v.size(); ++i) v[i][static_cast<std::size_t>(axis)] += scale * static_cast<float>(i + 1);
      return v;
    };
    shapes["identity000"] = displaced(0.5f, 0);
    shapes["identity001"] = displaced(-0.25f, 1);
    shapes["identity002"] = displaced(0.125f, 2);
    shapes["jawOpen"] = displaced(0.75f, 1);
    shapes["eyeBlink_L"] = displaced(-0.5f, 2);
    shapes["PupilDilate_L"] = displaced(0.01f, 0);
    shapes["PupilDilate_R"] = displaced(0.02f, 0);
    for (const auto& [n, v] : shapes) write_obj(n, v);
    std::string landmarks;
    for (int i = 0; i < 68; ++i) {
      if (i) landmarks += ',';
      landmarks += std::to_string(i % 8);
    }
    write_file_atomic(dir / "vertex_indices.json",
                      R"({"expressions": ["jawOpen", "eyeBlink_L"], "idx_to_landmark_verts": [)" + landmarks + "]}");
  }
};

}  // namespace likeness::test
