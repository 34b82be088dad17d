#include "engine/optim/pipeline.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>

#include "engine/appearance/appearance_model.h"
#include "engine/appearance/parameters.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/face/measurements.h"
#include "engine/face/population.h"
#include "engine/face/regions.h"
#include "engine/face/topology.h"
#include "engine/face/uv_bake.h"
#include "engine/guidance/builtin_guidance.h"
#include "engine/guidance/context.h"
#include "engine/text/prompt_parser.h"

namespace likeness::optim {

namespace {

// UV rasters of every used tile at one resolution, built once per model and resolution.
const std::map<int, face::UvRaster>& tile_rasters(const face::FaceModel& model, int resolution) {
  static std::mutex mutex;
  static std::map<std::pair<const face::FaceModel*, int>, std::map<int, face::UvRaster>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& rasters = cache[{&model, resolution}];
  if (rasters.empty())
    for (int tile : face::used_tiles(model.topology())) rasters.emplace(tile, face::rasterize_uv(model.topology(), tile, resolution));
  return rasters;
}

}  // namespace

at::Tensor bake_vertex_map(const face::FaceModel& model, const at::Tensor& per_vertex, int resolution) {
  at::Tensor out = at::zeros({8, resolution, resolution}, at::kFloat);
  for (const auto& [tile, raster] : tile_rasters(model, resolution)) {
    at::Tensor baked = face::bake_vertex_attribute(raster, model.topology(), per_vertex.to(at::kFloat).unsqueeze(1));
    out[tile] = face::dilate(baked, raster.coverage(), 4).squeeze(-1);
  }
  return out;
}

namespace {
}  // namespace

Pipeline::Pipeline(PipelineOptions options) : options_(options) {
  resources_ = guidance::Resources::load(options_.working_resolution, 0);
}

at::Tensor Pipeline::vertices(const state::FaceState& state) const {
  at::NoGradGuard guard;
  at::Tensor v = resources_->model->vertices(state.identity.to(at::kFloat), state.expression.to(at::kFloat));
  if (state.displacement.defined()) v = v + state.displacement.to(at::kFloat);
  return v;
}

guidance::CurrentFace Pipeline::describe(const state::FaceState& state) const {
  at::NoGradGuard guard;
  guidance::CurrentFace face;
  const guidance::Resources& res = *resources_;
  at::Tensor m = res.measurements->compute(vertices(state)).to(at::kDouble).contiguous();
  for (std::size_t i = 0; i < res.measurements->size(); ++i)
    face.measurements[res.measurements->infos()[i].id] = m[static_cast<long>(i)].item<double>();
  at::Tensor a = appearance_from_state(*res.schema, state).to(at::kDouble).contiguous();
  for (const std::string& id : res.schema->names()) {
    const appearance::ParameterSpec& spec = res.schema->spec(id);
    std::vector<double> values;
    for (int k = 0; k < spec.width(); ++k) values.push_back(a[spec.offset + k].item<double>());
    face.appearance[id] = values;
  }
  const auto& names = res.model->expression_names();
  at::Tensor e = state.expression.to(at::kDouble).contiguous();
  for (std::size_t i = 0; i < names.size(); ++i) face.expressions[names[i]] = e[static_cast<long>(i)].item<double>();
  return face;
}

Understanding Pipeline::understand(const std::string& text, const state::FaceState* current) const {
  Understanding u;
  text::ParseOptions options;
  if (current) options.context = text::ParseOptions::Context::Edit;
  u.parsed = text::PromptParser::default_parser().parse(text, options);
  guidance::CurrentFace face = describe(current ? *current : neutral_state(0));
  u.targets = guidance::resolve_targets(u.parsed, *resources_->population, face);
  u.targets.edit = current != nullptr;
  if (current) {
    // An edit keeps who the face is: what a pronoun or a sex, age or ancestry word only implies
    // ("give HIM a stubble") is not a change asked for.
    auto implied = [&](bool prior, const std::string& phrase) {
      if (!prior) return false;
      text::Warning w;
      w.kind = text::Warning::Kind::Ignored;
      w.word = phrase;
      w.message = "'" + phrase + "' describes who the face is; an edit does not change that unless it says so";
      bool seen = false;
      for (const text::Warning& x : u.parsed.warnings) seen |= x.kind == w.kind && x.word == w.word;
      if (!seen) u.parsed.warnings.push_back(w);
      return true;
    };
    auto& m = u.targets.measurements;
    m.erase(std::remove_if(m.begin(), m.end(), [&](const guidance::ResolvedMeasurement& t) { return implied(t.prior, t.phrase); }), m.end());
    auto& a = u.targets.appearance;
    a.erase(std::remove_if(a.begin(), a.end(), [&](const guidance::ResolvedAppearance& t) { return implied(t.prior, t.phrase); }), a.end());
  }
  // Check appearance ids against the schema now, so a bad id names its phrase before any work.
  guidance::appearance_target_vector(*resources_->schema, u.targets, resources_->schema->defaults());
  return u;
}

state::FaceState Pipeline::neutral_state(std::uint64_t seed) const {
  const face::FaceModel& model = *resources_->model;
  state::FaceState s = state::FaceState::neutral(model.identity_count(), model.expression_count(), model.vertex_count());
  store_appearance(*resources_->schema, resources_->schema->defaults(), s);
  s.seed = seed;
  s.texture_resolution = options_.texture_resolution;
  return s;
}

state::FaceState Pipeline::warm_start(const guidance::ResolvedTargets& targets, std::uint64_t seed) const {
  const guidance::Resources& res = *resources_;
  state::FaceState s = neutral_state(seed);
  const int k = res.model->identity_count();

  // Identity: a seeded draw from a narrowed prior, then the minimum-norm change that puts the
  // linear predictions of every targeted measurement on its target (ridge-regularised).
  at::Generator gen = at::detail::createCPUGenerator(seed * 2654435761ULL + 17);
  at::Tensor identity = at::normal(0.0, 0.5, {k}, gen, at::kDouble);
  if (!targets.measurements.empty()) {
    const long n = static_cast<long>(targets.measurements.size());
    at::Tensor slopes = at::zeros({n, k}, at::kDouble);
    at::Tensor residual = at::zeros({n}, at::kDouble);
    at::Tensor scale = at::zeros({n}, at::kDouble);
    for (long i = 0; i < n; ++i) {
      const guidance::ResolvedMeasurement& t = targets.measurements[static_cast<std::size_t>(i)];
      const face::MeasurementStats& st = res.population->stats(t.id);
      slopes[i] = at::tensor(st.slope, at::kDouble);
      residual[i] = t.target - (st.intercept + at::dot(slopes[i], identity).item<double>());
      scale[i] = t.sd / std::sqrt(std::max(t.weight, 1e-3));  // weaker targets pull less
    }
    // Work in (weighted) standard deviations so every measurement counts alike.
    at::Tensor a = slopes / scale.unsqueeze(1);
    at::Tensor r = residual / scale;
    at::Tensor gram = at::matmul(a, a.t()) + 0.05 * at::eye(n, at::kDouble);
    at::Tensor delta = at::matmul(a.t(), at::linalg_solve(gram, r));
    identity = identity + delta;
  }
  s.identity = identity.clamp(-3.5, 3.5).to(at::kFloat);

  // Expressions and appearance: the targets directly.
  for (const guidance::ResolvedExpression& e : targets.expressions) {
    const int j = res.model->expression_index(e.name);
    if (j < 0) throw InputError("'" + e.phrase + "' names expression '" + e.name + "', which the head model lacks");
    s.expression[j] = static_cast<float>(e.value);
  }
  guidance::AppearanceTargetVector a = guidance::appearance_target_vector(*res.schema, targets, res.schema->defaults());
  store_appearance(*res.schema, a.values, s);
  return s;
}

Outcome Pipeline::generate(const std::string& prompt, const GenerateOptions& options, JobControl* control,
                           const ProgressCallback& progress) const {
  return generate(understand(prompt, nullptr), options, control, progress);
}

Outcome Pipeline::generate(const Understanding& understanding, const GenerateOptions& options, JobControl* control,
                           const ProgressCallback& progress) const {
  Outcome out;
  out.understanding = understanding;
  state::FaceState start = warm_start(understanding.targets, options.seed);
  SessionOptions so;
  so.schedule = options.steps > 0 ? Schedule::generation().with_total_steps(options.steps) : Schedule::generation();
  so.snapshot_every = options_.snapshot_every;
  so.residual_resolution = options_.residual_resolution;
  for (const guidance::ResolvedExpression& e : understanding.targets.expressions) {
    const std::int64_t j = resources_->model->expression_index(e.name);
    if (j >= 0 && std::find(so.free_expressions.begin(), so.free_expressions.end(), j) == so.free_expressions.end())
      so.free_expressions.push_back(j);
  }
  Session session(resources_, so);
  at::Tensor start_expression = start.expression.clone();
  at::Tensor start_appearance = appearance_from_state(*resources_->schema, start);
  session.set_guidances({std::make_shared<guidance::BuiltinGuidance>(understanding.targets, start_expression, start_appearance)});
  out.session = session.run(start, nullptr, control, progress);
  out.state = out.session.state;
  return out;
}

std::pair<at::Tensor, at::Tensor> Pipeline::edit_weights(const state::FaceState& current, const text::AttentionMap& attention,
                                                         MaskSource source) const {
  const guidance::Resources& res = *resources_;
  const int r = res.appearance->resolution();
  at::Tensor attention_v, attention_uv, painted_v, painted_uv;
  if (source != MaskSource::Painted) {
    std::map<std::string, float> weights;
    for (const auto& [region, w] : attention)
      if (res.regions->contains(region)) weights[region] = static_cast<float>(w);
    if (weights.empty() && source == MaskSource::Attention)
      throw InputError("the instruction names no face region to edit; paint a mask or name a part of the face");
    attention_v = weights.empty() ? at::zeros({res.model->vertex_count()}, at::kFloat) : res.regions->vertex_map(weights);
    // The per-vertex attention baked into UV (the region masks are smooth over the surface).
    attention_uv = weights.empty() ? at::zeros({8, r, r}, at::kFloat) : bake_vertex_map(*res.model, attention_v, r);
  }
  if (source != MaskSource::Attention) {
    if (!current.painted_mask.defined()) {
      if (source == MaskSource::Painted) throw InputError("the edit uses the painted mask, but no mask has been painted");
    } else {
      painted_v = current.painted_mask.to(at::kFloat).clamp(0, 1);
      painted_uv = bake_vertex_map(*res.model, painted_v, r);
    }
  }
  at::Tensor wv = initial_weights(source == MaskSource::Both && !painted_v.defined() ? MaskSource::Attention : source,
                                  attention_v, painted_v);
  at::Tensor wuv = initial_weights(source == MaskSource::Both && !painted_uv.defined() ? MaskSource::Attention : source,
                                   attention_uv, painted_uv);
  return {wv, wuv};
}

void Pipeline::edit_warm_start(const state::FaceState& current, const guidance::ResolvedTargets& targets, EditSetup& setup) const {
  const guidance::Resources& res = *resources_;
  const face::FaceModel& model = *res.model;
  // Expression targets directly.
  at::Tensor expression = current.expression.to(at::kFloat).clone();
  for (const guidance::ResolvedExpression& e : targets.expressions) {
    const int j = model.expression_index(e.name);
    if (j < 0) throw InputError("'" + e.phrase + "' names expression '" + e.name + "', which the head model lacks");
    expression[j] = static_cast<float>(e.value);
  }
  if (!setup.free_expressions.empty()) setup.warm_expression = expression;
  if (targets.measurements.empty()) return;

  // The local identity delta that minimizes the built-in guidance's measurement terms, identity
  // prior and the geometry consistency with the measurements linearized at the start: one
  // Gauss-Newton step, solved exactly; the session then refines it.
  const long k = model.identity_count();
  const guidance::BuiltinWeights weights;
  const at::Tensor& req = res.measurements->required_vertices();
  const long sub = req.size(0);
  at::Tensor base = res.subset_neutral + at::matmul(current.identity.to(at::kFloat), res.subset_identity) +
                    at::matmul(expression, res.subset_expression);
  base = base.reshape({sub, 3});
  if (current.displacement.defined()) base = base + current.displacement.to(at::kFloat).index_select(0, req);
  const at::Tensor mask = (1 - setup.vertex_weights.to(at::kFloat)).clamp(0, 1).index_select(0, req).unsqueeze(1);
  at::Tensor delta = at::zeros({k}, at::kFloat).requires_grad_(true);
  const at::Tensor m = res.measurements->compute_from_subset(base + at::matmul(delta, res.subset_identity).reshape({sub, 3}) * mask);
  at::Tensor h = setup.geometry_form.slice(0, 0, k).slice(1, 0, k) * setup.geometry_consistency + weights.identity_prior * at::eye(k);
  at::Tensor g = at::zeros({k}, at::kFloat);
  for (const guidance::ResolvedMeasurement& t : targets.measurements) {
    const long i = static_cast<long>(res.measurements->index(t.id));
    const at::Tensor jac = torch::autograd::grad({m[i]}, {delta}, {}, /*retain_graph=*/true)[0].detach();
    const double c = weights.measurements * t.weight / (t.sd * t.sd);
    h = h + c * at::outer(jac, jac);
    g = g + c * (m[i].item<double>() - t.target) * jac;
  }
  setup.warm_local_identity = (-at::linalg_solve(h.to(at::kDouble), g.to(at::kDouble))).to(at::kFloat).clamp(-4, 4);
}

Outcome Pipeline::edit(const state::FaceState& current, const std::string& instruction, const EditOptions& options,
                       JobControl* control, const ProgressCallback& progress) const {
  return edit(current, understand(instruction, &current), options, control, progress);
}

Outcome Pipeline::edit(const state::FaceState& current, const Understanding& understanding, const EditOptions& options,
                       JobControl* control, const ProgressCallback& progress) const {
  if (!(options.strength >= 0.1 && options.strength <= 10))
    throw InputError("edit strength " + std::to_string(options.strength) + " is outside 0.1 .. 10");
  const guidance::Resources& res = *resources_;
  const guidance::ResolvedTargets& targets = understanding.targets;
  if (targets.measurements.empty() && targets.appearance.empty() && targets.expressions.empty())
    throw InputError("'" + understanding.parsed.text + "' asks for no change the face model can make");
  Outcome out;
  out.understanding = understanding;
  const auto t0 = std::chrono::steady_clock::now();
  auto [wv, wuv] = edit_weights(current, targets.attention, options.mask);
  const auto t1 = std::chrono::steady_clock::now();
  out.vertex_weights = wv;
  out.uv_weights = wuv;

  // What the edit may change: the scope asked for, narrowed to what its targets touch (an edit of
  // colours only never optimizes the shape, and the other way round).
  EditScope scope = options.scope;
  const bool shape = targets.touches_geometry(), looks = targets.touches_appearance();
  if (scope == EditScope::Geometry && !shape)
    throw InputError("'" + understanding.parsed.text + "' changes no shape or expression, but the edit is limited to geometry");
  if (scope == EditScope::Texture && !looks)
    throw InputError("'" + understanding.parsed.text + "' changes no colour or texture, but the edit is limited to texture");
  if (scope == EditScope::Both && !looks) scope = EditScope::Geometry;
  if (scope == EditScope::Both && !shape) scope = EditScope::Texture;

  EditSetup setup;
  setup.scope = scope;
  setup.vertex_weights = wv;
  setup.uv_weights = wuv;
  setup.texture_consistency /= options.strength;
  setup.geometry_consistency /= options.strength;
  if (scope != EditScope::Texture)
    for (const guidance::ResolvedExpression& e : targets.expressions) {
      const int j = res.model->expression_index(e.name);
      if (j < 0) throw InputError("'" + e.phrase + "' names expression '" + e.name + "', which the head model lacks");
      if (std::find(setup.free_expressions.begin(), setup.free_expressions.end(), j) == setup.free_expressions.end())
        setup.free_expressions.push_back(j);
    }
  at::Tensor start_appearance = appearance_from_state(*res.schema, current);
  guidance::AppearanceTargetVector av = guidance::appearance_target_vector(*res.schema, targets, start_appearance);
  setup.appearance_mask = av.weights.gt(0).to(at::kFloat);
  if (scope != EditScope::Texture) {
    // The consistency holds the shape (the local identity delta) outside the edit; the expressions
    // an edit names move as asked (a smile moves the cheeks too).
    setup.geometry_form = geometry_consistency_form(res, (1 - wv).clamp(0, 1), wuv, {});
    edit_warm_start(current, targets, setup);
  }
  if (scope != EditScope::Geometry) setup.warm_appearance = at::where(av.weights > 0, av.values, start_appearance);

  SessionOptions so;
  so.schedule = options.steps > 0 ? Schedule::edit().with_total_steps(options.steps) : Schedule::edit();
  // Edits start warm (targets set, the shape change solved for), so they converge in a few steps.
  so.patience = 4;
  so.tolerance = 1e-2;
  so.snapshot_every = options_.snapshot_every;
  so.residual_resolution = options_.residual_resolution;
  Session session(resources_, so);
  session.set_guidances({std::make_shared<guidance::BuiltinGuidance>(targets, current.expression.clone(), start_appearance)});
  state::FaceState start = current.clone();
  const auto t2 = std::chrono::steady_clock::now();
  out.session = session.run(start, &setup, control, progress);
  out.session.phase_seconds["weights"] = std::chrono::duration<double>(t1 - t0).count();
  out.session.phase_seconds["warm_start"] = std::chrono::duration<double>(t2 - t1).count();
  out.state = out.session.state;
  return out;
}

at::Tensor Pipeline::preview(const state::FaceState& state, int size, const std::vector<double>& yaws, at::Tensor* coverage) const {
  if (size < 16 || size > 4096) throw InputError("preview size " + std::to_string(size) + " is outside 16 .. 4096");
  if (yaws.empty()) throw InputError("preview: no views asked for");
  at::NoGradGuard guard;
  const guidance::Resources& res = *resources_;
  guidance::FaceVariables vars;
  vars.identity = state.identity.to(at::kFloat);
  vars.expression = state.expression.to(at::kFloat);
  vars.displacement = state.displacement;
  vars.appearance = appearance_from_state(*res.schema, state);
  vars.albedo_residual = state.albedo_residual;
  vars.normal_residual = state.normal_residual;
  guidance::GuidanceContext ctx(resources_, vars, guidance::Stage::Joint, 0, 1);
  guidance::RenderRequest request;
  for (double yaw : yaws) {
    raster::OrbitCamera camera;
    camera.distance_cm = 75.0;
    camera.fov_y_deg = 24.0;
    camera.target = {0.0, 1.0, 2.0};
    camera.yaw_deg = yaw;
    camera.pitch_deg = 4.0;
    request.views.push_back(camera);
  }
  request.size = size;
  request.passes = raster::kShadedPass | raster::kMaskPass;
  const raster::RenderOutputs& out = ctx.render(request);
  if (coverage) *coverage = out.mask.detach();
  return out.shaded.detach();
}

}  // namespace likeness::optim
