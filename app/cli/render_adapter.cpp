#include "app/cli/render_adapter.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <utility>

#include "engine/core/error.h"
#include "engine/doc/document.h"
#include "engine/core/json_util.h"
#include "engine/core/strings.h"
#include "engine/face/face_model.h"
#include "engine/face/pose.h"
#include "engine/face/regions.h"
#include "engine/state/face_state.h"
#ifdef LIKENESS_HAVE_APPEARANCE
#include "engine/appearance/appearance_model.h"
#endif
#include "render/view_options.h"

namespace likeness::render_adapter {
namespace {

render::MaterialKind to_render(face::MaterialKind kind) {
  switch (kind) {
    case face::MaterialKind::Skin: return render::MaterialKind::Skin;
    case face::MaterialKind::Eye: return render::MaterialKind::Eye;
    case face::MaterialKind::Teeth: return render::MaterialKind::Teeth;
    case face::MaterialKind::Gums: return render::MaterialKind::Gums;
    case face::MaterialKind::Lashes: return render::MaterialKind::Lashes;
    case face::MaterialKind::Transparent: return render::MaterialKind::Transparent;
  }
  return render::MaterialKind::Skin;
}

std::vector<float> to_floats(const at::Tensor& t) {
  at::Tensor c = t.detach().to(at::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

at::Tensor float_tensor(const std::vector<float>& v) {
  return at::from_blob(const_cast<float*>(v.data()), {static_cast<long>(v.size())}, at::kFloat).clone();
}

void check_vertices(const face::Topology& topology, const at::Tensor& t, const char* what) {
  if (!t.defined() || t.dim() != 2 || t.size(0) != topology.vertex_count || t.size(1) != 3)
    throw InputError(std::string("render: ") + what + " must be [" + std::to_string(topology.vertex_count) + ", 3]");
}

// Appearance entries from JSON: numbers by name, colours as [r, g, b] or "#rrggbb" -> "id.r" ...
void read_appearance(const Json& object, const std::string& source, std::map<std::string, float>& out) {
  if (!object.is_object()) throw_json_error(source, "appearance", "expected an object of parameter values");
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string field = "appearance." + it.key();
    if (it->is_number()) {
      out[it.key()] = it->get<float>();
    } else if (it->is_array() && it->size() == 3) {
      const char* channel[3] = {".r", ".g", ".b"};
      for (std::size_t c = 0; c < 3; ++c) {
        if (!(*it)[c].is_number()) throw_json_error(source, field, "expected three numbers");
        out[it.key() + channel[c]] = (*it)[c].get<float>();
      }
    } else if (it->is_string()) {
      std::string hex = it->get<std::string>();
      if (!hex.empty() && hex[0] == '#') hex.erase(0, 1);
      if (hex.size() != 6 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        throw_json_error(source, field, "expected a number, [r, g, b] or \"#rrggbb\"");
      const char* channel[3] = {".r", ".g", ".b"};
      for (std::size_t c = 0; c < 3; ++c)
        out[it.key() + channel[c]] = static_cast<float>(std::stoi(hex.substr(2 * c, 2), nullptr, 16)) / 255.0f;
    } else {
      throw_json_error(source, field, "expected a number, [r, g, b] or \"#rrggbb\"");
    }
  }
}

HeadState load_json_state(const face::FaceModel& model, const std::filesystem::path& path) {
  const std::string source = path.string();
  const Json j = load_json_file(path);
  if (!j.is_object()) throw InputError(at_file(source, "expected a JSON object (a state such as sample.json)"));
  HeadState s = neutral_state(model);
  s.source = source;
  if (j.contains("identity")) {
    const auto identity = json_field<std::vector<float>>(j, "identity", source);
    if (identity.empty() || static_cast<int>(identity.size()) > model.identity_count())
      throw_json_error(source, "identity", "expected 1 to " + std::to_string(model.identity_count()) + " coefficients");
    for (float v : identity)
      if (!std::isfinite(v) || std::abs(v) > 20.0f) throw_json_error(source, "identity", "coefficients must be finite and within +-20");
    s.identity.narrow(0, 0, static_cast<long>(identity.size())).copy_(float_tensor(identity));
  }
  if (j.contains("expression")) {
    const Json& e = j["expression"];
    if (e.is_array()) {
      const auto values = json_field<std::vector<float>>(j, "expression", source);
      if (static_cast<int>(values.size()) != model.expression_count())
        throw_json_error(source, "expression", "expected " + std::to_string(model.expression_count()) + " weights");
      s.expression.copy_(float_tensor(values));
    } else if (e.is_object()) {
      for (auto it = e.begin(); it != e.end(); ++it) {
        const int index = model.expression_index(it.key());
        if (index < 0) {
          auto close = closest_words(it.key(), model.expression_names());
          throw_json_error(source, "expression." + it.key(),
                           "unknown expression" + (close.empty() ? std::string() : " (did you mean '" + close.front() + "'?)"));
        }
        if (!it->is_number()) throw_json_error(source, "expression." + it.key(), "expected a weight in [0, 1]");
        s.expression[index] = it->get<float>();
      }
    } else {
      throw_json_error(source, "expression", "expected a list of weights or an object {name: weight}");
    }
    if (!at::isfinite(s.expression).all().item<bool>() || s.expression.min().item<float>() < 0.0f ||
        s.expression.max().item<float>() > 1.0f)
      throw_json_error(source, "expression", "weights must be within [0, 1]");
  }
  if (j.contains("pose")) {
    const auto pose = json_field<std::vector<float>>(j, "pose", source);
    if (pose.size() != 6) throw_json_error(source, "pose", "expected 6 numbers: yaw, pitch, roll (degrees), tx, ty, tz (cm)");
    for (float v : pose)
      if (!std::isfinite(v)) throw_json_error(source, "pose", "values must be finite");
    s.pose = float_tensor(pose);
  }
  if (j.contains("appearance")) read_appearance(j["appearance"], source, s.appearance);
  if (j.contains("seed")) {
    if (!j["seed"].is_number_integer() || j["seed"].get<long long>() < 0) throw_json_error(source, "seed", "expected a non-negative integer");
    s.seed = j["seed"].get<std::uint64_t>();
  }
  return s;
}

}  // namespace

HeadState from_face_state(const face::FaceModel& model, const state::FaceState& fs, const std::string& source) {
  HeadState s = neutral_state(model);
  s.source = source;
  const long k = std::min<long>(fs.identity.numel(), model.identity_count());
  if (k > 0) s.identity.narrow(0, 0, k).copy_(fs.identity.narrow(0, 0, k));
  if (fs.expression.defined() && fs.expression.numel() == model.expression_count()) s.expression.copy_(fs.expression);
  if (fs.pose.defined() && fs.pose.numel() == 6) s.pose = fs.pose.clone();
  if (fs.displacement.defined() && fs.displacement.dim() == 2 && fs.displacement.size(0) == model.vertex_count())
    s.displacement = fs.displacement.clone();
  if (fs.appearance.defined()) {
    at::Tensor a = fs.appearance.to(at::kFloat).contiguous();
    for (std::size_t i = 0; i < fs.appearance_names.size() && static_cast<long>(i) < a.numel(); ++i)
      s.appearance[fs.appearance_names[i]] = a[static_cast<long>(i)].item<float>();
  }
  if (fs.albedo_residual.defined()) s.albedo_residual = fs.albedo_residual.clone();
  if (fs.normal_residual.defined()) s.normal_residual = fs.normal_residual.clone();
  if (fs.painted_mask.defined() && fs.painted_mask.numel() == model.vertex_count())
    s.painted_mask = fs.painted_mask.to(at::kFloat).reshape({model.vertex_count()}).clone();
  s.seed = fs.seed;
  return s;
}

HeadState neutral_state(const face::FaceModel& model) {
  HeadState s;
  s.identity = model.zero_identity();
  s.expression = model.zero_expression();
  return s;
}

HeadState load_state(const face::FaceModel& model, const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw InputError(at_file(path.string(), "no such file"));
  const std::string ext = to_lower_ascii(path.extension().string());
  if (ext == ".safetensors" || ext == ".state") return from_face_state(model, state::load_state(path.string()), path.string());
  if (ext == ".json") return load_json_state(model, path);
  if (ext == doc::kProjectExtension) return from_face_state(model, doc::Document::open(path).current_state(), path.string());
  if (std::filesystem::is_directory(path) && std::filesystem::exists(path / "state.safetensors"))
    return from_face_state(model, state::load_state((path / "state.safetensors").string()), path.string());
  throw InputError(at_file(path.string(), "expected a project (.likeness, its current step), a face folder, a state .json (as "
                                          "`likeness sample` writes) or a .safetensors face state"));
}

at::Tensor state_vertices(const face::FaceModel& model, const HeadState& state) {
  at::Tensor v = model.vertices(state.identity, state.expression);
  if (state.displacement.defined()) v = v + state.displacement.to(at::kFloat);
  if (state.pose.defined() && state.pose.numel() == 6) {
    at::Tensor neutral = model.neutral();
    at::Tensor pivot = (std::get<0>(neutral.min(0)) + std::get<0>(neutral.max(0))) * 0.5;
    v = face::apply_pose(v, state.pose.narrow(0, 0, 3), state.pose.narrow(0, 3, 3), pivot);
  }
  return v;
}

render::Mesh make_mesh(const face::FaceModel& model, const at::Tensor& vertices, const at::Tensor& normals) {
  const face::Topology& topo = model.topology();
  render::Geometry g = make_geometry(topo, vertices, normals);
  render::Mesh mesh;
  mesh.positions = std::move(g.positions);
  mesh.normals = std::move(g.normals);
  mesh.uvs = to_floats(topo.uvs.index_select(0, topo.render_vertex_uv));

  // Triangles grouped by material, in material order.
  at::Tensor tri_material = topo.triangle_material.contiguous();
  at::Tensor tris = topo.render_triangles.to(at::kLong).contiguous();
  const std::int64_t* mat = tri_material.data_ptr<std::int64_t>();
  const std::int64_t* idx = tris.data_ptr<std::int64_t>();
  const std::int64_t t = tri_material.size(0);
  mesh.indices.reserve(static_cast<std::size_t>(t) * 3);
  for (std::size_t m = 0; m < topo.materials.size(); ++m) {
    render::MaterialRange range;
    range.kind = to_render(topo.materials[m].kind);
    range.tile = topo.materials[m].tile;
    range.first_index = static_cast<std::uint32_t>(mesh.indices.size());
    for (std::int64_t i = 0; i < t; ++i)
      if (mat[i] == static_cast<std::int64_t>(m))
        for (int c = 0; c < 3; ++c) mesh.indices.push_back(static_cast<std::uint32_t>(idx[3 * i + c]));
    range.index_count = static_cast<std::uint32_t>(mesh.indices.size()) - range.first_index;
    if (range.index_count > 0) mesh.materials.push_back(range);
  }

  // Landmarks: the first render vertex of each landmark vertex.
  at::Tensor rvp = topo.render_vertex_position.contiguous();
  const std::int64_t* pos = rvp.data_ptr<std::int64_t>();
  std::unordered_map<std::int64_t, std::uint32_t> first;
  for (std::int64_t r = rvp.numel() - 1; r >= 0; --r) first[pos[r]] = static_cast<std::uint32_t>(r);
  for (int v : model.landmarks()) {
    auto it = first.find(v);
    if (it != first.end()) mesh.landmarks.push_back(it->second);
  }
  return mesh;
}

render::Geometry make_geometry(const face::Topology& topology, const at::Tensor& vertices, const at::Tensor& normals) {
  check_vertices(topology, vertices, "vertices");
  check_vertices(topology, normals, "normals");
  render::Geometry g;
  g.positions = to_floats(vertices.detach().index_select(0, topology.render_vertex_position));
  g.normals = to_floats(normals.detach().index_select(0, topology.render_vertex_position));
  return g;
}

std::vector<float> per_render_vertex(const face::Topology& topology, const at::Tensor& per_vertex) {
  if (!per_vertex.defined()) return {};
  if (per_vertex.dim() != 1 || per_vertex.size(0) != topology.vertex_count)
    throw InputError("render: a per-vertex overlay must be [" + std::to_string(topology.vertex_count) + "]");
  return to_floats(per_vertex.detach().index_select(0, topology.render_vertex_position));
}

render::TextureStack texture_stack(const at::Tensor& tiles, const std::string& name) {
  if (!tiles.defined()) return {};
  at::Tensor t = tiles.detach();
  if (t.dim() == 3) t = t.unsqueeze(0);
  if (t.dim() != 4 || t.size(3) < 1 || t.size(3) > 4 || t.size(3) == 2)
    throw InputError("texture '" + name + "': expected a [layers, height, width, channels] tensor with 1, 3 or 4 channels");
  render::TextureStack s;
  s.layers = static_cast<int>(t.size(0));
  s.height = static_cast<int>(t.size(1));
  s.width = static_cast<int>(t.size(2));
  s.channels = static_cast<int>(t.size(3));
  s.type = render::TexelType::F32;
  s.f32 = to_floats(t);
  return s;
}

render::Scene make_scene(const std::shared_ptr<const face::FaceModel>& model, const HeadState& state, int texture_resolution) {
  at::Tensor v = state_vertices(*model, state);
  render::Scene scene;
  scene.mesh = make_mesh(*model, v, model->vertex_normals(v));
  scene.textures = state_textures(model, state, texture_resolution);
  return scene;
}

bool has_appearance_model() {
#ifdef LIKENESS_HAVE_APPEARANCE
  return true;
#else
  return false;
#endif
}

render::Textures state_textures(const std::shared_ptr<const face::FaceModel>& model, const HeadState& state, int resolution) {
#ifdef LIKENESS_HAVE_APPEARANCE
  const int res = std::clamp(resolution, appearance::kMinResolution, appearance::kMaxResolution);
  appearance::AppearanceParams params;
  const std::vector<std::string> entries = params.schema().entry_names();
  at::Tensor values = params.values.clone();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto it = state.appearance.find(entries[i]);
    if (it != state.appearance.end()) values[static_cast<long>(i)] = it->second;
  }
  params = appearance::AppearanceParams::from_tensor(params.schema_ptr(), values);
  params.validate(state.source.empty() ? "appearance" : state.source);
  appearance::Residuals residuals;
  residuals.albedo = state.albedo_residual;
  residuals.normal = state.normal_residual;
  if (!residuals.empty()) residuals.validate(state.source.empty() ? "residuals" : state.source);
  // The default head's appearance models are cached; another head gets its own.
  const auto generator = model == face::FaceModel::load_default() ? appearance::AppearanceModel::get(res, state.seed)
                                                                  : appearance::AppearanceModel::build(model, res, state.seed);
  const appearance::TextureSet t = generator->generate(params, residuals).detached();

  render::Textures out;
  // Albedo alpha: lash coverage, and ambient occlusion on the skin tiles.
  const at::Tensor alpha = albedo_alpha(*model, static_cast<int>(t.albedo.size(0)), res, state.seed);
  out.albedo = texture_stack(at::cat({t.albedo.to(at::kFloat), alpha}, 3), "albedo");
  out.normal = texture_stack(t.normal, "normal");
  out.roughness = texture_stack(t.roughness, "roughness");
  return out;
#else
  return stand_in_textures(model, state.appearance, resolution, state.seed);
#endif
}

render::Overlays make_overlays(const std::shared_ptr<const face::FaceModel>& model, const std::string& region,
                               const at::Tensor& heat, const at::Tensor& painted) {
  render::Overlays o;
  const face::Topology& topo = model->topology();
  if (!region.empty()) {
    auto regions = face::RegionSet::load_default(model);
    o.region = per_render_vertex(topo, regions->vertex_mask(region));
  }
  o.heat = per_render_vertex(topo, heat);
  o.painted = per_render_vertex(topo, painted);
  return o;
}

render::Overlays overlays_for(const std::shared_ptr<const face::FaceModel>& model, const HeadState& state,
                              unsigned overlay_bits, const OverlaySources& sources) {
  std::string region;
  at::Tensor heat, painted;
  if (overlay_bits & render::kOverlayRegion) {
    if (sources.region.empty()) throw InputError("overlay 'region' needs a region name (--region NAME, e.g. nose)");
    region = sources.region;
  }
  if (overlay_bits & render::kOverlayHeat) {
    if (sources.heat.empty()) throw InputError("overlay 'heat' needs per-vertex values (--heat FILE.json)");
    heat = load_vertex_field(*model, sources.heat);
  }
  if (overlay_bits & render::kOverlayPainted) {
    if (!sources.painted.empty()) painted = load_vertex_field(*model, sources.painted);
    else if (state.painted_mask.defined()) painted = state.painted_mask;
    else throw InputError("overlay 'painted' needs a painted mask (--painted FILE.json, or a state that has one)");
  }
  return make_overlays(model, region, heat, painted);
}

std::pair<int, int> parse_size(const std::string& text) {
  const std::string t = to_lower_ascii(trim(text));
  const auto x = t.find('x');
  auto number = [&](const std::string& part) {
    if (part.empty() || part.size() > 6 || part.find_first_not_of("0123456789") != std::string::npos)
      throw InputError("size '" + text + "': expected WIDTHxHEIGHT in pixels, e.g. 1280x720");
    return std::stoi(part);
  };
  if (x == std::string::npos) throw InputError("size '" + text + "': expected WIDTHxHEIGHT in pixels, e.g. 1280x720");
  const int w = number(t.substr(0, x)), h = number(t.substr(x + 1));
  if (w < 1 || h < 1) throw InputError("size '" + text + "': width and height must be at least 1");
  return {w, h};
}

at::Tensor load_vertex_field(const face::FaceModel& model, const std::filesystem::path& path) {
  const Json j = load_json_file(path);
  if (!j.is_array() || static_cast<int>(j.size()) != model.vertex_count())
    throw InputError(at_file(path.string(), "expected a JSON list of " + std::to_string(model.vertex_count()) + " numbers (one per vertex)"));
  std::vector<float> values;
  values.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_number()) throw InputError(at_file(path.string(), "entry " + std::to_string(i) + " is not a number"));
    const float v = j[i].get<float>();
    if (!std::isfinite(v)) throw InputError(at_file(path.string(), "entry " + std::to_string(i) + " is not finite"));
    values.push_back(v);
  }
  return float_tensor(values);
}

}  // namespace likeness::render_adapter
