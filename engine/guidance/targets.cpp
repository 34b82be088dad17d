#include "engine/guidance/targets.h"

#include <ATen/ATen.h>

#include <set>

#include "engine/appearance/parameters.h"

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"
#include "engine/face/population.h"

namespace likeness::guidance {
namespace {

std::vector<double> rgb_to_hsl(const std::vector<double>& c) {
  double r = c[0], g = c[1], b = c[2];
  double mx = std::max({r, g, b}), mn = std::min({r, g, b});
  double l = (mx + mn) / 2, h = 0, s = 0;
  if (mx > mn) {
    double d = mx - mn;
    s = l > 0.5 ? d / (2 - mx - mn) : d / (mx + mn);
    if (mx == r) h = (g - b) / d + (g < b ? 6 : 0);
    else if (mx == g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
    h /= 6;
  }
  return {h, s, l};
}

double hue_to_rgb(double p, double q, double t) {
  if (t < 0) t += 1;
  if (t > 1) t -= 1;
  if (t < 1.0 / 6) return p + (q - p) * 6 * t;
  if (t < 0.5) return q;
  if (t < 2.0 / 3) return p + (q - p) * (2.0 / 3 - t) * 6;
  return p;
}

std::vector<double> hsl_to_rgb(const std::vector<double>& hsl) {
  double h = hsl[0], s = hsl[1], l = hsl[2];
  if (s <= 0) return {l, l, l};
  double q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  double p = 2 * l - q;
  return {hue_to_rgb(p, q, h + 1.0 / 3), hue_to_rgb(p, q, h), hue_to_rgb(p, q, h - 1.0 / 3)};
}

}  // namespace

std::vector<double> adjust_lightness(const std::vector<double>& srgb, double delta) {
  std::vector<double> hsl = rgb_to_hsl(srgb);
  hsl[2] = std::clamp(hsl[2] + delta, 0.0, 1.0);
  return hsl_to_rgb(hsl);
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
