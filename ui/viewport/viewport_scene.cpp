#include "ui/viewport/viewport_scene.h"

#include <ATen/ATen.h>

#include <vector>

#include "app/cli/render_adapter.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/face/topology.h"
#include "engine/state/face_state.h"

namespace likeness::ui {

render::Scene scene_from_state(const std::shared_ptr<const face::FaceModel>& model, const state::FaceState& state,
                               int texture_resolution) {
  const render_adapter::HeadState head = render_adapter::from_face_state(*model, state, "face state");
  render::Scene scene = render_adapter::make_scene(model, head, texture_resolution);
  scene.overlays.painted = render_adapter::per_render_vertex(model->topology(), head.painted_mask);
  return scene;
}

render::SceneUpdate update_from_state(const std::shared_ptr<const face::FaceModel>& model, const state::FaceState& state,
                                      bool with_textures, int texture_resolution) {
  const render_adapter::HeadState head = render_adapter::from_face_state(*model, state, "face state");
  const at::Tensor v = render_adapter::state_vertices(*model, head);
  render::SceneUpdate u;
  u.geometry = render_adapter::make_geometry(model->topology(), v, model->vertex_normals(v));
  if (with_textures) u.textures = render_adapter::state_textures(model, head, texture_resolution);
  return u;
}

render::Textures textures_from_tensors(const face::FaceModel& model, const TextureTensors& textures) {
  render::Textures t;
  if (textures.albedo.defined()) {
    at::Tensor a = textures.albedo.detach().to(at::kFloat);
    if (a.dim() != 4 || a.size(3) != 3 || a.size(1) != a.size(2))
      throw InputError("texture 'albedo': expected [tiles, R, R, 3] linear RGB");
    const int res = static_cast<int>(a.size(1));
    const at::Tensor alpha =
        render_adapter::albedo_alpha(model, static_cast<int>(a.size(0)), res, textures.seed);
    t.albedo = render_adapter::texture_stack(at::cat({a, alpha}, 3), "albedo");
  }
  if (textures.normal.defined()) t.normal = render_adapter::texture_stack(textures.normal, "normal");
  if (textures.roughness.defined()) t.roughness = render_adapter::texture_stack(textures.roughness, "roughness");
  t.validate();
  return t;
}

render::SceneUpdate update_from_tensors(const face::FaceModel& model, const at::Tensor& vertices, const TextureTensors& textures) {
  render::SceneUpdate u;
  if (vertices.defined()) {
    const at::Tensor v = vertices.detach().to(at::kFloat);
    if (v.dim() != 2 || v.size(0) != model.vertex_count() || v.size(1) != 3)
      throw InputError("vertices: expected [" + std::to_string(model.vertex_count()) + ", 3]");
    u.geometry = render_adapter::make_geometry(model.topology(), v, model.vertex_normals(v));
  }
  if (textures.albedo.defined() || textures.normal.defined() || textures.roughness.defined())
    u.textures = textures_from_tensors(model, textures);
  return u;
}

}  // namespace likeness::ui
