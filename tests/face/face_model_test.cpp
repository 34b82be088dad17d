#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "engine/core/error.h"
#include "engine/core/paths.h"
#include "engine/face/pose.h"
#include "engine/face/uv_bake.h"
#include "engine/io/obj_reader.h"
#include "engine/io/safetensors.h"
#include "tests/face/face_fixture.h"

using namespace likeness;
using likeness::test::head_model;

TEST(FaceModel, LoadsTheIctModel) {
  auto model = head_model();
  const face::Topology& topo = model->topology();
  EXPECT_EQ(model->vertex_count(), 26719);
  EXPECT_EQ(topo.uv_count, 28911);
  EXPECT_EQ(topo.polygon_count(), 26384);
  EXPECT_EQ(topo.triangle_count(), 25836 * 2 + 548);
  EXPECT_EQ(model->identity_count(), 100);
  EXPECT_EQ(model->expression_count(), 53);
  EXPECT_EQ(model->expression_names().front(), "browDown_L");
  EXPECT_EQ(model->expression_names().back(), "noseSneer_R");
  EXPECT_EQ(model->expression_index("jawOpen"), 26);
  EXPECT_EQ(model->expression_index("nope"), -1);
  EXPECT_EQ(topo.materials.size(), 12u);
  EXPECT_EQ(model->landmarks()[30], 4857);  // nose tip (Multi-PIE 30)
  EXPECT_EQ(model->part("iris_left").vertex_begin, 22221);
  EXPECT_THROW(model->part("elbow"), InputError);
  // Quads kept for export.
  int quads = 0;
  for (int p = 0; p < topo.polygon_count(); ++p)
    quads += topo.polygon_offsets[static_cast<std::size_t>(p) + 1] - topo.polygon_offsets[static_cast<std::size_t>(p)] == 4;
  EXPECT_EQ(quads, 25836);
}

TEST(FaceModel, NeutralMatchesTheObjExactly) {
  auto model = head_model();
  io::ObjMesh mesh = io::read_obj(require_asset("ict-facekit/generic_neutral_mesh.obj"));
  ASSERT_EQ(mesh.positions.size(), static_cast<std::size_t>(model->vertex_count()));
  at::Tensor obj = at::from_blob(mesh.positions.data(), {model->vertex_count(), 3}, at::kFloat).clone();
  at::Tensor evaluated = model->vertices(model->zero_identity(), model->zero_expression());
  // The packed neutral is the OBJ's text parsed as float32: equal to float precision.
  EXPECT_LT((evaluated - obj).abs().max().item<float>(), 2e-6f);
  // Triangles reference the OBJ's polygons corner for corner.
  auto tris = model->topology().triangles.accessor<std::int64_t, 2>();
  auto src = model->topology().triangle_polygon.accessor<std::int64_t, 1>();
  for (long t : {0L, 1L, 5000L, 52219L}) {
    std::uint32_t begin = mesh.face_offsets[static_cast<std::size_t>(src[t])];
    EXPECT_EQ(tris[t][0], mesh.corner_position[begin]);
  }
}

TEST(FaceModel, EvaluationIsNeutralPlusModes) {
  auto model = head_model();
  io::SafetensorsFile shapes = io::SafetensorsFile::open(require_asset("ict-facekit/ict_facekit_shapes.safetensors"));
  at::Tensor identity_basis = shapes.tensor("identity");
  at::Tensor expression_basis = shapes.tensor("expression");
  for (int k : {0, 1, 57, 99}) {
    at::Tensor a = model->zero_identity();
    a[k] = 1.0f;
    at::Tensor expected = model->neutral() + identity_basis[k];
    EXPECT_LT((model->vertices(a) - expected).abs().max().item<float>(), 1e-5f) << "identity mode " << k;
  }
  for (int j : {0, 26, 52}) {
    at::Tensor e = model->zero_expression();
    e[j] = 1.0f;
    at::Tensor expected = model->neutral() + expression_basis[j];
    EXPECT_LT((model->vertices(model->zero_identity(), e) - expected).abs().max().item<float>(), 1e-5f) << "expression " << j;
  }
  // Linear combination, batched evaluation and fewer coefficients.
  at::Tensor a = at::randn({2, 100});
  at::Tensor e = at::rand({2, 53});
  at::Tensor batched = model->vertices(a, e);
  ASSERT_EQ(batched.sizes(), (at::IntArrayRef{2, 26719, 3}));
  EXPECT_LT((batched[1] - model->vertices(a[1], e[1])).abs().max().item<float>(), 1e-4f);
  at::Tensor few = model->vertices(a[0].narrow(0, 0, 10));
  at::Tensor padded = at::zeros({100});
  padded.narrow(0, 0, 10).copy_(a[0].narrow(0, 0, 10));
  EXPECT_LT((few - model->vertices(padded)).abs().max().item<float>(), 1e-4f);
  EXPECT_THROW(model->vertices(at::zeros({101})), InputError);
  EXPECT_THROW(model->vertices(model->zero_identity(), at::zeros({52})), InputError);
}

TEST(FaceModel, GradientsReachTheCoefficients) {
  auto model = head_model();
  at::Tensor a = at::zeros({100}, at::kDouble).requires_grad_(true);
  at::Tensor e = at::zeros({53}, at::kDouble).requires_grad_(true);
  at::Tensor v = model->vertices(a, e);
  v.select(1, 2).sum().backward();
  // d(sum z)/d a_k = sum of the mode's z deltas.
  at::Tensor expected = model->identity_basis().select(2, 2).sum(1).to(at::kDouble);
  EXPECT_LT((a.grad() - expected).abs().max().item<double>(), 1e-6 * expected.abs().max().item<double>() + 1e-9);
  EXPECT_GT(e.grad().abs().sum().item<double>(), 0.0);
}

