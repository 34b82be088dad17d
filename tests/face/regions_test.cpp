#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <filesystem>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/face/regions.h"
#include "engine/face/uv_bake.h"
#include "tests/face/face_fixture.h"

using namespace likeness;
using likeness::test::head_model;

namespace {

std::shared_ptr<const face::RegionSet> regions() { return face::RegionSet::load_default(head_model()); }

// Vertices where `name` is at least `level`.
at::Tensor where(const std::string& name, float level = 0.9f) { return regions()->vertex_mask(name).ge(level); }

}  // namespace

TEST(Regions, EveryRequiredRegionExistsAndIsSoft) {
  auto r = regions();
  for (const char* name : {"forehead", "brows", "eyelids", "nose_bridge", "nose_tip", "nose_wings", "cheeks", "cheekbones",
                           "upper_lip", "lower_lip", "mouth_corners", "chin", "jaw", "beard", "moustache", "ears", "neck",
                           "scalp", "irises", "sclera", "teeth", "gums", "eyelashes", "nose", "lips", "mouth", "eyes"}) {
    ASSERT_TRUE(r->contains(name)) << name;
    EXPECT_GT(where(name).sum().item<long>(), 20) << name << " is (nearly) empty";
  }
  const at::Tensor& masks = r->vertex_masks();
  EXPECT_GE(masks.min().item<float>(), 0.0f);
  EXPECT_LE(masks.max().item<float>(), 1.0f);
  // Soft: skin regions have intermediate values at their borders.
  for (const char* name : {"forehead", "cheeks", "beard", "nose_tip"}) {
    at::Tensor m = r->vertex_mask(name);
    EXPECT_GT((m.gt(0.05) & m.lt(0.95)).sum().item<long>(), 5) << name;
  }
  EXPECT_THROW(r->vertex_mask("elbow"), InputError);
  try {
    r->vertex_mask("forhead");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("forehead"), std::string::npos);
  }
}

TEST(Regions, PartsAreExact) {
  auto model = head_model();
  at::Tensor irises = regions()->vertex_mask("irises");
  const auto& l = model->part("iris_left");
  const auto& rp = model->part("iris_right");
  EXPECT_EQ(irises.sum().item<float>(), static_cast<float>((l.vertex_end - l.vertex_begin) + (rp.vertex_end - rp.vertex_begin)));
  EXPECT_EQ(irises[l.vertex_begin].item<float>(), 1.0f);
  EXPECT_EQ(irises[0].item<float>(), 0.0f);
  const auto& teeth = model->part("teeth");
  EXPECT_EQ(regions()->vertex_mask("teeth").narrow(0, teeth.vertex_begin, teeth.vertex_end - teeth.vertex_begin).min().item<float>(), 1.0f);
}

TEST(Regions, RegionsSitWhereTheyBelong) {
  auto model = head_model();
  auto r = regions();
  auto pos = model->neutral();
  auto mean_y = [&](const std::string& name) { return pos.index({where(name)}).select(1, 1).mean().item<float>(); };
  // Top to bottom order on the face.
  EXPECT_GT(mean_y("scalp"), mean_y("brows"));
  EXPECT_GT(mean_y("forehead"), mean_y("brows"));
  // The crown and the back of the head are scalp.
  long crown = pos.select(1, 1).argmax().item<long>();
  at::Tensor skin = pos.narrow(0, 0, 11248);
  long back = (skin.select(1, 2) + 100 * skin.select(1, 1).lt(2)).argmin().item<long>();  // rearmost point above y = 2
  EXPECT_GT(r->vertex_mask("scalp")[crown].item<float>(), 0.95f);
  EXPECT_GT(r->vertex_mask("scalp")[back].item<float>(), 0.95f);
  EXPECT_GT(mean_y("brows"), mean_y("nose_tip"));
  EXPECT_GT(mean_y("nose_tip"), mean_y("upper_lip"));
  EXPECT_GT(mean_y("upper_lip"), mean_y("lower_lip"));
  EXPECT_GT(mean_y("lower_lip"), mean_y("chin"));
  EXPECT_GT(mean_y("chin"), mean_y("neck"));
  // The beard never reaches the forehead, the eyes or the nose; the moustache sits above the lip.
  at::Tensor beard = r->vertex_mask("beard");
  for (const char* away : {"forehead", "eyelids", "nose_tip", "nose_bridge", "upper_lip", "lower_lip", "scalp"})
    EXPECT_LT(beard.index({where(away)}).max().item<float>(), 0.05f) << "beard on " << away;
  EXPECT_LT(r->vertex_mask("moustache").index({where("lower_lip")}).max().item<float>(), 0.05f);
  // Lips lie between the mouth corners.
  at::Tensor lips_x = pos.index({where("lips")}).select(1, 0);
  EXPECT_LT(lips_x.abs().max().item<float>(), 3.2f);
  // Ears are lateral.
  EXPECT_GT(pos.index({where("ears")}).select(1, 0).abs().min().item<float>(), 6.5f);
  // Symmetric regions cover both sides about equally.
  for (const char* name : {"cheeks", "brows", "ears", "beard", "jaw"}) {
    at::Tensor x = pos.index({where(name, 0.5f)}).select(1, 0);
    long left = x.lt(0).sum().item<long>(), right = x.gt(0).sum().item<long>();
    EXPECT_NEAR(static_cast<double>(left) / static_cast<double>(right), 1.0, 0.15) << name;
  }
}

