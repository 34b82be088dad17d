#include "engine/optim/session.h"

#include <ATen/ATen.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>

#include "engine/appearance/appearance_model.h"
#include "engine/appearance/parameters.h"
#include "engine/appearance/texture_set.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/face/uv_bake.h"
#include "engine/optim/worker.h"

namespace likeness::optim {

using guidance::Stage;

const char* to_string(EditScope scope) {
  switch (scope) {
    case EditScope::Geometry: return "geometry";
    case EditScope::Texture: return "texture";
    case EditScope::Both: return "both";
  }
  return "?";
}

EditScope edit_scope_from_string(const std::string& word) {
  if (word == "geometry") return EditScope::Geometry;
  if (word == "texture") return EditScope::Texture;
  if (word == "both") return EditScope::Both;
  throw InputError("edit scope '" + word + "' is not geometry, texture or both");
}

at::Tensor appearance_from_state(const appearance::AppearanceSchema& schema, const state::FaceState& state) {
  at::Tensor out = schema.defaults().to(at::kFloat).clone();
  if (!state.appearance.defined()) return out;
  const std::vector<std::string> entries = schema.entry_names();
  at::Tensor values = state.appearance.to(at::kFloat).contiguous();
  const float* v = values.data_ptr<float>();
  float* o = out.data_ptr<float>();
  for (std::size_t i = 0; i < state.appearance_names.size() && static_cast<long>(i) < values.numel(); ++i)
    for (std::size_t j = 0; j < entries.size(); ++j)
      if (entries[j] == state.appearance_names[i]) o[j] = v[i];
  return at::minimum(at::maximum(out, schema.lower_bounds().to(at::kFloat)), schema.upper_bounds().to(at::kFloat));
}

void store_appearance(const appearance::AppearanceSchema& schema, const at::Tensor& values, state::FaceState& state) {
  state.appearance = values.detach().to(at::kFloat).clone();
  state.appearance_names = schema.entry_names();
}

namespace {

// Adam on one tensor with a per-element step scale (parameter ranges).
struct AdamSlot {
  at::Tensor* variable = nullptr;
  double lr = 0;
  at::Tensor scale;  // optional, broadcast
  at::Tensor mask;   // optional: 0 freezes an element
  at::Tensor m, v;
  int t = 0;

