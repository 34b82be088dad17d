#include "engine/export/state_export.h"

#include <torch/torch.h>

#include <algorithm>

#include "engine/appearance/appearance_model.h"
#include "engine/appearance/parameters.h"
#include "engine/face/face_model.h"
#include "engine/state/face_state.h"

namespace likeness::exporter {

at::Tensor appearance_values_of(const appearance::AppearanceSchema& schema, const state::FaceState& state) {
  at::Tensor out = schema.defaults().to(at::kFloat).clone().contiguous();
  if (state.appearance.defined()) {
    const std::vector<std::string> entries = schema.entry_names();
    at::Tensor values = state.appearance.detach().to(at::kFloat).contiguous();
    const float* v = values.data_ptr<float>();
    float* o = out.data_ptr<float>();
    for (std::size_t i = 0; i < state.appearance_names.size() && static_cast<std::int64_t>(i) < values.numel(); ++i) {
      auto it = std::find(entries.begin(), entries.end(), state.appearance_names[i]);
      if (it != entries.end()) o[it - entries.begin()] = v[i];
    }
  }
  return at::minimum(at::maximum(out, schema.lower_bounds().to(at::kFloat)), schema.upper_bounds().to(at::kFloat));
}

ExportScene scene_of_state(const face::FaceModel& model, const state::FaceState& state, const StateExportOptions& options) {
  torch::NoGradGuard no_grad;
  state.validate("export");
  TileTextures textures;
  if (options.textures) {
    const int resolution = std::clamp(options.texture_resolution > 0 ? options.texture_resolution : state.texture_resolution,
                                      appearance::kMinResolution, appearance::kMaxResolution);
    auto app = appearance::AppearanceModel::get(resolution, state.seed);
    auto schema = appearance::AppearanceSchema::load_default();
    const appearance::AppearanceParams params = appearance::AppearanceParams::from_tensor(schema, appearance_values_of(*schema, state));
    appearance::Residuals residuals;
    residuals.albedo = state.albedo_residual;
    residuals.normal = state.normal_residual;
    const appearance::TextureSet set = app->generate(params, residuals);
    textures = tile_textures_from_stacks(set.albedo, set.normal, set.roughness, app->textured_tiles());
  }
  return scene_from_state(model, state, std::move(textures), options.scene);
}

}  // namespace likeness::exporter
