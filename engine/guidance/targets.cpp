#include "engine/guidance/targets.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "engine/appearance/parameters.h"
#include "engine/core/error.h"
#include "engine/face/population.h"
#include "engine/text/color.h"

namespace likeness::guidance {

std::vector<double> adjust_lightness(const std::vector<double>& srgb, double delta) {
  text::Hsl hsl = text::to_hsl({srgb[0], srgb[1], srgb[2]});
  hsl.l = std::clamp(hsl.l + delta, 0.0, 1.0);
  const text::Rgb rgb = text::from_hsl(hsl);
  return {rgb.r, rgb.g, rgb.b};
}

ResolvedTargets resolve_targets(const text::ParseResult& parsed, const face::Population& population, const CurrentFace& current) {
  ResolvedTargets out;
  out.edit = parsed.edit();
  out.attention = parsed.attention();
  for (const text::MeasurementTarget& m : parsed.measurements) {
    const face::MeasurementStats* stats = nullptr;
    try {
      stats = &population.stats(m.id);
    } catch (const InputError&) {
      throw InputError("'" + m.source.phrase + "' targets measurement '" + m.id + "', which the face model does not measure");
    }
    ResolvedMeasurement r;
    r.id = m.id;
    r.sd = stats->sd;
    r.weight = m.weight * (m.source.prior ? kPriorWeight : 1.0);
    r.prior = m.source.prior;
    r.phrase = m.source.phrase;
    if (m.delta) {
      auto it = current.measurements.find(m.id);
      if (it == current.measurements.end())
        throw InputError("'" + m.source.phrase + "' changes " + m.id + ", but the current face has no value for it");
      r.target = it->second + m.delta_sd * stats->sd;
    } else {
      r.target = population.value_at(m.id, std::clamp(m.percentile, 0.5, 99.5));
    }
    r.percentile = population.percentile_of(m.id, r.target);
    out.measurements.push_back(r);
  }
  for (const text::AppearanceTarget& a : parsed.appearance) {
    ResolvedAppearance r;
    r.id = a.id;
    r.weight = a.weight;
    r.phrase = a.source.phrase;
    r.prior = a.source.prior;
    auto it = current.appearance.find(a.id);
    if (a.color) {
      r.value = {a.color->r, a.color->g, a.color->b};
    } else if (a.delta) {
      if (it == current.appearance.end())
        throw InputError("'" + a.source.phrase + "' changes " + a.id + ", but the current face has no value for it");
      r.value = it->second.size() == 3 ? adjust_lightness(it->second, a.value) : std::vector<double>{it->second[0] + a.value};
    } else {
      r.value = {a.value};
    }
    out.appearance.push_back(r);
  }
  for (const text::ExpressionTarget& e : parsed.expressions) {
    ResolvedExpression r;
    r.name = e.name;
    r.weight = e.weight;
    r.phrase = e.source.phrase;
    double base = 0;
    if (auto it = current.expressions.find(e.name); it != current.expressions.end()) base = it->second;
    r.value = std::clamp(e.delta ? base + e.value : e.value, 0.0, 1.0);
    out.expressions.push_back(r);
  }
  return out;
}

AppearanceTargetVector appearance_target_vector(const appearance::AppearanceSchema& schema, const ResolvedTargets& targets,
                                                const at::Tensor& start) {
  AppearanceTargetVector out;
  out.values = start.detach().to(at::kFloat).clone();
  out.weights = at::zeros_like(out.values);
  std::set<std::string> regions;
  for (const ResolvedAppearance& t : targets.appearance) {
    const appearance::ParameterSpec& spec = schema.spec(t.id);
    if (static_cast<int>(t.value.size()) != spec.width())
      throw InputError("'" + t.phrase + "' gives " + std::to_string(t.value.size()) + " value(s) for " + t.id + ", which takes " +
                       std::to_string(spec.width()));
    for (int k = 0; k < spec.width(); ++k) {
      out.values[spec.offset + k] = std::clamp(static_cast<float>(t.value[static_cast<std::size_t>(k)]), spec.min, spec.max);
      out.weights[spec.offset + k] = static_cast<float>(t.weight);
    }
    for (const std::string& r : spec.regions) regions.insert(r);
  }
  out.regions.assign(regions.begin(), regions.end());
  return out;
}

}  // namespace likeness::guidance
