#pragma once
// What a guidance sees at one optimization step: the variables being optimized and quantities
// derived from them (vertices, measurements, textures, renders), each computed lazily, at most
// once per step, and differentiable back to the variables.
#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/guidance/guidance.h"
#include "engine/raster/camera.h"
#include "engine/raster/shading.h"

namespace likeness::face {
class FaceModel;
class Measurements;
class Population;
class RegionSet;
}  // namespace likeness::face

namespace likeness::appearance {
class AppearanceModel;
class AppearanceSchema;
struct TextureSet;
}  // namespace likeness::appearance

namespace likeness::raster {
class AntialiasTopology;
}

namespace likeness::guidance {

/// Models and precomputed data shared by every step of a session (immutable).
struct Resources {
  std::shared_ptr<const face::FaceModel> model;
  std::shared_ptr<const face::Measurements> measurements;
  std::shared_ptr<const face::Population> population;
  std::shared_ptr<const face::RegionSet> regions;
  std::shared_ptr<const appearance::AppearanceSchema> schema;
  std::shared_ptr<const appearance::AppearanceModel> appearance;  ///< at the session's working resolution
  /// The triangles renders draw: face::Topology::opaque_kinds (no lash cards, no transparent
  /// helper meshes: the rasterizer has no alpha). [T', 3] vertex and uv indices.
  at::Tensor opaque_triangles, opaque_uv_triangles;
  std::shared_ptr<const raster::AntialiasTopology> antialias;  ///< of opaque_triangles
  /// The head model restricted to the measured vertices, for fast measurement: [K, S*3],
  /// [E, S*3], [S*3].
  at::Tensor subset_identity, subset_expression, subset_neutral;

  /// Loads everything for the default model with textures at `working_resolution` and noise `seed`.
  static std::shared_ptr<const Resources> load(int working_resolution, std::uint64_t seed);
};

/// The optimized quantities (some undefined or not requiring gradients, depending on the stage).
struct FaceVariables {
  at::Tensor identity;         ///< [K]
  at::Tensor expression;       ///< [E] in [0, 1]
  at::Tensor displacement;     ///< [V, 3] fixed base displacement from earlier edits
  at::Tensor local_identity;   ///< [K] identity delta applied through local_mask (edits)
  at::Tensor local_mask;       ///< [V] in [0, 1], where the local delta may act
  at::Tensor appearance;       ///< [P] parameter vector
  at::Tensor albedo_residual;  ///< [8, R, R, 3] or undefined
  at::Tensor normal_residual;  ///< [8, R, R, 3] or undefined
};

/// A batch of views to render.
struct RenderRequest {
  std::vector<raster::OrbitCamera> views;
  int size = 128;                      ///< square images
  unsigned passes = raster::kAlbedoPass | raster::kMaskPass;
  std::vector<std::string> regions;    ///< for kRegionPass, in this order
  std::string key() const;
};

class GuidanceContext {
public:
  GuidanceContext(std::shared_ptr<const Resources> resources, const FaceVariables& variables, Stage stage, int step,
                  int total_steps);

  const Resources& resources() const { return *resources_; }
  const std::shared_ptr<const Resources>& shared_resources() const { return resources_; }
  const FaceVariables& variables() const { return variables_; }
  Stage stage() const { return stage_; }
  int step() const { return step_; }
  int total_steps() const { return total_steps_; }

  /// Vertex positions [V, 3]: model(identity, expression) + displacement + local edit.
  const at::Tensor& vertices();
  /// All measurements [M] (computed from the measured vertices only unless vertices() exists).
  const at::Tensor& measurements();
  /// One measurement by id.
  at::Tensor measurement(const std::string& id);
  /// Textures of the current appearance at the working resolution.
  const appearance::TextureSet& textures();
  /// Renders through the differentiable rasterizer (cached by request).
  const raster::RenderOutputs& render(const RenderRequest& request);

private:
  std::shared_ptr<const Resources> resources_;
  const FaceVariables& variables_;
  Stage stage_;
  int step_ = 0;
  int total_steps_ = 0;
  at::Tensor vertices_;
  at::Tensor measurements_;
  std::shared_ptr<appearance::TextureSet> textures_;
  std::map<std::string, raster::RenderOutputs> renders_;
};

}  // namespace likeness::guidance