  void step() {
    if (!variable->grad().defined()) return;
    at::NoGradGuard guard;
    at::Tensor g = variable->grad();
    if (!m.defined()) {
      m = at::zeros_like(g);
      v = at::zeros_like(g);
    }
    ++t;
    m.mul_(0.9).add_(g, 0.1);
    v.mul_(0.999).addcmul_(g, g, 0.001);
    const double bc1 = 1 - std::pow(0.9, t), bc2 = 1 - std::pow(0.999, t);
    at::Tensor update = (m / bc1) / ((v / bc2).sqrt() + 1e-8) * lr;
    if (scale.defined()) update = update * scale;
    if (mask.defined()) update = update * mask;
    variable->sub_(update);
    variable->mutable_grad().zero_();
  }
};

at::Tensor resample_residual(const at::Tensor& residual, int resolution) {
  if (!residual.defined() || residual.size(1) == resolution) return residual;
  at::Tensor nchw = residual.permute({0, 3, 1, 2});
  at::Tensor out = at::upsample_bilinear2d(nchw, {resolution, resolution}, false);
  return out.permute({0, 2, 3, 1}).contiguous();
}

bool uses_geometry(const StageSpec& spec, const EditSetup* edit) {
  if (spec.stage == Stage::Appearance) return false;
  if (spec.stage == Stage::Edit) return edit && edit->scope != EditScope::Texture;
  return true;
}

bool uses_appearance(const StageSpec& spec, const EditSetup* edit) {
  if (spec.stage == Stage::Geometry) return false;
  if (spec.stage == Stage::Edit) return edit && edit->scope != EditScope::Geometry;
  return true;
}

}  // namespace

namespace {

// UV rasters of the skin tiles (0 and 1) per model and resolution, built once.
const std::vector<face::UvRaster>& skin_rasters(const face::FaceModel& model, int resolution) {
  static std::mutex mutex;
  static std::map<std::pair<const face::FaceModel*, int>, std::vector<face::UvRaster>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto key = std::make_pair(&model, resolution);
  auto it = cache.find(key);
  if (it == cache.end()) {
    std::vector<face::UvRaster> r;
    for (int tile : {0, 1}) r.push_back(face::rasterize_uv(model.topology(), tile, resolution));
    it = cache.emplace(key, std::move(r)).first;
  }
  return it->second;
}

}  // namespace

at::Tensor uv_position_map(const guidance::Resources& resources, const at::Tensor& vertices, int resolution) {
  std::vector<at::Tensor> maps;
  for (const face::UvRaster& r : skin_rasters(*resources.model, resolution))
    maps.push_back(face::bake_vertex_attribute(r, resources.model->topology(), vertices));
  return at::stack(maps, 0);
}

at::Tensor geometry_consistency_form(const guidance::Resources& resources, const at::Tensor& local_mask,
                                     const at::Tensor& uv_weights, const std::vector<std::int64_t>& expressions) {
  at::NoGradGuard guard;
  const face::FaceModel& model = *resources.model;
  const int resolution = static_cast<int>(uv_weights.size(1)) / 2;
  const long k = model.identity_count();
  const long ne = static_cast<long>(expressions.size());
  const long x = k + ne;
  const at::Tensor mask = local_mask.to(at::kFloat).contiguous();
  const at::Tensor expression_basis =
      ne > 0 ? model.expression_basis().index_select(0, at::tensor(expressions, at::kLong)).permute({1, 0, 2}).contiguous()
             : at::Tensor();  // [V, ne, 3]
  const at::Tensor identity_basis = model.identity_basis().permute({1, 0, 2});  // [V, K, 3]
  const at::Tensor w_all = at::upsample_bilinear2d(uv_weights.slice(0, 0, 2).to(at::kFloat).unsqueeze(1), {resolution, resolution}, false)
                               .squeeze(1)
                               .clamp(0, 1);  // [2, r, r]
  // Rows of J interpolate the vertex displacement of each variable at a texel: J_t = sum_k b_k
  // D[corner_k]. Identity columns are non-zero only where a corner lies in the local mask, and
  // such texels with W > 0 form the soft border of the edit; expression columns are non-zero on
  // every covered texel. So the identity block comes from the border only.
  at::Tensor q = at::zeros({x, x}, at::kFloat);
  const auto& rasters = skin_rasters(model, resolution);
  for (std::size_t tile = 0; tile < rasters.size(); ++tile) {
    const at::Tensor tri = rasters[tile].triangle.reshape({-1});
    const at::Tensor bary = rasters[tile].barycentric.reshape({-1, 3}).to(at::kFloat);
    const at::Tensor w = w_all[static_cast<long>(tile)].reshape({-1});
    const at::Tensor covered = (tri >= 0) & (w > 0);
    const at::Tensor corners = model.topology().triangles.index_select(0, tri.clamp_min(0));  // [T, 3]
    const at::Tensor in_mask = std::get<0>(mask.index_select(0, corners.reshape({-1})).reshape({-1, 3}).max(1)) > 0;
    auto rows = [&](const at::Tensor& select, const at::Tensor& basis) {  // [n * 3, X_basis] weighted by sqrt(W)
      const at::Tensor idx = select.nonzero().squeeze(1);
      const at::Tensor c = corners.index_select(0, idx), b = bary.index_select(0, idx);
      at::Tensor j = at::zeros({idx.size(0), basis.size(1), 3}, at::kFloat);
      for (int corner = 0; corner < 3; ++corner)
        j += basis.index_select(0, c.select(1, corner)) * b.select(1, corner).view({-1, 1, 1});
      return (j * w.index_select(0, idx).sqrt().view({-1, 1, 1})).permute({0, 2, 1}).reshape({-1, basis.size(1)});
    };
    const at::Tensor border = covered & in_mask;
    if (border.any().item<bool>()) {
      at::Tensor masked_identity = identity_basis * mask.view({-1, 1, 1});
      at::Tensor basis = ne > 0 ? at::cat({masked_identity, expression_basis}, 1) : masked_identity;
      const at::Tensor j = rows(border, basis);
      q.add_(at::matmul(j.t(), j));
    }
    if (ne > 0) {
      const at::Tensor rest = covered & ~in_mask;
      if (rest.any().item<bool>()) {
        const at::Tensor j = rows(rest, expression_basis);
        q.slice(0, k, x).slice(1, k, x).add_(at::matmul(j.t(), j));
      }
    }
  }
  return q / static_cast<double>(2L * resolution * resolution * 3);
}

Session::Session(std::shared_ptr<const guidance::Resources> resources, SessionOptions options)
    : resources_(std::move(resources)), options_(std::move(options)) {}

void Session::set_guidances(std::vector<std::shared_ptr<guidance::Guidance>> guidances) {
  std::lock_guard<std::mutex> lock(mutex_);
  guidances_ = std::move(guidances);
}

std::vector<std::shared_ptr<guidance::Guidance>> Session::current_guidances() {
  std::lock_guard<std::mutex> lock(mutex_);
  return guidances_;
}

bool Session::converged(const std::vector<double>& losses) const {
  const int n = static_cast<int>(losses.size());
  if (options_.patience <= 0) return false;
  if (n >= 3 && losses[static_cast<std::size_t>(n - 1)] < 1e-6 && losses[static_cast<std::size_t>(n - 2)] < 1e-6 &&
      losses[static_cast<std::size_t>(n - 3)] < 1e-6)
    return true;  // nothing left to do in this stage
  if (n <= options_.patience) return false;
  const double before = losses[static_cast<std::size_t>(n - 1 - options_.patience)];
  double best_recent = losses.back();
  for (int i = n - options_.patience; i < n; ++i) best_recent = std::min(best_recent, losses[static_cast<std::size_t>(i)]);
  return before - best_recent <= options_.tolerance * std::abs(before) + 1e-6;
}

SessionResult Session::run(const state::FaceState& start, const EditSetup* edit, JobControl* control,
                           const ProgressCallback& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  SessionResult result;
  result.loss = std::numeric_limits<double>::infinity();
  auto lap = t0;
  // Adds the time since the last call to a phase.
  auto charge = [&](const char* phase) {
    const auto now = std::chrono::steady_clock::now();
    result.phase_seconds[phase] += std::chrono::duration<double>(now - lap).count();
    lap = now;
  };
  const guidance::Resources& res = *resources_;
  const appearance::AppearanceSchema& schema = *res.schema;
  start.validate("the session's start state");

  // The variables, as fresh leaves (the start state is never modified).
  guidance::FaceVariables vars;
  vars.identity = start.identity.detach().to(at::kFloat).clone();
  vars.expression = start.expression.detach().to(at::kFloat).clone();
  vars.displacement = start.displacement.defined() ? start.displacement.detach().to(at::kFloat).clone()
                                                   : at::zeros({res.model->vertex_count(), 3}, at::kFloat);
  vars.appearance = appearance_from_state(schema, start);
  const int residual_res = options_.residual_resolution;
  at::Tensor base_albedo = start.albedo_residual.defined()
                               ? resample_residual(start.albedo_residual.detach().to(at::kFloat), residual_res)
                               : at::zeros({8, residual_res, residual_res, 3}, at::kFloat);
  at::Tensor base_normal = start.normal_residual.defined()
                               ? resample_residual(start.normal_residual.detach().to(at::kFloat), residual_res)
                               : at::zeros({8, residual_res, residual_res, 3}, at::kFloat);
  // Residual deltas over the start's residuals; during an edit they act through 1 - W.
  at::Tensor albedo_delta = at::zeros_like(base_albedo);
  at::Tensor normal_delta = at::zeros_like(base_normal);

  at::Tensor uv_open;      // [8, r, r, 1] where texture edits may act (edits only)
  at::Tensor uv_weights;   // [8, R, R] consistency weights at the working resolution
  at::Tensor texture_reference;
  at::Tensor geometry_form;        // [X, X]: the geometry consistency as x^T Q x
  at::Tensor expression_reference;  // the start's expression (x's expression part is e - e0)
  at::Tensor free_expression_index;  // the expressions an edit may change
  if (edit) {
    if (!edit->vertex_weights.defined() || !edit->uv_weights.defined())
      throw InputError("an edit needs vertex and UV consistency weights");
    vars.local_identity = at::zeros_like(vars.identity);
    vars.local_mask = (1 - edit->vertex_weights.detach().to(at::kFloat)).clamp(0, 1);
    uv_weights = edit->uv_weights.detach().to(at::kFloat).clamp(0, 1);
    at::Tensor open = (1 - uv_weights).unsqueeze(1);  // [8, 1, R, R]
    uv_open = at::upsample_bilinear2d(open, {residual_res, residual_res}, false).permute({0, 2, 3, 1}).contiguous();
    // Texture reference: the start's albedo.
    if (edit->scope != EditScope::Geometry) {
      guidance::FaceVariables ref = vars;
      ref.albedo_residual = base_albedo;
      ref.normal_residual = base_normal;
      guidance::GuidanceContext ctx(resources_, ref, Stage::Edit, 0, 1);
      texture_reference = ctx.textures().albedo.detach();
    }
    if (edit->scope != EditScope::Texture && edit->geometry_consistency > 0) {
      geometry_form = edit->geometry_form.defined()
                          ? edit->geometry_form.to(at::kFloat)
                          : geometry_consistency_form(res, vars.local_mask, uv_weights, {});
      expression_reference = vars.expression.clone();
      // A form with more rows than identity modes also holds the free expressions, in order.
      if (geometry_form.size(0) > vars.identity.size(0)) {
        if (geometry_form.size(0) != vars.identity.size(0) + static_cast<long>(edit->free_expressions.size()))
          throw InputError("the edit's geometry form does not match its free expressions");
        free_expression_index = at::tensor(edit->free_expressions, at::kLong);
      }
    }
    // Warm start values (the references above are the start's).
    if (edit->warm_local_identity.defined()) vars.local_identity = edit->warm_local_identity.detach().to(at::kFloat).clone();
    if (edit->warm_expression.defined()) vars.expression = edit->warm_expression.detach().to(at::kFloat).clamp(0, 1).clone();
    if (edit->warm_appearance.defined()) vars.appearance = edit->warm_appearance.detach().to(at::kFloat).clone();
  }

  const at::Tensor lower = schema.lower_bounds().to(at::kFloat);
  const at::Tensor upper = schema.upper_bounds().to(at::kFloat);
  const at::Tensor range = (upper - lower).clamp_min(1e-6);

  charge("setup");
  const int total = options_.schedule.total_steps();
  int step = 0;
  const std::size_t last_stage = options_.schedule.stages.size() - 1;

  auto snapshot_of = [&](int at_step, Stage stage, const guidance::FaceVariables& now) {
    auto snap = std::make_shared<Snapshot>();
    snap->step = at_step;
    snap->stage = stage;
    snap->state = make_state(start, now, edit != nullptr);
    guidance::GuidanceContext snap_ctx(resources_, now, stage, at_step, total);
    at::NoGradGuard guard;
    snap->vertices = snap_ctx.vertices().detach().clone();
    return snap;
  };
  if (progress) {
    // The start state at once, so that a viewport shows something before the first step.
    Progress p;
    p.total_steps = total;
    p.stage = options_.schedule.stages.empty() ? Stage::Geometry : options_.schedule.stages.front().stage;
    guidance::FaceVariables now = vars;
    now.albedo_residual = base_albedo;
    now.normal_residual = base_normal;
    p.snapshot = snapshot_of(0, p.stage, now);
    p.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress(p);
  }

  // Adam moments persist across stages, so that a stage does not start with sign-like full steps.
  std::map<const at::Tensor*, AdamSlot> adam;
  auto slot = [&](at::Tensor* variable, double lr, at::Tensor scale = {}, at::Tensor mask = {}) {
    AdamSlot& a = adam[variable];
    a.variable = variable;
    a.lr = lr;
    a.scale = scale;
    a.mask = mask;
    return &a;
  };
  for (std::size_t si = 0; si < options_.schedule.stages.size(); ++si) {
    const StageSpec& spec = options_.schedule.stages[si];
    const bool geometry = uses_geometry(spec, edit);
    const bool looks = uses_appearance(spec, edit);
    std::vector<AdamSlot*> slots;
    if (geometry) {
      if (edit) {
        vars.local_identity.requires_grad_(true);
        slots.push_back(slot(&vars.local_identity, spec.lr_identity));
      } else {
        vars.identity.requires_grad_(true);
        slots.push_back(slot(&vars.identity, spec.lr_identity));
      }
      const std::vector<std::int64_t>& free_list = edit ? edit->free_expressions : options_.free_expressions;
      if (!free_list.empty()) {
        at::Tensor free = at::zeros_like(vars.expression);
        free.index_fill_(0, at::tensor(free_list, at::kLong), 1.0);
        vars.expression.requires_grad_(true);
        slots.push_back(slot(&vars.expression, spec.lr_expression, {}, free));
      }
    }
    if (looks) {
      vars.appearance.requires_grad_(true);
      slots.push_back(slot(&vars.appearance, spec.lr_appearance, range,
                           edit && edit->appearance_mask.defined() ? edit->appearance_mask.to(at::kFloat) : at::Tensor()));
      albedo_delta.requires_grad_(true);
      normal_delta.requires_grad_(true);
      slots.push_back(slot(&albedo_delta, spec.lr_residual));
      slots.push_back(slot(&normal_delta, spec.lr_residual));
    }

    std::vector<double> stage_losses;
    for (int s = 0; s < spec.steps; ++s) {
      if (control) control->checkpoint();
      lap = std::chrono::steady_clock::now();
      ++step;
      guidance::FaceVariables step_vars = vars;
      at::Tensor a_delta = edit ? albedo_delta * uv_open : albedo_delta;
      at::Tensor n_delta = edit ? normal_delta * uv_open : normal_delta;
      step_vars.albedo_residual = base_albedo + a_delta;
      step_vars.normal_residual = base_normal + n_delta;
      guidance::GuidanceContext ctx(resources_, step_vars, spec.stage, step, total);

      at::Tensor loss = at::zeros({}, at::kFloat);
      std::vector<guidance::Term> terms;
      std::vector<std::pair<at::Tensor, at::Tensor>> gradients;
      for (const auto& g : current_guidances()) {
        if (!g->active_in(spec.stage)) continue;
        guidance::GuidanceResult r = g->evaluate(ctx);
        if (r.loss.defined()) loss = loss + r.loss;
        for (auto& t : r.terms) terms.push_back(t);
        for (auto& p : r.gradients) gradients.push_back(p);
      }
      charge("guidance");
      if (edit) {
        if (looks && edit->texture_consistency > 0) {
          at::Tensor c = consistency_loss(ctx.textures().albedo, texture_reference, uv_weights) * edit->texture_consistency;
          terms.push_back({"texture_consistency", c.item<double>()});
          loss = loss + c;
        }
        if (geometry && geometry_form.defined()) {
          at::Tensor x = vars.local_identity;
          if (free_expression_index.defined())
            x = at::cat({x, (vars.expression - expression_reference).index_select(0, free_expression_index)});
          at::Tensor c = at::dot(x, at::mv(geometry_form, x)) * edit->geometry_consistency;
          terms.push_back({"geometry_consistency", c.item<double>()});
          loss = loss + c;
        }
      }
      charge("consistency");
      const double loss_value = loss.item<double>();
      if (!std::isfinite(loss_value)) throw std::runtime_error("the optimization diverged (loss is not finite)");
      stage_losses.push_back(loss_value);

      // Keep the best state of the final stage (variables before this step's update).
      if (si == last_stage && loss_value < result.loss) {
        result.loss = loss_value;
        result.best_step = step;
        result.terms = terms;
        result.state = make_state(start, step_vars, edit != nullptr);
      }

      if (loss.requires_grad()) loss.backward();
      for (auto& [tensor, grad] : gradients)
        if (tensor.requires_grad()) tensor.backward(grad);
      charge("backward");
      for (AdamSlot* a : slots) a->step();
      {
        at::NoGradGuard guard;
        vars.expression.clamp_(0, 1);
        vars.appearance.copy_(at::minimum(at::maximum(vars.appearance, lower), upper));
        if (edit) vars.local_identity.clamp_(-4, 4);
        else vars.identity.clamp_(-4, 4);
      }
      charge("update");

      if (progress) {
        Progress p;
        p.step = step;
        p.total_steps = total;
        p.stage = spec.stage;
        p.loss = loss_value;
        p.terms = terms;
        p.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const bool stage_end = s + 1 == spec.steps;
        if (step == 1 || stage_end || converged(stage_losses) ||
            (options_.snapshot_every > 0 && step % options_.snapshot_every == 0)) {
          guidance::FaceVariables now = vars;
          {
            at::NoGradGuard guard;
            now.albedo_residual = base_albedo + (edit ? albedo_delta * uv_open : albedo_delta);
            now.normal_residual = base_normal + (edit ? normal_delta * uv_open : normal_delta);
          }
          p.snapshot = snapshot_of(step, spec.stage, now);
        }
        progress(p);
        charge("snapshots");
      }
      if (converged(stage_losses)) break;
    }
    for (AdamSlot* a : slots) a->variable->requires_grad_(false);
    albedo_delta = albedo_delta.detach();
    normal_delta = normal_delta.detach();
  }

  result.steps_run = step;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!result.state.identity.defined()) throw std::runtime_error("the schedule has no steps");
  return result;
}

state::FaceState Session::make_state(const state::FaceState& start, const guidance::FaceVariables& vars,
                                     bool is_edit) const {
  at::NoGradGuard guard;
  const guidance::Resources& res = *resources_;
  state::FaceState out = start.clone();
  out.identity = vars.identity.detach().clone();
  out.expression = vars.expression.detach().clone();
  at::Tensor displacement = vars.displacement.detach().clone();
  if (is_edit && vars.local_identity.defined()) {
    const face::FaceModel& model = *res.model;
    at::Tensor delta = at::matmul(vars.local_identity.detach(), model.identity_basis().reshape({model.identity_count(), -1}))
                           .reshape({model.vertex_count(), 3});
    displacement = displacement + delta * vars.local_mask.unsqueeze(1);
  }
  out.displacement = displacement;
  store_appearance(*res.schema, vars.appearance, out);
  out.albedo_residual = vars.albedo_residual.defined() ? vars.albedo_residual.detach().clone() : at::Tensor();
  out.normal_residual = vars.normal_residual.defined() ? vars.normal_residual.detach().clone() : at::Tensor();
  return out;
}

}  // namespace likeness::optim
