#pragma once
// From the engine's tensors to the renderer's plain structs (render/scene.h): the head's topology
// as render vertices with triangles grouped by material, per-vertex data mapped to render vertices,
// UDIM texture stacks from [L, H, W, C] tensors, stand-in textures until the appearance model
// provides real ones, and the face states the commands read (sample.json or a saved FaceState).
// Used by `likeness render`, `likeness turntable`, the viewport and the render tests.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "render/scene.h"

namespace likeness::face {
class FaceModel;
struct Topology;
}  // namespace likeness::face

namespace likeness::state {
struct FaceState;
}

namespace likeness::render_adapter {

/// What a render needs of a face: geometry coefficients and appearance parameters.
struct HeadState {
  at::Tensor identity;    ///< [K] float32 (zeros: the mean head)
  at::Tensor expression;  ///< [E] float32 in [0, 1]
  at::Tensor pose;        ///< [6]: yaw, pitch, roll (degrees), tx, ty, tz (cm); undefined: none
  at::Tensor displacement;  ///< [V, 3] cm, or undefined
  at::Tensor painted_mask;  ///< [V] in [0, 1] where the artist allows edits, or undefined
  at::Tensor albedo_residual;  ///< [8, R, R, 3] per-texel albedo detail of a saved state, or undefined
  at::Tensor normal_residual;  ///< [8, R, R, 3] per-texel normal detail, or undefined
  std::map<std::string, float> appearance;  ///< appearance parameters by name ("skin.melanin", "iris.color.r")
  std::uint64_t seed = 0;
  std::string source;     ///< file it came from, "" for the neutral head
};

/// The neutral head (mean identity, no expression).
HeadState neutral_state(const face::FaceModel& model);

/// Reads a state: a JSON file such as `likeness sample` writes ("identity": [...], optional
/// "expression": [...] or {"name": weight}, "pose": [6], "appearance": {"name": value or [r, g, b]},
/// "seed") or a FaceState saved as .safetensors. InputError naming the file and field at fault.
HeadState load_state(const face::FaceModel& model, const std::filesystem::path& path);

/// A HeadState from an in-memory face state (the studio's current state): identity, expression,
/// pose, displacement, appearance by entry name, residuals, painted mask and seed. Tensors of
/// the wrong size for `model` are ignored (the neutral value stays). `source` names it in messages.
HeadState from_face_state(const face::FaceModel& model, const state::FaceState& state, const std::string& source = "");

/// Vertex positions [V, 3] of a state (identity, expression, displacement, pose applied).
at::Tensor state_vertices(const face::FaceModel& model, const HeadState& state);

/// The render mesh: render vertices (position/UV pairs) with positions and normals from
/// `vertices`/`normals` [V, 3], triangles grouped by material (one range per head material, with
/// its kind and UDIM tile), and the 68 landmarks mapped to render vertices.
render::Mesh make_mesh(const face::FaceModel& model, const at::Tensor& vertices, const at::Tensor& normals);

/// New positions and normals for the render mesh of the same topology (a live update).
render::Geometry make_geometry(const face::Topology& topology, const at::Tensor& vertices, const at::Tensor& normals);

/// A per-vertex scalar [V] mapped to render vertices (undefined tensor: empty vector).
std::vector<float> per_render_vertex(const face::Topology& topology, const at::Tensor& per_vertex);

/// A texture stack from a float tensor [L, H, W, C] (or [H, W, C] for one layer): linear values,
/// normals in [-1, 1]. InputError for other shapes.
render::TextureStack texture_stack(const at::Tensor& tiles, const std::string& name);

/// Stand-in textures for all eight UDIM tiles at `resolution`, from appearance parameters
/// (skin.melanin, skin.hemoglobin, iris.color, lips.redness, brows.color, lashes.darkness, ...;
/// defaults from docs/attributes.md): skin with lips, brows and blush from the semantic regions,
/// fine pore normals, an oilier T-zone, iris and sclera on the eye tile, gums, teeth and lash
/// strands with coverage in alpha. Deterministic for a given seed.
render::Textures stand_in_textures(const std::shared_ptr<const face::FaceModel>& model,
                                   const std::map<std::string, float>& appearance, int resolution, std::uint64_t seed = 0);

/// The textures of a state: the appearance model's generated maps when the appearance library is
/// built (resolution at least its minimum, 512), else stand_in_textures. Lash coverage goes into
/// the albedo's alpha either way.
render::Textures state_textures(const std::shared_ptr<const face::FaceModel>& model, const HeadState& state, int resolution);

/// True when state_textures uses the appearance model (not the stand-ins).
bool has_appearance_model();

/// The albedo's alpha channel, [tiles, R, R, 1]: lash coverage on the lash tile
/// (face::lash_coverage, strands along the model's lash cards); on the skin tiles
/// (face, back of head) ambient occlusion baked from the model's neutral head
/// (raster::vertex_occlusion; the shader dims ambient and fill light by it: nostrils, mouth
/// corners, ear folds); 1 elsewhere. Cached (the occlusion per model and resolution, the whole
/// channel per model, tiles, resolution and seed; callers copy it, never write to it).
at::Tensor albedo_alpha(const face::FaceModel& model, int tiles, int resolution, std::uint64_t seed);

/// Everything for a first frame of a state: mesh, textures (`texture_resolution` per tile), no
/// overlays.
render::Scene make_scene(const std::shared_ptr<const face::FaceModel>& model, const HeadState& state,
                         int texture_resolution = 512);

/// Overlays for the commands: `region` names a semantic region or group (its soft mask), `heat`
/// a per-vertex field; InputError with suggestions for an unknown region.
render::Overlays make_overlays(const std::shared_ptr<const face::FaceModel>& model, const std::string& region,
                               const at::Tensor& heat = {}, const at::Tensor& painted = {});

/// Where the overlays of the render commands come from.
struct OverlaySources {
  std::string region;               ///< region or group name for the region overlay
  std::filesystem::path heat;       ///< JSON list of per-vertex values for the heat overlay
  std::filesystem::path painted;    ///< JSON list for the painted overlay (else the state's painted mask)
};

/// The overlay data that `overlay_bits` (render::Overlay flags) asks for. UsageError-style
/// InputError when a requested overlay has no source ("--overlay heat needs --heat FILE").
render::Overlays overlays_for(const std::shared_ptr<const face::FaceModel>& model, const HeadState& state,
                              unsigned overlay_bits, const OverlaySources& sources);

/// Parses "WIDTHxHEIGHT" (e.g. "1280x720"); InputError naming the text otherwise.
std::pair<int, int> parse_size(const std::string& text);

/// A per-vertex field from a JSON file holding a list of V numbers (heat or painted overlays).
at::Tensor load_vertex_field(const face::FaceModel& model, const std::filesystem::path& path);

}  // namespace likeness::render_adapter
