#include "engine/appearance/detail/prior.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/appearance/detail/random.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"

namespace likeness::appearance::detail {

namespace {

std::vector<Condition> parse_conditions(const Json& when, const std::map<std::string, int>& ids, const std::string& source,
                                        const std::string& field) {
  std::vector<Condition> out;
  if (!when.is_object()) throw_json_error(source, field, "expected {\"parameter\": [lo, hi]}");
  for (const auto& [id, range] : when.items()) {
    auto it = ids.find(id);
    if (it == ids.end()) throw_json_error(source, field, "unknown parameter '" + id + "'");
    if (!range.is_array() || range.size() != 2 || !range[0].is_number() || !range[1].is_number())
      throw_json_error(source, field + "." + id, "expected [lo, hi]");
    out.push_back({it->second, range[0].get<float>(), range[1].get<float>()});
  }
  return out;
}

std::pair<double, double> number_pair(const Json& j, const std::string& source, const std::string& field) {
  if (!j.is_array() || j.size() != 2 || !j[0].is_number() || !j[1].is_number()) throw_json_error(source, field, "expected [a, b]");
  return {j[0].get<double>(), j[1].get<double>()};
}

Distribution parse_distribution(const Json& j, const ParameterSpec& spec, const std::map<std::string, int>& ids,
                                const std::string& source, const std::string& field) {
  if (!j.is_object()) throw_json_error(source, field, "expected an object");
  Distribution d;
  d.off_value = spec.min;
  int kinds = 0;
  if (spec.is_color()) {
    if (j.contains("palette")) {
      ++kinds;
      d.type = Distribution::Type::Palette;
      const Json& pal = j["palette"];
      if (!pal.is_array() || pal.empty()) throw_json_error(source, field + ".palette", "expected a non-empty array");
      for (std::size_t i = 0; i < pal.size(); ++i) {
        const std::string f = field + ".palette[" + std::to_string(i) + "]";
        PaletteEntry e;
        auto rgb = parse_hex(json_field<std::string>(pal[i], "color", source));
        if (!rgb) throw_json_error(source, f + ".color", "expected \"#rrggbb\"");
        e.srgb = *rgb;
        e.weight = json_field_or<double>(pal[i], "weight", 1.0, source);
        if (!(e.weight > 0)) throw_json_error(source, f + ".weight", "must be positive");
        if (pal[i].contains("when")) e.when = parse_conditions(pal[i]["when"], ids, source, f + ".when");
        d.palette.push_back(e);
      }
    }
    if (j.contains("follow")) {
      ++kinds;
      d.type = Distribution::Type::Follow;
      const std::string id = json_field<std::string>(j, "follow", source);
      auto it = ids.find(id);
      if (it == ids.end()) throw_json_error(source, field + ".follow", "unknown parameter '" + id + "'");
      d.follow = it->second;
      d.scale = json_field_or<double>(j, "scale", 1.0, source);
    }
    if (kinds != 1) throw_json_error(source, field, "a colour prior needs exactly one of palette, follow");
    d.jitter = json_field_or<double>(j, "jitter", 0.0, source);
  } else {
    if (j.contains("normal")) {
      ++kinds;
      d.type = Distribution::Type::Normal;
      std::tie(d.a, d.b) = number_pair(j["normal"], source, field + ".normal");
      if (d.b < 0) throw_json_error(source, field + ".normal", "negative standard deviation");
    }
    if (j.contains("uniform")) {
      ++kinds;
      d.type = Distribution::Type::Uniform;
      std::tie(d.a, d.b) = number_pair(j["uniform"], source, field + ".uniform");
      if (d.b < d.a) throw_json_error(source, field + ".uniform", "lo above hi");
    }
    if (j.contains("constant")) {
      ++kinds;
      d.type = Distribution::Type::Constant;
      if (!j["constant"].is_number()) throw_json_error(source, field + ".constant", "expected a number");
      d.a = j["constant"].get<double>();
    }
    if (kinds != 1) throw_json_error(source, field, "a scalar prior needs exactly one of normal, uniform, constant");
    d.off = json_field_or<double>(j, "off", 0.0, source);
    if (d.off < 0 || d.off > 1) throw_json_error(source, field + ".off", "must be a probability in [0, 1]");
    d.off_value = json_field_or<float>(j, "off_value", spec.min, source);
  }
  if (j.contains("when")) d.when = parse_conditions(j["when"], ids, source, field + ".when");
  return d;
}

bool satisfied(const std::vector<Condition>& when, const std::vector<ParameterSpec>& specs, const std::vector<float>& values) {
  for (const Condition& c : when) {
    const float v = values[static_cast<std::size_t>(specs[static_cast<std::size_t>(c.param)].offset)];
    if (v < c.lo || v > c.hi) return false;
  }
  return true;
}

// Parameters a distribution reads before it can be drawn.
std::set<int> dependencies(const Distribution& d) {
  std::set<int> out;
  for (const Condition& c : d.when) out.insert(c.param);
  for (const PaletteEntry& e : d.palette)
    for (const Condition& c : e.when) out.insert(c.param);
  if (d.follow >= 0) out.insert(d.follow);
  return out;
}

std::set<int> dependencies(const PriorRule& r) {
  std::set<int> out = dependencies(r.any);
  if (r.female) out.merge(dependencies(*r.female));
  if (r.male) out.merge(dependencies(*r.male));
  return out;
}

// Parameters in an order where every dependency comes first; InputError on a cycle.
std::vector<int> draw_order(const std::vector<ParameterSpec>& specs, const std::vector<const PriorRule*>& rules,
                            const std::string& source) {
  const int n = static_cast<int>(specs.size());
  std::vector<int> state(static_cast<std::size_t>(n), 0), order;
  std::function<void(int)> visit = [&](int i) {
    if (state[static_cast<std::size_t>(i)] == 2) return;
    if (state[static_cast<std::size_t>(i)] == 1)
      throw_json_error(source, "parameters." + specs[static_cast<std::size_t>(i)].id + ".prior", "its conditions form a cycle");
    state[static_cast<std::size_t>(i)] = 1;
    for (int d : dependencies(*rules[static_cast<std::size_t>(i)])) visit(d);
    state[static_cast<std::size_t>(i)] = 2;
    order.push_back(i);
  };
  for (int i = 0; i < n; ++i) visit(i);
  return order;
}

}  // namespace

PriorRule parse_prior(const Json& prior, const ParameterSpec& spec, const std::map<std::string, int>& ids,
                      const std::string& source, const std::string& field) {
  PriorRule rule;
  rule.any = parse_distribution(prior, spec, ids, source, field);
  if (prior.contains("female")) rule.female = parse_distribution(prior["female"], spec, ids, source, field + ".female");
  if (prior.contains("male")) rule.male = parse_distribution(prior["male"], spec, ids, source, field + ".male");
  return rule;
}

PriorRule default_prior(const ParameterSpec& spec) {
  PriorRule rule;
  if (spec.is_color()) {
    rule.any.type = Distribution::Type::Palette;
    rule.any.palette.push_back({spec.default_value, 1.0, {}});
  } else {
    rule.any.type = Distribution::Type::Constant;
    rule.any.a = spec.default_value[0];
  }
  return rule;
}

void check_prior_order(const std::vector<ParameterSpec>& specs, const std::vector<const PriorRule*>& rules,
                       const std::string& source) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    for (const Distribution* d : {&rules[i]->any, rules[i]->female ? &*rules[i]->female : nullptr,
                                  rules[i]->male ? &*rules[i]->male : nullptr}) {
      if (!d) continue;
      const std::string field = "parameters." + specs[i].id + ".prior";
      if (d->follow >= 0 && !specs[static_cast<std::size_t>(d->follow)].is_color())
        throw_json_error(source, field + ".follow", "must name a colour");
      auto check = [&](const std::vector<Condition>& when) {
        for (const Condition& c : when)
          if (specs[static_cast<std::size_t>(c.param)].is_color())
            throw_json_error(source, field + ".when", "conditions must name scalars, not '" + specs[static_cast<std::size_t>(c.param)].id + "'");
      };
      check(d->when);
      for (const PaletteEntry& e : d->palette) check(e.when);
    }
  }
  draw_order(specs, rules, source);
}

