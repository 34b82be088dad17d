#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/face/ict_import.h"
#include "engine/io/safetensors.h"
#include "tests/face/synthetic_ict.h"

using namespace likeness;
using likeness::test::SyntheticIct;
namespace fs = std::filesystem;


TEST(IctImport, PacksAndLoadsBackExactly) {
  SyntheticIct ict("likeness_ict_synthetic");
  fs::path out = fs::temp_directory_path() / "likeness_ict_packed";
  fs::remove_all(out);
  face::IctImportReport report = face::import_ict(ict.dir, out);
  EXPECT_EQ(report.vertices, 8);
  EXPECT_EQ(report.identity_modes, 3);
  EXPECT_EQ(report.expressions, 2);
  EXPECT_EQ(report.pupil_shapes, 2);
  for (const char* f : {"ict_facekit_shapes.safetensors", "generic_neutral_mesh.obj", "vertex_indices.json", "README.md",
                        "UPSTREAM_README.md", "LICENSE", "ICTFaceModelMaterial.mtl"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  // The upstream repository's README and licence (beside FaceXModel) travel with the pack.
  EXPECT_EQ(read_file(out / "UPSTREAM_README.md"), read_file(ict.dir.parent_path() / "README.md"));
  EXPECT_EQ(read_file(out / "LICENSE"), read_file(ict.dir.parent_path() / "LICENSE"));

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
