// The ICT head from the front: silhouette against the projected vertices and the reference
// rasterizer, landmarks where their projections say, all four ops through a shaded render.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "engine/face/face_model.h"
#include "engine/raster/camera.h"
#include "engine/raster/raster.h"
#include "engine/raster/shading.h"
#include "tests/raster/reference.h"

namespace likeness::raster::test {
namespace {

struct Head {
  std::shared_ptr<const face::FaceModel> model;
  at::Tensor vertices;   // [V, 3]
  at::Tensor triangles;  // [T, 3]
  CameraMatrices camera;
  OrbitCamera orbit;
};

Head front_head() {
  Head h;
  h.model = face::FaceModel::load_default();
  h.vertices = h.model->neutral();
  h.triangles = h.model->topology().triangles;
  const at::Tensor lo = std::get<0>(h.vertices.min(0)), hi = std::get<0>(h.vertices.max(0));
  const at::Tensor centre = (lo + hi) / 2;
  h.orbit.target = {centre[0].item<double>(), centre[1].item<double>(), centre[2].item<double>()};
  h.orbit.fov_y_deg = 20;
  h.orbit.distance_cm = 120;
  h.camera = orbit_cameras({h.orbit});
  return h;
}

TEST(Head, SilhouetteMatchesProjectedVertices) {
  const Head h = front_head();
  EXPECT_EQ(h.triangles.size(0), 52220);
  const int size = 256;
  const at::Tensor clip = transform_clip(h.vertices, h.camera.clip);
  const at::Tensor rast = rasterize(clip, h.triangles, size, size).rast;
  const at::Tensor mask = rast[0].select(2, 3) > 0;
  // Pixel bounds of the coverage against the projected vertices of the mesh.
  const at::Tensor used = std::get<0>(at::_unique(h.triangles.reshape({-1})));
  const at::Tensor px = clip_to_pixels(clip, size, size)[0].index_select(0, used);
  const at::Tensor cols = mask.any(0).nonzero().squeeze(1), rows = mask.any(1).nonzero().squeeze(1);
  const double min_x = px.select(1, 0).min().item<double>(), max_x = px.select(1, 0).max().item<double>();
  const double min_y = px.select(1, 1).min().item<double>(), max_y = px.select(1, 1).max().item<double>();
  // The first covered column's centre lies within a pixel inside the leftmost vertex, etc.
  EXPECT_NEAR(cols.min().item<double>() + 0.5, min_x, 1.0);
  EXPECT_NEAR(cols.max().item<double>() + 0.5, max_x, 1.0);
  EXPECT_NEAR(rows.min().item<double>() + 0.5, min_y, 1.0);
  EXPECT_NEAR(rows.max().item<double>() + 0.5, max_y, 1.0);
  // The head fills a good part of the image and is not cut by it.
  EXPECT_GT(mask.sum().item<int64_t>(), size * size / 5);
  EXPECT_GT(min_x, 1.0);
  EXPECT_LT(max_y, size - 1.0);
  // Head top is up: the highest covered row is near the largest y.
  EXPECT_GT(rows.max().item<double>(), size / 2);
}

TEST(Head, MatchesReferenceRasterizer) {
  const Head h = front_head();
  const int size = 96;
  const at::Tensor clip = transform_clip(h.vertices.to(at::kDouble), h.camera.clip);
  const at::Tensor rast = rasterize(clip, h.triangles, size, size).rast;
  const ReferenceRaster ref = reference_rasterize(clip, h.triangles, size, size, 1e-9);
  const at::Tensor compared = ~ref.ambiguous[0];
  const at::Tensor differ = (rast[0].select(2, 3) != ref.rast[0].select(2, 3)) & compared;
  EXPECT_EQ(differ.sum().item<int64_t>(), 0);
  EXPECT_GT(compared.sum().item<int64_t>(), size * size * 0.9);
  const at::Tensor covered = (ref.rast[0].select(2, 3) > 0) & compared;
  const at::Tensor err = (rast[0].narrow(2, 0, 3) - ref.rast[0].narrow(2, 0, 3)).abs().amax(2).masked_select(covered);
  EXPECT_LT(err.max().item<double>(), 1e-9);
}

TEST(Head, LandmarksLandOnTheirSurfacePoints) {
  const Head h = front_head();
  const int size = 256;
  const at::Tensor clip = transform_clip(h.vertices, h.camera.clip);
  const at::Tensor rast = rasterize(clip, h.triangles, size, size).rast;
  const at::Tensor surface = interpolate(h.vertices, rast, h.triangles).out[0];  // world point per pixel
  const at::Tensor landmarks = h.model->landmark_positions(h.vertices);
  const at::Tensor lm_px = clip_to_pixels(transform_clip(landmarks, h.camera.clip), size, size)[0];
  // One pixel spans this many centimetres at the target distance.
  const double footprint = 2 * h.orbit.distance_cm * std::tan(h.orbit.fov_y_deg / 2 * 3.14159265358979 / 180) / size;
  int visible = 0, checked = 0;
  for (int i = 17; i < 68; ++i) {  // brows, nose, eyes, mouth: facing the camera
    const int x = static_cast<int>(lm_px[i][0].item<double>()), y = static_cast<int>(lm_px[i][1].item<double>());
    ASSERT_TRUE(x >= 0 && x < size && y >= 0 && y < size);
    ++checked;
    EXPECT_GT(rast[0][y][x][3].item<float>(), 0.0f) << "landmark " << i << " projects onto an empty pixel";
    const at::Tensor d = surface[y][x] - landmarks[i];
    const double lateral = std::hypot(d[0].item<double>(), d[1].item<double>());
    // The surface point seen at the landmark's pixel is within the pixel's footprint of it.
    EXPECT_LT(lateral, 1.5 * footprint) << "landmark " << i;
    if (std::fabs(d[2].item<double>()) < 0.3) ++visible;
  }
  // Nearly all of them are what the camera sees there (a few sit in creases: eye corners, lips).
  EXPECT_GE(visible, checked - 4);
}

TEST(Head, ShadedRenderThroughAllOpsHasGradients) {
  const Head h = front_head();
  const face::Topology& topo = h.model->topology();
  RenderMesh mesh;
  mesh.positions = h.vertices.clone().requires_grad_(true);
  mesh.triangles = h.triangles;
  mesh.uvs = topo.uvs;
  mesh.uv_triangles = topo.uv_triangles;
  mesh.albedo_texture = at::full({face::kTileCount, 64, 64, 3}, 0.7f).requires_grad_(true);
  RenderSettings settings;
  settings.width = settings.height = 128;
  settings.passes = kShadedPass | kMaskPass | kNormalPass | kDepthPass;
  const RenderOutputs out = render(mesh, h.camera, settings);
  (out.shaded.sum() + out.mask.sum()).backward();
  EXPECT_TRUE(at::isfinite(mesh.positions.grad()).all().item<bool>());
  EXPECT_GT(mesh.positions.grad().abs().sum().item<float>(), 0.0f);
  EXPECT_GT(mesh.albedo_texture.grad().abs().sum().item<float>(), 0.0f);
  // Depth: the nose tip is nearer than the cheeks and within the head's extent of the distance.
  const at::Tensor depth = out.depth[0].squeeze(2).masked_select(out.mask[0].squeeze(2) > 0.99f);
  EXPECT_GT(depth.min().item<float>(), h.orbit.distance_cm - 20);
  EXPECT_LT(depth.max().item<float>(), h.orbit.distance_cm + 20);
  const auto path = std::filesystem::temp_directory_path() / "likeness_raster_head.png";
  save_image(path, out.shaded.detach(), RowOrder::TopFirst);
  EXPECT_TRUE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace likeness::raster::test
