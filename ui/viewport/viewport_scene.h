#pragma once
// What the studio hands the viewport, made from engine data: a first scene from a face state, and
// live updates from the optimizer's tensors (new vertices, new textures). Thin wrappers over the
// render adapter (app/cli/render_adapter.h) that fill render::Scene / render::SceneUpdate.
//
//   viewport->set_scene(ui::scene_from_state(model, state));               // GUI thread
//   viewport->submit(ui::update_from_tensors(*model, vertices, textures)); // any thread
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>

#include "render/scene.h"

namespace likeness::face {
class FaceModel;
}
namespace likeness::state {
struct FaceState;
}

namespace likeness::ui {

/// Texture tensors as the appearance model returns them (appearance::TextureSet's fields):
/// [8, H, W, 3] linear albedo, [8, H, W, 3] tangent-space normal, [8, H, W, 1] roughness.
/// A texture update replaces all three maps: an undefined tensor gives that map's default
/// (mid-grey albedo, flat normal, roughness 0.5), so pass all three from one generate call.
struct TextureTensors {
  at::Tensor albedo;
  at::Tensor normal;
  at::Tensor roughness;
  std::uint64_t seed = 0;  ///< seed of the lash strands written into the albedo's alpha
};

/// The first frame of a face state: mesh with the state's geometry, its generated textures at
/// `texture_resolution` (stand-ins if the appearance model is not built) and its painted mask as
/// the painted overlay. InputError for a malformed state.
render::Scene scene_from_state(const std::shared_ptr<const face::FaceModel>& model, const state::FaceState& state,
                               int texture_resolution = 512);

/// A live update carrying the state's geometry and, if `with_textures`, its regenerated textures
/// (slower: the appearance model runs).
render::SceneUpdate update_from_state(const std::shared_ptr<const face::FaceModel>& model, const state::FaceState& state,
                                      bool with_textures, int texture_resolution = 512);

/// A live update from tensors: `vertices` [V, 3] (normals are computed; undefined: no geometry)
/// and, if any texture tensor is defined, the textures (the albedo gets render_adapter::albedo_alpha:
/// strand coverage on the lash tile, ambient occlusion on the skin tiles). InputError for wrong
/// shapes. Safe to call on a worker thread.
render::SceneUpdate update_from_tensors(const face::FaceModel& model, const at::Tensor& vertices,
                                        const TextureTensors& textures = {});

/// Render textures from texture tensors (see update_from_tensors).
render::Textures textures_from_tensors(const face::FaceModel& model, const TextureTensors& textures);

}  // namespace likeness::ui