Sex draw_sex(std::uint64_t seed) {
  Rng rng(stream_key(seed, "sex"));
  return rng.uniform() < 0.5 ? Sex::Female : Sex::Male;
}

std::vector<float> sample(const std::vector<ParameterSpec>& specs, const std::vector<const PriorRule*>& rules, int size,
                          std::uint64_t seed, Sex sex) {
  std::vector<float> values(static_cast<std::size_t>(size), 0.0f);
  for (const ParameterSpec& s : specs)
    for (int c = 0; c < s.width(); ++c) values[static_cast<std::size_t>(s.offset + c)] = s.default_value[static_cast<std::size_t>(c)];
  for (int i : draw_order(specs, rules, "prior")) {
    const ParameterSpec& s = specs[static_cast<std::size_t>(i)];
    const Distribution& d = rules[static_cast<std::size_t>(i)]->for_sex(sex);
    // One stream per parameter, so adding a parameter does not change the others' draws.
    Rng rng(stream_key(seed, s.id));
    if (!satisfied(d.when, specs, values)) continue;  // keeps the default
    float* out = &values[static_cast<std::size_t>(s.offset)];
    if (!s.is_color()) {
      const bool off = d.off > 0 && rng.uniform() < d.off;
      double v = 0.0;
      switch (d.type) {
        case Distribution::Type::Normal: v = rng.normal(d.a, d.b); break;
        case Distribution::Type::Uniform: v = rng.uniform(d.a, d.b); break;
        default: v = d.a; break;
      }
      if (off) v = d.off_value;
      out[0] = std::clamp(static_cast<float>(v), s.min, s.max);
      continue;
    }
    std::array<float, 3> rgb = s.default_value;
    if (d.type == Distribution::Type::Follow) {
      const float* src = &values[static_cast<std::size_t>(specs[static_cast<std::size_t>(d.follow)].offset)];
      for (int c = 0; c < 3; ++c) rgb[static_cast<std::size_t>(c)] = static_cast<float>(src[c] * d.scale);
    } else {
      double total = 0.0;
      for (const PaletteEntry& e : d.palette)
        if (satisfied(e.when, specs, values)) total += e.weight;
      double pick = rng.uniform() * total;
      for (const PaletteEntry& e : d.palette) {
        if (!satisfied(e.when, specs, values)) continue;
        rgb = e.srgb;
        pick -= e.weight;
        if (pick < 0) break;
      }
    }
    for (int c = 0; c < 3; ++c) {
      const double jittered = rgb[static_cast<std::size_t>(c)] + (d.jitter > 0 ? rng.normal(0.0, d.jitter) : 0.0);
      out[c] = std::clamp(static_cast<float>(jittered), 0.0f, 1.0f);
    }
  }
  return values;
}

}  // namespace likeness::appearance::detail