TEST(FaceModel, NormalsPointOutward) {
  auto model = head_model();
  at::Tensor n = model->vertex_normals(model->neutral());
  ASSERT_EQ(n.sizes(), model->neutral().sizes());
  at::Tensor len = n.norm(2, 1);
  EXPECT_LT((len - 1).abs().max().item<float>(), 1e-4f);
  EXPECT_GT(n[model->landmarks()[30]][2].item<float>(), 0.8f);   // nose tip faces forward
  EXPECT_GT(n[model->landmarks()[19]][2].item<float>(), 0.5f);   // brow faces forward
  // Batched and differentiable.
  at::Tensor a = at::zeros({2, 100}).requires_grad_(true);
  at::Tensor nb = model->vertex_normals(model->vertices(a));
  nb.select(2, 0).sum().backward();
  EXPECT_TRUE(a.grad().defined());
}

TEST(FaceModel, PoseRotatesAboutThePivot) {
  at::Tensor v = at::tensor({1.0, 0.0, 0.0, 0.0, 0.0, 1.0}, at::kDouble).reshape({2, 3});
  at::Tensor yaw90 = at::tensor({90.0, 0.0, 0.0}, at::kDouble);
  at::Tensor out = face::apply_pose(v, yaw90, at::zeros({3}, at::kDouble), at::zeros({3}, at::kDouble));
  // Yaw about +y by 90 degrees takes +x to -z and +z to +x.
  EXPECT_NEAR(out[0][2].item<double>(), -1.0, 1e-9);
  EXPECT_NEAR(out[1][0].item<double>(), 1.0, 1e-9);
  at::Tensor moved = face::apply_pose(v, at::zeros({3}, at::kDouble), at::tensor({1.0, 2.0, 3.0}, at::kDouble),
                                      at::zeros({3}, at::kDouble));
  EXPECT_NEAR(moved[0][1].item<double>(), 2.0, 1e-12);
  at::Tensor r = face::rotation_matrix(at::tensor({30.0, -20.0, 10.0}, at::kDouble));
  EXPECT_LT((at::matmul(r, r.t()) - at::eye(3, at::kDouble)).abs().max().item<double>(), 1e-12);
}

TEST(UvBake, CoversTheFaceTileAndReproducesPositions) {
  auto model = head_model();
  const face::Topology& topo = model->topology();
  EXPECT_EQ(face::used_tiles(topo), (std::vector<int>{0, 1, 2, 3, 6, 7}));
  face::UvRaster raster = face::rasterize_uv(topo, face::kFaceTile, 256);
  double covered = raster.coverage().to(at::kFloat).mean().item<double>();
  EXPECT_GT(covered, 0.85);
  at::Tensor baked = face::bake_vertex_attribute(raster, topo, model->neutral());
  // The texel nearest a vertex's UV holds (about) that vertex's position.
  auto uvs = topo.uvs.accessor<float, 2>();
  auto uv_tris = topo.uv_triangles.accessor<std::int64_t, 2>();
  auto tris = topo.triangles.accessor<std::int64_t, 2>();
  auto mats = topo.triangle_material.accessor<std::int64_t, 1>();
  int checked = 0;
  for (long t = 0; t < topo.triangle_count() && checked < 50; t += 397) {
    // The triangle's UV centroid (inside the triangle, away from island borders).
    float u = (uvs[uv_tris[t][0]][0] + uvs[uv_tris[t][1]][0] + uvs[uv_tris[t][2]][0]) / 3;
    float v = (uvs[uv_tris[t][0]][1] + uvs[uv_tris[t][1]][1] + uvs[uv_tris[t][2]][1]) / 3;
    // Skin only: the transparent eye helper meshes overlap the face tile and lose to it.
    if (static_cast<int>(std::floor(u)) != 0 || topo.materials[static_cast<std::size_t>(mats[t])].kind != face::MaterialKind::Skin) continue;
    int x = std::clamp(static_cast<int>(u * 256), 0, 255), y = std::clamp(static_cast<int>((1 - v) * 256), 0, 255);
    if (!raster.coverage()[y][x].item<bool>()) continue;
    at::Tensor expected = (model->neutral()[tris[t][0]] + model->neutral()[tris[t][1]] + model->neutral()[tris[t][2]]) / 3;
    EXPECT_LT((baked[y][x] - expected).norm().item<float>(), 0.5f) << "triangle " << t;
    ++checked;
  }
  EXPECT_GT(checked, 20);
  // Dilation fills uncovered texels near islands and keeps covered ones.
  at::Tensor dilated = face::dilate(baked, raster.coverage(), 4);
  at::Tensor cov = raster.coverage();
  EXPECT_TRUE(at::allclose(dilated.index({cov}), baked.index({cov})));
  EXPECT_GT(dilated.abs().sum(2).gt(0).sum().item<long>(), baked.abs().sum(2).gt(0).sum().item<long>());
  EXPECT_THROW(face::rasterize_uv(topo, 0, 0), InputError);
}

TEST(FaceModel, MissingAssetsNameTheFile) {
  try {
    face::FaceModel::load("/nonexistent/ict");
    FAIL();
  } catch (const AssetError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/ict"), std::string::npos);
  }
}