TEST(Regions, WeightedUnionsAndGroups) {
  auto r = regions();
  EXPECT_TRUE(r->is_group("lips"));
  EXPECT_EQ(r->members("lips"), (std::vector<std::string>{"upper_lip", "lower_lip"}));
  at::Tensor lips = r->vertex_mask("lips");
  EXPECT_TRUE(at::allclose(lips, at::maximum(r->vertex_mask("upper_lip"), r->vertex_mask("lower_lip"))));
  at::Tensor map = r->vertex_map({{"lips", 1.0f}, {"mouth_corners", 0.5f}});
  EXPECT_TRUE(at::allclose(map, at::maximum(lips, r->vertex_mask("mouth_corners") * 0.5f)));
}

TEST(Regions, UvMasksAtAnyResolution) {
  auto r = regions();
  at::Tensor low = r->uv_masks({"lips", "beard"}, face::kFaceTile, 128);
  at::Tensor high = r->uv_masks({"lips", "beard"}, face::kFaceTile, 512);
  ASSERT_EQ(low.sizes(), (at::IntArrayRef{2, 128, 128}));
  ASSERT_EQ(high.sizes(), (at::IntArrayRef{2, 512, 512}));
  // Downsampled high-resolution masks agree with the low-resolution ones.
  at::Tensor pooled = at::avg_pool2d(high.unsqueeze(0), 4).squeeze(0);
  EXPECT_LT((pooled - low).abs().mean().item<float>(), 0.02f);
  // The lips occupy a small area, the beard a larger one, and they do not overlap.
  float lips = high[0].mean().item<float>(), beard = high[1].mean().item<float>();
  EXPECT_GT(lips, 0.001f);
  EXPECT_GT(beard, 5 * lips);
  EXPECT_LT((high[0] * high[1]).max().item<float>(), 0.3f);
  // Per-texel evaluation is smooth: a sharper border than the vertex spacing would allow.
  at::Tensor irises = r->uv_masks({"irises"}, face::kEyeTile, 128)[0];
  EXPECT_GT(irises.sum().item<float>(), 100.0f);
  EXPECT_EQ(r->uv_masks({"irises"}, face::kFaceTile, 64).sum().item<float>(), 0.0f);
}

TEST(Regions, MalformedDefinitionsAreRejected) {
  auto dir = std::filesystem::temp_directory_path() / "likeness_regions_test";
  std::filesystem::create_directories(dir);
  auto expect_error = [&](const std::string& json, const std::string& needle) {
    auto path = dir / "r.json";
    write_file_atomic(path, json);
    try {
      face::RegionSet::load(head_model(), path);
      ADD_FAILURE() << "accepted: " << json;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error(R"({"regions": {"a": {"shape": {"sphere": "lm1"}}}})", "unknown shape");
  expect_error(R"({"regions": {"a": {"shape": {"capsule": ["lm99"]}}}})", "lm99");
  expect_error(R"({"regions": {"a": {"shape": {"parts": ["elbow"]}}}})", "elbow");
  expect_error(R"({"regions": {"a": {"shape": {"region": "a"}}}})", "itself");
  expect_error(R"({"regions": {"a": {"shape": {"region": "b"}}}})", "'b'");
  expect_error(R"({"regions": {"a": {"shape": {"polygon": ["lm1", "lm2"]}}}})", "3 points");
  expect_error(R"({"regions": {"a": {"shape": {"polygon": ["lm1", "lm2", "lm3"], "view": "oblique"}}}})", "oblique");
  expect_error(R"({"regions": {"a": {"shape": {"parts": ["face"]}}}, "groups": {"g": ["zzz"]}})", "zzz");
  expect_error(R"({"regions": {"a": {"shape": {"parts": ["face"]}}}, "groups": {"g": ["a"]}, "order": ["q"]})", "'q'");
}
