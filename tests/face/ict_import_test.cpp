#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/face/ict_import.h"
#include "engine/io/safetensors.h"

using namespace likeness;
namespace fs = std::filesystem;

namespace {

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

  explicit SyntheticIct(const std::string& name) {
    dir = fs::temp_directory_path() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
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

}  // namespace

TEST(IctImport, PacksAndLoadsBackExactly) {
  SyntheticIct ict("likeness_ict_synthetic");
  fs::path out = fs::temp_directory_path() / "likeness_ict_packed";
  fs::remove_all(out);
  face::IctImportReport report = face::import_ict(ict.dir, out);
  EXPECT_EQ(report.vertices, 8);
  EXPECT_EQ(report.identity_modes, 3);
  EXPECT_EQ(report.expressions, 2);
  EXPECT_EQ(report.pupil_shapes, 2);
  for (const char* f : {"ict_facekit_shapes.safetensors", "generic_neutral_mesh.obj", "vertex_indices.json", "README.md"})
    EXPECT_TRUE(fs::exists(out / f)) << f;

  // The packed file has the documented layout.
  io::SafetensorsFile st = io::SafetensorsFile::open(out / "ict_facekit_shapes.safetensors");
  EXPECT_EQ(st.tensor("identity").sizes(), (at::IntArrayRef{3, 8, 3}));
  EXPECT_EQ(st.tensor("expression").sizes(), (at::IntArrayRef{2, 8, 3}));
  EXPECT_EQ(st.tensor("pupil").sizes(), (at::IntArrayRef{2, 8, 3}));
  EXPECT_EQ(st.metadata().at("expression_names"), R"(["jawOpen","eyeBlink_L"])");

  // neutral + mode = the upstream shape, for every mode, through the face model.
  auto model = face::FaceModel::load(out);
  auto as_tensor = [](const std::vector<std::array<float, 3>>& v) {
    return at::from_blob(const_cast<float*>(&v[0][0]), {static_cast<long>(v.size()), 3}, at::kFloat).clone();
  };
  for (int k = 0; k < 3; ++k) {
    at::Tensor a = at::zeros({3});
    a[k] = 1.0f;
    char name[16];
    std::snprintf(name, sizeof name, "identity%03d", k);
    EXPECT_TRUE(at::allclose(model->vertices(a), as_tensor(ict.shapes[name]), 0, 1e-6)) << name;
  }
  at::Tensor e = at::zeros({2});
  e[0] = 1.0f;
  EXPECT_TRUE(at::allclose(model->vertices(at::zeros({3}), e), as_tensor(ict.shapes["jawOpen"]), 0, 1e-6));
  EXPECT_EQ(model->expression_names(), (std::vector<std::string>{"jawOpen", "eyeBlink_L"}));
  EXPECT_EQ(model->topology().triangle_count(), 12);
}

TEST(IctImport, RejectsIncompleteFolders) {
  auto expect_error = [](const fs::path& dir, const std::string& needle) {
    try {
      face::import_ict(dir, fs::temp_directory_path() / "likeness_ict_bad_out");
      ADD_FAILURE() << "accepted " << dir;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error("/nonexistent/FaceXModel", "not a folder");
  {
    SyntheticIct ict("likeness_ict_missing_expr");
    fs::remove(ict.dir / "jawOpen.obj");
    expect_error(ict.dir, "jawOpen.obj");
  }
  {
    SyntheticIct ict("likeness_ict_bad_count");
    auto v = ict.neutral;
    v.pop_back();
    ict.write_obj("identity001", v);
    expect_error(ict.dir, "identity001.obj");
  }
  {
    SyntheticIct ict("likeness_ict_no_identity");
    fs::remove(ict.dir / "identity000.obj");
    expect_error(ict.dir, "identity000.obj");
  }
  {
    SyntheticIct ict("likeness_ict_garbage");
    write_file_atomic(ict.dir / "identity002.obj", "v 1 2 banana\n");
    expect_error(ict.dir, "identity002.obj:1");
  }
}
