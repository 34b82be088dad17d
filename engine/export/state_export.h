#pragma once
// A document state, exported: evaluates the head model for the state's geometry, generates its
// textures with the appearance model (parameters by name, seed, residual textures) at the
// requested resolution, and builds the ExportScene.
//
//   auto scene = exporter::scene_of_state(*model, doc.current_state(), {.texture_resolution = 2048});
//   exporter::export_scene(scene, ExportFormat::Fbx, "out", options);
#include <ATen/core/Tensor.h>

#include "engine/export/face_scene.h"

namespace likeness::state {
struct FaceState;
}
namespace likeness::appearance {
class AppearanceSchema;
}

namespace likeness::exporter {

struct StateExportOptions {
  int texture_resolution = 0;  ///< 0: the state's own texture_resolution (clamped to 512..4096)
  bool textures = true;        ///< false: geometry and materials only
  FaceSceneOptions scene;
};

/// The appearance parameter vector [P] of `schema` from a state's named values: entries the state
/// names take its values, the others their defaults; clamped into range.
at::Tensor appearance_values_of(const appearance::AppearanceSchema& schema, const state::FaceState& state);

/// The scene of a state with generated textures (InputError if the state is invalid).
ExportScene scene_of_state(const face::FaceModel& model, const state::FaceState& state, const StateExportOptions& options = {});

}  // namespace likeness::exporter
