// Ambient occlusion from depth maps: an open plane, a plane under a lid, and the head, whose
// nostrils are enclosed while the nose tip and the chin are open.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/raster/occlusion.h"

namespace likeness::raster::test {
namespace {

/// An n x n grid in the plane y = height spanning [-1, 1]^2 in x and z; triangles wound so the
/// normal is `up` (+y) or down.
void add_grid(std::vector<float>& v, std::vector<int>& t, int n, float height, bool up) {
  const int base = static_cast<int>(v.size() / 3);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      v.push_back(-1.0f + 2.0f * i / (n - 1));
      v.push_back(height);
      v.push_back(-1.0f + 2.0f * j / (n - 1));
    }
  for (int j = 0; j + 1 < n; ++j)
    for (int i = 0; i + 1 < n; ++i) {
      const int a = base + j * n + i, b = a + 1, c = a + n, d = c + 1;
      if (up) t.insert(t.end(), {a, c, b, b, c, d});
      else t.insert(t.end(), {a, b, c, b, d, c});
    }
}

at::Tensor occlusion_of(const std::vector<float>& v, const std::vector<int>& t, float normal_y, long count) {
  const at::Tensor pos = at::tensor(v).reshape({-1, 3});
  const at::Tensor tri = at::tensor(t).reshape({-1, 3});
  at::Tensor normals = at::zeros_like(pos);
  normals.select(1, 1).fill_(normal_y);
  OcclusionOptions o;
  o.directions = 64;
  o.resolution = 128;
  return vertex_occlusion(pos, tri, normals, o).narrow(0, 0, count);
}

}  // namespace

TEST(Occlusion, AnOpenPlaneSeesTheWholeHemisphere) {
  std::vector<float> v;
  std::vector<int> t;
  add_grid(v, t, 9, 0.0f, true);
  const at::Tensor ao = occlusion_of(v, t, 1.0f, 81);
  EXPECT_GT(ao.min().item<float>(), 0.95f);
}

TEST(Occlusion, APlaneUnderALidIsEnclosedInTheMiddle) {
  std::vector<float> v;
  std::vector<int> t;
  add_grid(v, t, 9, 0.0f, true);   // the floor, facing up
  add_grid(v, t, 9, 0.25f, false);  // a lid above it, facing down
  const at::Tensor ao = occlusion_of(v, t, 1.0f, 81).reshape({9, 9});
  EXPECT_LT(ao[4][4].item<float>(), 0.2f) << "the centre sees mostly the lid";
  EXPECT_GT(ao[0][0].item<float>(), ao[4][4].item<float>() + 0.2f) << "the corner sees out sideways";
}

TEST(Occlusion, TheHeadsNostrilsAreEnclosedItsNoseTipOpen) {
  const auto model = face::FaceModel::load_default();
  const at::Tensor v = model->neutral();
  const at::Tensor tris = model->topology().triangles_of({face::MaterialKind::Skin});
  const at::Tensor ao = vertex_occlusion(v, tris, model->vertex_normals(v));
  ASSERT_EQ(ao.size(0), model->vertex_count());
  const auto& lm = model->landmarks();
  auto at_landmark = [&](int k) { return ao[lm[static_cast<std::size_t>(k)]].item<float>(); };
  EXPECT_GT(at_landmark(30), 0.8f) << "nose tip";
  EXPECT_GT(at_landmark(8), 0.7f) << "chin";
  EXPECT_GT(at_landmark(19), 0.8f) << "brow";
  // Inside the nostrils: vertices just above the nose's base (landmark 33) and behind its tip.
  const at::Tensor base = v[lm[33]];
  const at::Tensor d = v - base;
  const at::Tensor inside = d.select(1, 0).abs().lt(1.5f) & d.select(1, 1).gt(0.3f) & d.select(1, 1).lt(1.5f) &
                            d.select(1, 2).lt(0.5f) & d.select(1, 2).gt(-1.0f) & ao.lt(0.3f);
  EXPECT_GT(inside.sum().item<long>(), 10) << "no enclosed vertices inside the nostrils";
  // The face proper (ICT's first part, vertices 0..9408) is mostly open; the mouth and eye
  // sockets (skin material too) are enclosed.
  const at::Tensor face_ao = ao.narrow(0, 0, 9409);
  EXPECT_GT(face_ao.median().item<float>(), 0.85f);
  EXPECT_GT(face_ao.gt(0.7f).to(at::kFloat).mean().item<float>(), 0.7f);
}

TEST(Occlusion, RejectsBadShapes) {
  EXPECT_THROW(vertex_occlusion(at::zeros({4, 2}), at::zeros({1, 3}, at::kInt), at::zeros({4, 2})), InputError);
  EXPECT_THROW(vertex_occlusion(at::zeros({4, 3}), at::zeros({1, 3}, at::kInt), at::zeros({5, 3})), InputError);
}

}  // namespace likeness::raster::test
