#include "engine/guidance/context.h"

#include <ATen/ATen.h>

#include <sstream>

#include "engine/appearance/appearance_model.h"
#include "engine/appearance/parameters.h"
#include "engine/appearance/texture_set.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/face/measurements.h"
#include "engine/face/population.h"
#include "engine/face/regions.h"
#include "engine/raster/raster.h"

namespace likeness::guidance {

const char* to_string(Stage stage) {
  switch (stage) {
    case Stage::Geometry: return "geometry";
    case Stage::Appearance: return "appearance";
    case Stage::Joint: return "joint";
    case Stage::Edit: return "edit";
  }
  return "?";
}

std::shared_ptr<const Resources> Resources::load(int working_resolution, std::uint64_t seed) {
  auto r = std::make_shared<Resources>();
  r->model = face::FaceModel::load_default();
  r->measurements = face::Measurements::load_default(r->model);
  r->population = face::Population::load_default();
  r->regions = face::RegionSet::load_default(r->model);
  r->schema = appearance::AppearanceSchema::load_default();
  r->appearance = appearance::AppearanceModel::get(working_resolution, seed);
  {
    const face::Topology& topo = r->model->topology();
    const at::Tensor index = topo.triangle_ids_of(face::Topology::opaque_kinds());
    r->opaque_triangles = topo.triangles.index_select(0, index).contiguous();
    r->opaque_uv_triangles = topo.uv_triangles.index_select(0, index).contiguous();
  }
  r->antialias = raster::AntialiasTopology::build(r->opaque_triangles, r->model->vertex_count());
  const at::Tensor& req = r->measurements->required_vertices();
  const long s = req.size(0);
  r->subset_identity = r->model->identity_basis().index_select(1, req).reshape({r->model->identity_count(), s * 3}).contiguous();
  r->subset_expression =
      r->model->expression_basis().index_select(1, req).reshape({r->model->expression_count(), s * 3}).contiguous();
  r->subset_neutral = r->model->neutral().index_select(0, req).reshape({s * 3}).contiguous();
  return r;
}

std::string RenderRequest::key() const {
  std::ostringstream k;
  k << size << "|" << passes << "|";
  for (const auto& v : views) k << v.yaw_deg << "," << v.pitch_deg << "," << v.distance_cm << "," << v.fov_y_deg << ";";
  for (const auto& r : regions) k << r << ",";
  return k.str();
}

GuidanceContext::GuidanceContext(std::shared_ptr<const Resources> resources, const FaceVariables& variables, Stage stage,
                                 int step, int total_steps)
    : resources_(std::move(resources)), variables_(variables), stage_(stage), step_(step), total_steps_(total_steps) {}

const at::Tensor& GuidanceContext::vertices() {
  if (vertices_.defined()) return vertices_;
  const face::FaceModel& model = *resources_->model;
  at::Tensor v = model.vertices(variables_.identity, variables_.expression);
  if (variables_.displacement.defined()) v = v + variables_.displacement;
  if (variables_.local_identity.defined() && variables_.local_mask.defined()) {
    at::Tensor delta = at::matmul(variables_.local_identity, model.identity_basis().reshape({model.identity_count(), -1}))
                           .reshape({model.vertex_count(), 3});
    v = v + delta * variables_.local_mask.unsqueeze(1);
  }
  vertices_ = v;
  return vertices_;
}

const at::Tensor& GuidanceContext::measurements() {
  if (measurements_.defined()) return measurements_;
  const Resources& r = *resources_;
  if (vertices_.defined()) {
    measurements_ = r.measurements->compute(vertices_);
    return measurements_;
  }
  // Fast path: evaluate only the measured vertices.
  const at::Tensor& req = r.measurements->required_vertices();
  const long s = req.size(0);
  at::Tensor flat = r.subset_neutral + at::matmul(variables_.identity, r.subset_identity);
  if (variables_.expression.defined()) flat = flat + at::matmul(variables_.expression, r.subset_expression);
  at::Tensor sub = flat.reshape({s, 3});
  if (variables_.displacement.defined()) sub = sub + variables_.displacement.index_select(0, req);
  if (variables_.local_identity.defined() && variables_.local_mask.defined())
    sub = sub + at::matmul(variables_.local_identity, r.subset_identity).reshape({s, 3}) *
                    variables_.local_mask.index_select(0, req).unsqueeze(1);
  measurements_ = r.measurements->compute_from_subset(sub);
  return measurements_;
}

at::Tensor GuidanceContext::measurement(const std::string& id) { return measurements()[resources_->measurements->index(id)]; }

const appearance::TextureSet& GuidanceContext::textures() {
  if (textures_) return *textures_;
  appearance::AppearanceParams params = appearance::AppearanceParams::from_tensor(resources_->schema, variables_.appearance);
  appearance::Residuals residuals{variables_.albedo_residual, variables_.normal_residual};
  textures_ = std::make_shared<appearance::TextureSet>(resources_->appearance->generate(params, residuals));
  return *textures_;
}

const raster::RenderOutputs& GuidanceContext::render(const RenderRequest& request) {
  const std::string key = request.key();
  if (auto it = renders_.find(key); it != renders_.end()) return it->second;
  const face::Topology& topo = resources_->model->topology();
  raster::RenderMesh mesh;
  mesh.positions = vertices();
  mesh.triangles = resources_->opaque_triangles;
  mesh.uvs = topo.uvs;
  mesh.uv_triangles = resources_->opaque_uv_triangles;
  mesh.topology = resources_->antialias;
  if (request.passes & (raster::kAlbedoPass | raster::kShadedPass)) mesh.albedo_texture = textures().albedo;
  if (request.passes & raster::kRegionPass) {
    if (request.regions.empty()) throw InputError("a region render needs region names");
    std::vector<at::Tensor> masks;
    for (const std::string& r : request.regions) masks.push_back(resources_->regions->vertex_mask(r));
    mesh.region_weights = at::stack(masks, 1);
  }
  raster::RenderSettings settings;
  settings.width = settings.height = request.size;
  settings.passes = request.passes;
  raster::CameraMatrices cameras = raster::orbit_cameras(request.views, 1.0);
  return renders_.emplace(key, raster::render(mesh, cameras, settings)).first->second;
}

}  // namespace likeness::guidance
