#include "engine/guidance/builtin_guidance.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <set>

#include "engine/appearance/appearance_model.h"
#include "engine/appearance/parameters.h"
#include "engine/appearance/texture_set.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/face/measurements.h"
#include "engine/face/regions.h"
#include "engine/guidance/context.h"

namespace likeness::guidance {
namespace {

// Views for the region-colour term: front and a three-quarter view, framing the face.
std::vector<raster::OrbitCamera> colour_views() {
  raster::OrbitCamera front;
  front.distance_cm = 70.0;
  front.fov_y_deg = 22.0;
  front.target = {0.0, 1.5, 3.0};
  raster::OrbitCamera side = front;
  side.yaw_deg = 40.0;
  return {front, side};
}

}  // namespace

BuiltinGuidance::BuiltinGuidance(ResolvedTargets targets, at::Tensor start_expression, at::Tensor start_appearance,
                                 BuiltinWeights weights)
    : targets_(std::move(targets)),
      start_expression_(start_expression.detach().clone()),
      start_appearance_(start_appearance.detach().clone()),
      weights_(weights) {}

bool BuiltinGuidance::active_in(Stage) const { return true; }

at::Tensor BuiltinGuidance::appearance_target_vector(const GuidanceContext& context) {
  if (appearance_target_.defined()) return appearance_target_;
  AppearanceTargetVector v = guidance::appearance_target_vector(*context.resources().schema, targets_, start_appearance_);
  appearance_target_ = v.values;
  appearance_mask_ = v.weights;
  colour_regions_.clear();
  for (const std::string& r : v.regions)
    if (context.resources().regions->contains(r)) colour_regions_.push_back(r);
  return appearance_target_;
}

at::Tensor BuiltinGuidance::region_colours(GuidanceContext& context, bool target) {
  RenderRequest request;
  request.views = colour_views();
  request.size = weights_.render_size;
  request.passes = raster::kAlbedoPass | raster::kRegionPass;
  request.regions = colour_regions_;
  if (!target) {
    const raster::RenderOutputs& out = context.render(request);
    // Mean albedo under each region's rendered mask, over both views: [R, 3].
    at::Tensor w = out.regions;                                  // [B, H, W, R]
    at::Tensor num = at::einsum("bhwr,bhwc->rc", {w, out.albedo});
    at::Tensor den = w.sum({0, 1, 2}).clamp_min(1e-3).unsqueeze(1);
    return num / den;
  }
  // The same statistic for the requested appearance on the current geometry, without gradients.
  FaceVariables vars = context.variables();
  vars.appearance = appearance_target_;
  for (at::Tensor* t : {&vars.identity, &vars.expression, &vars.displacement, &vars.local_identity, &vars.albedo_residual,
                        &vars.normal_residual})
    if (t->defined()) *t = t->detach();
  vars.albedo_residual = at::Tensor();  // the requested look is the parametric one
  GuidanceContext reference(context.shared_resources(), vars, context.stage(), context.step(), context.total_steps());
  const raster::RenderOutputs& out = reference.render(request);
  at::Tensor num = at::einsum("bhwr,bhwc->rc", {out.regions, out.albedo});
  at::Tensor den = out.regions.sum({0, 1, 2}).clamp_min(1e-3).unsqueeze(1);
  return (num / den).detach();
}

GuidanceResult BuiltinGuidance::evaluate(GuidanceContext& context) {
  GuidanceResult result;
  const FaceVariables& vars = context.variables();
  const Resources& res = context.resources();
  at::Tensor total = at::zeros({}, at::kFloat);
  auto add = [&](const std::string& name, const at::Tensor& term) {
    result.terms.push_back({name, term.item<double>()});
    total = total + term;
  };
  const bool geometry = vars.identity.requires_grad() || (vars.local_identity.defined() && vars.local_identity.requires_grad()) ||
                        vars.expression.requires_grad();
  const bool looks = vars.appearance.requires_grad() || (vars.albedo_residual.defined() && vars.albedo_residual.requires_grad());

  if (geometry) {
    if (!targets_.measurements.empty()) {
      at::Tensor m = context.measurements();
      at::Tensor loss = at::zeros({}, at::kFloat);
      for (const ResolvedMeasurement& t : targets_.measurements) {
        at::Tensor z = (m[res.measurements->index(t.id)] - t.target) / t.sd;
        loss = loss + t.weight * z * z;
      }
      add("measurements", loss * weights_.measurements);
    }
    at::Tensor expr_target = start_expression_.clone();
    at::Tensor expr_weight = at::full_like(start_expression_, weights_.expression_prior);
    for (const ResolvedExpression& t : targets_.expressions) {
      int j = res.model->expression_index(t.name);
      if (j < 0) throw InputError("'" + t.phrase + "' names expression '" + t.name + "', which the head model lacks");
      expr_target[j] = static_cast<float>(t.value);
      expr_weight[j] = static_cast<float>(weights_.expression * t.weight);
    }
    add("expression", (expr_weight * (vars.expression - expr_target).pow(2)).sum());
    if (vars.identity.requires_grad()) add("identity_prior", vars.identity.pow(2).sum() * weights_.identity_prior);
    if (vars.local_identity.defined() && vars.local_identity.requires_grad())
      add("identity_prior", vars.local_identity.pow(2).sum() * weights_.identity_prior);
  }

  if (looks) {
    at::Tensor target = appearance_target_vector(context);
    at::Tensor range = (res.schema->upper_bounds() - res.schema->lower_bounds()).clamp_min(1e-6);
    at::Tensor d = (vars.appearance - target) / range;
    at::Tensor w = appearance_mask_ * weights_.appearance + (1 - appearance_mask_.gt(0).to(at::kFloat)) * weights_.appearance_prior;
    add("appearance", (w * d * d).sum());
    appearance::Residuals residuals{vars.albedo_residual, vars.normal_residual};
    if (!residuals.empty()) add("residual_prior", appearance::residual_regularizer(residuals) * weights_.residual_prior);
    if (!colour_regions_.empty() && weights_.region_colour > 0) {
      // Render the requested look once per geometry (it changes only in joint/edit stages).
      at::Tensor verts = context.vertices().detach();
      if (!target_colours_.defined() || !target_colours_geometry_.defined() ||
          (target_colours_geometry_ - verts).abs().max().item<float>() > 0.5f) {
        target_colours_ = region_colours(context, true);
        target_colours_geometry_ = verts.clone();
      }
      at::Tensor colours = region_colours(context, false);
      add("region_colour", (colours - target_colours_).pow(2).sum() * weights_.region_colour);
    }
  }
  result.loss = total;
  return result;
}

}  // namespace likeness::guidance
