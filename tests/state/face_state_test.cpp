#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <filesystem>

#include "engine/core/error.h"
#include "engine/io/safetensors.h"
#include "engine/state/face_state.h"

using namespace likeness;
namespace fs = std::filesystem;

namespace {
state::FaceState example() {
  state::FaceState s = state::FaceState::neutral(100, 53, 26719);
  s.identity = at::randn({100});
  s.expression = at::rand({53});
  s.displacement.index_put_({5, 1}, 0.25f);
  s.appearance = at::tensor({0.3f, 0.5f, 0.2f, 0.4f});
  s.appearance_names = {"skin.melanin", "iris.color.r", "iris.color.g", "iris.color.b"};
  s.albedo_residual = at::randn({8, 16, 16, 3}) * 0.01;
  s.painted_mask = at::zeros({26719});
  s.painted_mask.narrow(0, 100, 50).fill_(1.0f);
  s.seed = 42;
  s.texture_resolution = 512;
  return s;
}
}  // namespace

TEST(FaceState, SaveLoadIsExact) {
  state::FaceState s = example();
  fs::path path = fs::temp_directory_path() / "likeness_state_test.safetensors";
  state::save_state(path.string(), s);
  state::FaceState back = state::load_state(path.string());
  EXPECT_TRUE(state::equal(s, back));
  EXPECT_EQ(back.appearance_names[1], "iris.color.r");
  EXPECT_FALSE(back.normal_residual.defined());
  // Clone is deep.
  state::FaceState c = s.clone();
  c.identity[0] += 1.0f;
  EXPECT_FALSE(state::equal(s, c));
  EXPECT_GT(s.bytes(), 26719u * 3 * 4);
}

TEST(FaceState, RejectsBadFields) {
  fs::path path = fs::temp_directory_path() / "likeness_state_bad.safetensors";
  auto expect_error = [&](const std::vector<std::pair<std::string, at::Tensor>>& tensors, std::map<std::string, std::string> meta,
                          const std::string& needle) {
    io::save_safetensors(path, tensors, meta);
    try {
      state::load_state(path.string());
      ADD_FAILURE() << "accepted, expected " << needle;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  state::FaceState s = example();
  auto meta = s.metadata();
  auto tensors = s.tensors();
  auto replace = [&](const std::string& name, const at::Tensor& t) {
    auto copy = tensors;
    for (auto& [n, v] : copy)
      if (n == name) v = t;
    return copy;
  };
  expect_error(replace("pose", at::zeros({5})), meta, "'pose'");
  expect_error(replace("expression", at::full({53}, 2.0f)), meta, "[0, 1]");
  expect_error(replace("identity", at::full({100}, NAN)), meta, "NaN");
  expect_error(replace("displacement", at::zeros({10})), meta, "'displacement'");
  expect_error(replace("appearance", at::zeros({3})), meta, "'appearance'");
  {
    auto m = meta;
    m["likeness_state_version"] = "7";
    expect_error(tensors, m, "newer");
  }
  {
    auto m = meta;
    m.erase("seed");
    expect_error(tensors, m, "'seed'");
  }
  {
    auto m = meta;
    m["appearance_names"] = "{not json";
    expect_error(tensors, m, "appearance_names");
  }
  {
    auto t = tensors;
    t.emplace_back("mystery", at::zeros({1}));
    expect_error(t, meta, "'mystery'");
  }
}
