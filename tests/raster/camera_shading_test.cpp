// Cameras (OpenGL conventions), spherical-harmonic irradiance against numerical integration,
// vertex normals, render() passes and the image helpers.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <array>
#include <cmath>
#include <filesystem>

#include "engine/core/error.h"
#include "engine/io/image_io.h"
#include "engine/raster/camera.h"
#include "engine/raster/shading.h"
#include "tests/raster/test_support.h"

namespace likeness::raster::test {
namespace {

constexpr double kPi = 3.14159265358979323846;

at::Tensor apply(const at::Tensor& m, std::array<double, 3> p) {
  return at::matmul(m.to(at::kDouble), at::tensor({p[0], p[1], p[2], 1.0}, at::kDouble));
}

TEST(Camera, LookAtPutsTheTargetOnTheNegativeZAxis) {
  const at::Tensor v = look_at({1.0, 2.0, 5.0}, {0.5, -1.0, 0.0}, {0, 1, 0}, at::kDouble);
  const at::Tensor eye = apply(v, {1.0, 2.0, 5.0});
  EXPECT_LT(eye.narrow(0, 0, 3).abs().max().item<double>(), 1e-12);
  const at::Tensor target = apply(v, {0.5, -1.0, 0.0});
  EXPECT_NEAR(target[0].item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(target[1].item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(target[2].item<double>(), -std::sqrt(0.25 + 9.0 + 25.0), 1e-12);
  // Rotation part is orthonormal.
  const at::Tensor r = v.narrow(0, 0, 3).narrow(1, 0, 3);
  EXPECT_TRUE(at::allclose(r.matmul(r.t()), at::eye(3, at::kDouble)));
}

TEST(Camera, PerspectiveMapsNearAndFarToMinusOneAndOne) {
  const at::Tensor p = perspective(40.0, 1.5, 2.0, 50.0, at::kDouble);
  const at::Tensor n = apply(p, {0, 0, -2.0}), f = apply(p, {0, 0, -50.0});
  EXPECT_NEAR((n[2] / n[3]).item<double>(), -1.0, 1e-12);
  EXPECT_NEAR((f[2] / f[3]).item<double>(), 1.0, 1e-12);
  // The top of the frustum at the near plane maps to y = 1, the right edge to x = 1.
  const double top = 2.0 * std::tan(20.0 * kPi / 180.0);
  const at::Tensor t = apply(p, {top * 1.5, top, -2.0});
  EXPECT_NEAR((t[0] / t[3]).item<double>(), 1.0, 1e-12);
  EXPECT_NEAR((t[1] / t[3]).item<double>(), 1.0, 1e-12);
  EXPECT_THROW(perspective(0.0, 1.0, 1.0, 2.0), InputError);
  EXPECT_THROW(perspective(30.0, 1.0, 2.0, 1.0), InputError);
}

TEST(Camera, OrbitAnglesFollowTheDocumentedConventions) {
  OrbitCamera front, side, above;
  side.yaw_deg = 90;
  above.pitch_deg = 30;
  for (OrbitCamera* c : {&front, &side, &above}) c->distance_cm = 10;
  EXPECT_NEAR(front.eye()[2], 10.0, 1e-12);
  EXPECT_NEAR(side.eye()[0], 10.0, 1e-12);  // +x: the subject's left
  EXPECT_NEAR(above.eye()[1], 5.0, 1e-12);
  const CameraMatrices m = orbit_cameras({front, side, above}, 1.0, at::kDouble);
  ASSERT_EQ(m.clip.sizes(), (at::IntArrayRef{3, 4, 4}));
  EXPECT_TRUE(at::allclose(m.clip, at::matmul(m.projection, m.view)));
  // The target projects to the image centre; +x world is to the right in the front view.
  const at::Tensor c = transform_clip(at::tensor({0.0, 0.0, 0.0, 1.0, 0.0, 0.0}, at::kDouble).reshape({2, 3}), m.clip);
  EXPECT_NEAR((c[0][0][0] / c[0][0][3]).item<double>(), 0.0, 1e-12);
  EXPECT_GT((c[0][1][0] / c[0][1][3]).item<double>(), 0.0);
  // From the side (camera at +x) world +x points at the camera: it moves toward NDC z = -1.
  EXPECT_LT((c[1][1][2] / c[1][1][3]).item<double>(), (c[1][0][2] / c[1][0][3]).item<double>());
  // Straight down still works.
  OrbitCamera down;
  down.pitch_deg = 90;
  EXPECT_TRUE(at::isfinite(orbit_cameras({down}).clip).all().item<bool>());
}

TEST(Camera, TransformClipMatchesHomogeneousProductAndIsDifferentiable) {
  at::Generator gen = at::detail::createCPUGenerator(1);
  const at::Tensor v = at::randn({2, 5, 3}, gen, at::kDouble).requires_grad_(true);
  const at::Tensor m = at::randn({2, 4, 4}, gen, at::kDouble).requires_grad_(true);
  const at::Tensor out = transform_clip(v, m);
  const at::Tensor hom = at::cat({v, at::ones({2, 5, 1}, at::kDouble)}, 2);
  EXPECT_TRUE(at::allclose(out, at::matmul(hom, m.transpose(1, 2))));
  out.sum().backward();
  EXPECT_TRUE(v.grad().defined() && m.grad().defined());
  // Shared vertices, batched matrices.
  EXPECT_EQ(transform_clip(v.detach()[0], m.detach()).sizes(), (at::IntArrayRef{2, 5, 4}));
  EXPECT_THROW(transform_clip(at::zeros({5, 2}), m), InputError);
}

TEST(Camera, TransformClipGradientsMatchTheMatrixProductForEverySharing) {
  // Shared vertices with batched matrices, batched vertices with one matrix, both batched, in
  // float and double: values and both gradients against the same product written with matmul.
  at::Generator gen = at::detail::createCPUGenerator(3);
  struct Case {
    std::vector<int64_t> v_shape, m_shape;
  };
  for (const Case& c : {Case{{7, 3}, {3, 4, 4}}, Case{{3, 7, 3}, {4, 4}}, Case{{3, 7, 3}, {3, 4, 4}},
                        Case{{1, 7, 3}, {3, 4, 4}}, Case{{7, 3}, {4, 4}}})
    for (at::ScalarType dtype : {at::kDouble, at::kFloat}) {
      const at::Tensor v0 = at::randn(c.v_shape, gen, dtype), m0 = at::randn(c.m_shape, gen, dtype);
      const at::Tensor weights = at::randn({3, 7, 4}, gen, dtype);
      auto run = [&](bool reference) {
        const at::Tensor v = v0.clone().requires_grad_(true), m = m0.clone().requires_grad_(true);
        at::Tensor out;
        if (reference) {
          const at::Tensor vb = v.dim() == 2 ? v.unsqueeze(0) : v;
          const at::Tensor mb = m.dim() == 2 ? m.unsqueeze(0) : m;
          out = at::matmul(at::cat({vb, at::ones({vb.size(0), 7, 1}, vb.options())}, 2), mb.transpose(1, 2));
        } else {
          out = transform_clip(v, m);
        }
        out = out.expand({3, 7, 4});
        (out * weights).sum().backward();
        return std::array<at::Tensor, 3>{out.detach(), v.grad(), m.grad()};
      };
      const auto got = run(false), want = run(true);
      const double tol = dtype == at::kDouble ? 1e-12 : 1e-5;
      for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(got[i].sizes(), want[i].sizes()) << i;
        EXPECT_TRUE(at::allclose(got[i], want[i], tol, tol)) << "output/vertex/matrix gradient " << i;
      }
    }
}

TEST(Shading, IrradianceMatchesNumericalIntegration) {
  // For lighting band-limited to order 2, E(n) = integral of L(w) max(0, n.w) dw exactly.
  at::Generator gen = at::detail::createCPUGenerator(2);
  const at::Tensor sh = at::randn({3, 9}, gen, at::kDouble);
  const int nt = 400, np = 800;
  auto basis = [](double x, double y, double z) {
    return std::array<double, 9>{0.282095,         0.488603 * y,     0.488603 * z,
                                 0.488603 * x,     1.092548 * x * y, 1.092548 * y * z,
                                 0.315392 * (3 * z * z - 1), 1.092548 * x * z, 0.546274 * (x * x - y * y)};
  };
  const at::Tensor raw = at::randn({6, 3}, gen, at::kDouble);
  const at::Tensor normals = raw / raw.norm(2, 1, true);
  const at::Tensor e = sh_irradiance(normals, sh);
  auto s = sh.accessor<double, 2>();
  for (int i = 0; i < 6; ++i) {
    const double nx = normals[i][0].item<double>(), ny = normals[i][1].item<double>(), nz = normals[i][2].item<double>();
    double acc[3] = {0, 0, 0};
    for (int a = 0; a < nt; ++a) {
      const double theta = (a + 0.5) * kPi / nt;
      for (int b = 0; b < np; ++b) {
        const double phi = (b + 0.5) * 2 * kPi / np;
        const double x = std::sin(theta) * std::cos(phi), y = std::sin(theta) * std::sin(phi), z = std::cos(theta);
        const double cosine = std::max(0.0, x * nx + y * ny + z * nz);
        if (cosine == 0) continue;
        const auto yb = basis(x, y, z);
        const double dw = std::sin(theta) * (kPi / nt) * (2 * kPi / np);
        for (int c = 0; c < 3; ++c) {
          double radiance = 0;
          for (int k = 0; k < 9; ++k) radiance += s[c][k] * yb[k];
          acc[c] += radiance * cosine * dw;
        }
      }
    }
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(e[i][c].item<double>(), acc[c], 2e-3) << "normal " << i << " channel " << c;
  }
}

/// shade_sh written as the tensor expression it fuses (independent of its kernel).
at::Tensor shade_reference(const at::Tensor& albedo, const at::Tensor& normals, const at::Tensor& sh,
                           const at::Tensor& rast) {
  const at::Tensor n = normals / normals.norm(2, -1, true).clamp_min(1e-12);
  at::Tensor out = albedo * sh_irradiance(n, sh);
  if (rast.defined()) out = out * (rast.narrow(-1, 3, 1) > 0).to(albedo.scalar_type());
  return out;
}

TEST(Shading, FusedShadingMatchesTheTensorExpressionAndItsGradients) {
  // Random albedo, unnormalized normals (some zero: background), shared and per-view lighting,
  // with and without a raster's coverage; values and all three gradients in double and float.
  at::Generator gen = at::detail::createCPUGenerator(4);
  for (at::ScalarType dtype : {at::kDouble, at::kFloat})
    for (bool batched_light : {false, true})
      for (bool with_rast : {false, true}) {
        const at::Tensor albedo0 = at::rand({3, 5, 7, 3}, gen, dtype);
        at::Tensor normals0 = at::randn({3, 5, 7, 3}, gen, dtype) * 3.0;
        normals0.select(2, 0).zero_();
        const at::Tensor sh0 = batched_light ? at::randn({3, 3, 9}, gen, dtype) : at::randn({3, 9}, gen, dtype);
        at::Tensor rast;
        if (with_rast) {
          rast = at::zeros({3, 5, 7, 4}, dtype);
          rast.select(3, 3).copy_((at::rand({3, 5, 7}, gen) > 0.3).to(dtype) * 5);
        }
        const at::Tensor weights = at::randn({3, 5, 7, 3}, gen, dtype);
        auto run = [&](bool fused) {
          const at::Tensor a = albedo0.clone().requires_grad_(true), n = normals0.clone().requires_grad_(true),
                           l = sh0.clone().requires_grad_(true);
          const at::Tensor out = fused ? shade_sh(a, n, l, rast) : shade_reference(a, n, l, rast);
          (out * weights).sum().backward();
          return std::array<at::Tensor, 4>{out.detach(), a.grad(), n.grad(), l.grad()};
        };
        const auto got = run(true), want = run(false);
        const double tol = dtype == at::kDouble ? 1e-10 : 2e-4;
        const char* what[4] = {"image", "albedo gradient", "normal gradient", "lighting gradient"};
        for (int i = 0; i < 4; ++i)
          EXPECT_TRUE(at::allclose(got[i], want[i], tol, tol))
              << what[i] << " dtype " << dtype << " batched " << batched_light << " rast " << with_rast << ": max "
              << (got[i] - want[i]).abs().max().item<double>();
      }
}

TEST(Shading, FusedShadingGradientsMatchFiniteDifferences) {
  at::Generator gen = at::detail::createCPUGenerator(5);
  const at::Tensor inputs[3] = {at::rand({2, 3, 4, 3}, gen, at::kDouble), at::randn({2, 3, 4, 3}, gen, at::kDouble),
                                at::randn({2, 3, 9}, gen, at::kDouble)};
  const at::Tensor weights = loss_weights(inputs[0], 9);
  const char* names[3] = {"albedo", "normals", "sh"};
  for (int which = 0; which < 3; ++which) {
    at::Tensor x = inputs[which].clone().requires_grad_(true);
    auto with = [&](const at::Tensor& v) {
      at::Tensor args[3] = {inputs[0], inputs[1], inputs[2]};
      args[which] = v;
      return shade_sh(args[0], args[1], args[2]);
    };
    (with(x) * weights).sum().backward();
    const int checked = check_gradient(
        [&](const at::Tensor& v) { return (with(v) * weights).sum().item<double>(); }, inputs[which], x.grad(),
        GradCheck{}, names[which]);
    EXPECT_GT(checked, 20) << names[which];
  }
}

TEST(Shading, FusedShadingNamesBadShapes) {
  const at::Tensor a = at::rand({2, 4, 4, 3});
  try {
    shade_sh(a, at::rand({2, 4, 4, 2}), default_sh_lighting());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("normals"), std::string::npos) << e.what();
  }
  EXPECT_THROW(shade_sh(a, a, at::rand({3, 3, 9})), InputError);              // 3 lights for 2 views
  EXPECT_THROW(shade_sh(a, a, default_sh_lighting(), at::zeros({2, 4, 4, 3})), InputError);  // rast
}

TEST(Shading, DirectionalLightAndDefaults) {
  const at::Tensor sh = sh_from_light({0, 0, 1}, {1, 1, 1}, {0.2, 0.2, 0.2}, at::kDouble);
  const at::Tensor n = at::tensor({0.0, 0.0, 1.0, 0.0, 0.0, -1.0}, at::kDouble).reshape({2, 3});
  const at::Tensor e = sh_irradiance(n, sh);
  // Order-2 SH of a clamped cosine: 1.0625 facing the light (sum over l of A_l (2l + 1) / 4pi),
  // 0.0625 facing away (the same with (-1)^l), on top of the 0.2 ambient.
  EXPECT_NEAR(e[0][0].item<double>(), 1.0625 + 0.2, 2e-3);
  EXPECT_NEAR(e[1][0].item<double>(), 0.0625 + 0.2, 2e-3);
  const at::Tensor d = sh_irradiance(at::tensor({0.0, 0.0, 1.0}, at::kFloat).reshape({1, 3}), default_sh_lighting());
  EXPECT_GT(d.min().item<float>(), 0.9f);
  EXPECT_LT(d.max().item<float>(), 1.3f);
  // Batched lighting.
  const at::Tensor both = sh_irradiance(n.unsqueeze(1), at::stack({sh, sh * 2}));
  EXPECT_TRUE(at::allclose(both[1], e.narrow(0, 1, 1) * 2));
}

TEST(Shading, VertexNormalsOfASphereAndAPlane) {
  Mesh s = icosphere(2);
  const at::Tensor n = vertex_normals(s.positions, s.triangles);
  EXPECT_GT((n * s.positions).sum(1).min().item<double>(), 0.98);
  Mesh g = grid(3);
  const at::Tensor gn = vertex_normals(g.positions, g.triangles);
  EXPECT_TRUE(at::allclose(gn, at::tensor({0.0, 0.0, 1.0}, at::kDouble).expand_as(gn)));
  // Differentiable.
  const at::Tensor p = s.positions.clone().requires_grad_(true);
  (vertex_normals(p, s.triangles).select(1, 0).sum()).backward();
  EXPECT_TRUE(at::isfinite(p.grad()).all().item<bool>());
}

RenderMesh facing_quad() {
  // A unit quad at z = 0 facing +z, UVs spanning tile 0 and 1 halves, two regions.
  RenderMesh m;
  m.positions = at::tensor({-1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 1.0, 1.0, 0.0, -1.0, 1.0, 0.0}, at::kFloat).reshape({4, 3});
  m.triangles = at::tensor({0, 1, 2, 0, 2, 3}, at::kInt).reshape({2, 3});
  m.uvs = at::tensor({0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0}, at::kFloat).reshape({4, 2});
  m.uv_triangles = m.triangles;
  m.region_weights = at::tensor({1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0}, at::kFloat).reshape({4, 2});
  return m;
}

TEST(Render, PassesOfAFacingQuad) {
  RenderMesh m = facing_quad();
  // Texture: left half red, right half blue (image columns).
  at::Tensor tex = at::zeros({1, 8, 8, 3}, at::kFloat);
  tex.narrow(2, 0, 4).select(3, 0).fill_(1.0);
  tex.narrow(2, 4, 4).select(3, 2).fill_(1.0);
  m.albedo_texture = tex;
  OrbitCamera cam;
  cam.distance_cm = 10;
  cam.fov_y_deg = 30;
  const CameraMatrices cams = orbit_cameras({cam});
  RenderSettings settings;
  settings.width = settings.height = 32;
  settings.passes = kAllPasses;
  settings.filter = TextureFilter::Linear;
  const RenderOutputs out = render(m, cams, settings);
  for (const at::Tensor* t : {&out.shaded, &out.albedo, &out.normal, &out.depth, &out.geometry, &out.mask, &out.regions})
    ASSERT_TRUE(t->defined() && t->size(0) == 1 && t->size(1) == 32 && t->size(2) == 32);
  // The quad spans +-1 at distance 10 with fov 30: half-height tan(15) * 10 = 2.68 -> about 12 px.
  const at::Tensor centre_row = out.mask[0][16];
  EXPECT_NEAR(out.mask.sum().item<float>(), std::pow(32 / (2 * std::tan(15 * kPi / 180) * 10) * 2, 2), 12.0);
  EXPECT_EQ(centre_row[16][0].item<float>(), 1.0f);
  EXPECT_EQ(out.mask[0][0][0][0].item<float>(), 0.0f);
  // Left of centre red, right blue; the normal map of a facing quad is (0.5, 0.5, 1).
  EXPECT_NEAR(out.albedo[0][16][12][0].item<float>(), 1.0f, 1e-5);
  EXPECT_NEAR(out.albedo[0][16][19][2].item<float>(), 1.0f, 1e-5);
  EXPECT_TRUE(at::allclose(out.normal[0][16][16], at::tensor({0.5f, 0.5f, 1.0f}), 1e-4, 1e-4));
  EXPECT_NEAR(out.depth[0][16][16][0].item<float>(), 10.0f, 1e-4);
  const at::Tensor irr = sh_irradiance(at::tensor({0.0f, 0.0f, 1.0f}).reshape({1, 3}), default_sh_lighting())[0];
  EXPECT_TRUE(at::allclose(out.shaded[0][16][12], out.albedo[0][16][12] * irr, 1e-4, 1e-5));
  EXPECT_TRUE(at::allclose(out.geometry[0][16][16], irr * 0.7, 1e-4, 1e-5));
  // Regions: vertices 0, 1 (bottom) in region 0, 2, 3 (top) in region 1; top row first, so
  // image row 10 is in the upper half.
  EXPECT_GT(out.regions[0][10][16][1].item<float>(), 0.5f);
  EXPECT_LT(out.regions[0][22][16][1].item<float>(), 0.5f);
  EXPECT_NEAR(out.regions.sum(3).masked_select(out.mask.squeeze(3) == 1).mean().item<float>(), 1.0f, 1e-4);
  // rast keeps the raster convention (row 0 at the bottom): its row 21 is image row 10.
  const at::Tensor raster_regions = interpolate(m.region_weights, out.rast, m.triangles).out;
  EXPECT_GT(raster_regions[0][21][16][1].item<float>(), 0.5f);
  EXPECT_LT(raster_regions[0][9][16][1].item<float>(), 0.5f);
}

TEST(Render, GradientsReachPositionsTexturesAndLighting) {
  RenderMesh m = facing_quad();
  m.positions = m.positions.clone().requires_grad_(true);
  m.albedo_texture = at::rand({1, 16, 16, 3}).requires_grad_(true);
  OrbitCamera a, b;
  a.distance_cm = b.distance_cm = 8;
  b.yaw_deg = 35;
  RenderSettings settings;
  settings.width = settings.height = 24;
  settings.passes = kShadedPass | kMaskPass | kGeometryPass | kNormalPass;
  settings.sh = default_sh_lighting().requires_grad_(true);
  const RenderOutputs out = render(m, orbit_cameras({a, b}), settings);
  EXPECT_EQ(out.shaded.size(0), 2);
  (out.shaded.sum() + out.mask.sum() + out.geometry.sum() + out.normal.sum()).backward();
  for (const at::Tensor* t : {&m.positions, &m.albedo_texture, &settings.sh}) {
    ASSERT_TRUE(t->grad().defined());
    EXPECT_TRUE(at::isfinite(t->grad()).all().item<bool>());
    EXPECT_GT(t->grad().abs().sum().item<float>(), 0.0f);
  }
}

TEST(Render, VertexAlbedoAndBatchedPositions) {
  RenderMesh m = facing_quad();
  m.vertex_albedo = at::tensor({0.2f, 0.4f, 0.6f}).expand({4, 3});
  m.positions = at::stack({m.positions, m.positions * 0.5});
  OrbitCamera cam;
  cam.distance_cm = 10;
  RenderSettings settings;
  settings.width = settings.height = 20;
  settings.passes = kAlbedoPass | kMaskPass;
  const RenderOutputs out = render(m, orbit_cameras({cam}), settings);
  ASSERT_EQ(out.albedo.size(0), 2);
  EXPECT_GT(out.mask[0].sum().item<float>(), out.mask[1].sum().item<float>() * 2);
  EXPECT_TRUE(at::allclose(out.albedo[0][10][10], at::tensor({0.2f, 0.4f, 0.6f})));
  m.region_weights = at::Tensor();
  EXPECT_THROW(render(m, orbit_cameras({cam}), [] {
                 RenderSettings s;
                 s.passes = kRegionPass;
                 return s;
               }()),
               std::exception);
}

TEST(Images, RowOrderAndSaving) {
  // Row r of a bottom-first tensor holds value r; the saved top row is the last one.
  const at::Tensor img = at::arange(4, at::kFloat).reshape({4, 1, 1}).expand({4, 3, 1}).contiguous();
  const io::Image bottom = to_image(img, RowOrder::BottomFirst);
  EXPECT_EQ(bottom.at(0, 0, 0), 3.0f);
  EXPECT_EQ(bottom.at(0, 3, 0), 0.0f);
  const io::Image top = to_image(img.unsqueeze(0).expand({2, 4, 3, 1}), RowOrder::TopFirst, 1);
  EXPECT_EQ(top.at(0, 0, 0), 0.0f);
  EXPECT_EQ(top.width, 3);
  EXPECT_TRUE(at::equal(flip_rows(flip_rows(img)), img));
  EXPECT_THROW(to_image(img.unsqueeze(0), RowOrder::TopFirst, 3), InputError);
  const auto path = std::filesystem::temp_directory_path() / "likeness_raster_rows.exr";
  save_image(path, img / 3.0, RowOrder::BottomFirst);
  const io::Image back = io::read_image(path);
  EXPECT_NEAR(back.at(1, 0, 0), 1.0f, 1e-3);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace likeness::raster::test
