#include "engine/text/detail/target_builder.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "engine/core/strings.h"

namespace likeness::text::detail {

double percentile_of_z(double z) { return 50.0 * std::erfc(-z / std::sqrt(2.0)); }

namespace {

constexpr double kMaxZ = 2.5;  // P99.4: beyond this the identity prior has almost no mass

double sign_of(double v) { return v > 0 ? 1 : v < 0 ? -1 : 0; }

std::string describe(const RawTarget& t) {
  if (t.rgb) return t.color_name.empty() ? to_hex(*t.rgb) : t.color_name;
  if (t.kind == TargetSpec::Kind::Measurement && !t.delta) return "P" + format_number(percentile_of_z(t.value), 0);
  return (t.delta && t.value > 0 ? "+" : "") + format_number(t.value, 2);
}

}  // namespace

TargetBuilder::TargetBuilder(const Lexicon& lexicon, std::string_view text, const std::vector<PromptToken>& tokens)
    : lex_(lexicon), text_(text), attention_(tokens.size()) {}

int TargetBuilder::realize_bundle(const Bundle& bundle, const Realization& r) {
  int added = 0;
  for (const TargetSpec& spec : bundle) {
    RawTarget t;
    t.kind = spec.kind;
    t.id = spec.id;
    t.weight = spec.weight * r.weight;
    t.priority = spec.baseline ? std::min(r.priority, Priority::Implied) : r.priority;
    t.instruction = r.instruction;
    t.span = r.span;
    t.group = r.group;
    switch (spec.kind) {
      case TargetSpec::Kind::Measurement: {
        if (spec.delta) {
          t.delta = true;
          t.value = spec.value * r.degree;
        } else if (r.delta) {
          t.delta = true;
          t.value = lex_.comparative_factor() * spec.value * r.degree;
        } else if (r.negated) {
          t.value = -sign_of(spec.value) * lex_.negated_level();
          t.weight *= lex_.negated_weight();
        } else {
          t.value = std::clamp(spec.value * r.degree, -kMaxZ, kMaxZ);
        }
        break;
      }
      case TargetSpec::Kind::Scalar: {
        const AppearanceParam& p = lex_.param(spec.id);
        if (spec.delta) {
          t.delta = true;
          t.value = spec.value * r.degree;
        } else if (r.delta) {
          t.delta = true;
          t.value = lex_.comparative_factor() * (spec.value - p.default_value) * r.degree;
        } else if (r.negated) {
          t.value = std::clamp(p.default_value - (spec.value - p.default_value) * lex_.negated_level(), p.min, p.max);
          t.weight *= lex_.negated_weight();
        } else {
          t.value = std::clamp(p.default_value + (spec.value - p.default_value) * r.degree, p.min, p.max);
        }
        break;
      }
      case TargetSpec::Kind::Color: {
        if (r.negated) continue;  // "not blue" names no colour
        if (spec.color[0] == '#') {
          t.rgb = parse_hex_color(spec.color);
          t.color_name = spec.color;
        } else {
          t.rgb = lex_.color(spec.color)->rgb;
          t.color_name = spec.color;
        }
        break;
      }
      case TargetSpec::Kind::Expression: {
        if (spec.delta) {
          t.delta = true;
          t.value = spec.value * r.degree;
        } else if (r.delta) {
          t.delta = true;
          t.value = lex_.comparative_factor() * spec.value * r.degree;
        } else if (r.negated) {
          t.value = 0;
        } else {
          t.value = std::clamp(spec.value * r.degree, 0.0, 1.0);
        }
        break;
      }
    }
    targets_.push_back(t);
    ++added;
  }
  return added;
}

bool TargetBuilder::realize_dimension(const DimensionRule& rule, std::optional<double> level, const std::string& value,
                                      const Realization& r, const Span& word) {
  if (!rule.unsupported.empty()) {
    warn(Warning::Kind::Unsupported, r.span, rule.unsupported);
    return true;
  }
  if (!value.empty()) {
    auto it = rule.values.find(value);
    if (it == rule.values.end()) return false;
    realize_bundle(it->second, r);
    if (!r.delta && !r.negated && !rule.also.empty()) {
      Realization implied = r;
      implied.priority = Priority::Implied;
      implied.degree = 1;
      realize_bundle(rule.also, implied);
    }
    return true;
  }
  if (!level) return false;
  const bool expressible = !rule.measurements.empty() || !rule.scalars.empty() || !rule.expressions.empty() ||
                           (r.delta && !rule.lightness.empty());
  if (!expressible) return false;
  if (r.negated && *level == 0) {
    warn(Warning::Kind::Ignored, word, "a negated middle value ('not average') sets no target");
    return true;
  }
  const double l = r.negated ? -sign_of(*level) * lex_.negated_level() : *level;
  const double d = r.negated ? 1 : r.degree;
  const double weight = r.weight * (r.negated ? lex_.negated_weight() : 1);
  const double cf = lex_.comparative_factor();
  auto base = [&](TargetSpec::Kind kind, const std::string& id) {
    RawTarget t;
    t.kind = kind;
    t.id = id;
    t.weight = weight;
    t.priority = r.priority;
    t.instruction = r.instruction;
    t.span = r.span;
    t.group = r.group;
    t.delta = r.delta;
    return t;
  };
  for (const auto& g : rule.measurements) {
    RawTarget t = base(TargetSpec::Kind::Measurement, g.id);
    t.value = r.delta ? cf * l * d * g.gain : std::clamp(l * d * g.gain, -kMaxZ, kMaxZ);
    targets_.push_back(t);
  }
  for (const auto& s : rule.scalars) {
    const AppearanceParam& p = lex_.param(s.id);
    RawTarget t = base(TargetSpec::Kind::Scalar, s.id);
    t.value = r.delta ? cf * l * d * s.scale : std::clamp(s.center + l * d * s.scale, p.min, p.max);
    targets_.push_back(t);
  }
  for (const auto& g : rule.expressions) {
    RawTarget t = base(TargetSpec::Kind::Expression, g.id);
    t.value = r.delta ? cf * l * d * g.gain : std::clamp(l * d * g.gain, 0.0, 1.0);
    targets_.push_back(t);
  }
  if (r.delta) {
    for (const auto& g : rule.lightness) {
      RawTarget t = base(TargetSpec::Kind::Color, g.id);
      t.value = cf * l * d * g.gain;
      targets_.push_back(t);
    }
  } else if (!r.negated && !rule.also.empty()) {
    Realization implied = r;
    implied.priority = Priority::Implied;
    implied.degree = 1;
    realize_bundle(rule.also, implied);
  }
  return true;
}

bool TargetBuilder::realize_color(const DimensionRule& rule, const Color& color,
                                  const std::vector<const ColorModifier*>& modifiers, const std::string& name,
                                  const Realization& r) {
  if (rule.colors.empty()) return false;
  for (const auto& slot : rule.colors) {
    Rgb rgb = color.in(slot.domain);
    for (const ColorModifier* m : modifiers) rgb = adjust_color(rgb, m->lightness_scale, m->saturation_scale, m->toward_white);
    RawTarget t;
    t.kind = TargetSpec::Kind::Color;
    t.id = slot.id;
    t.rgb = rgb;
    t.color_name = name;
    t.weight = r.weight;
    t.priority = r.priority;
    t.instruction = r.instruction;
    t.span = r.span;
    t.group = r.group;
    targets_.push_back(t);
  }
  if (!rule.also.empty()) {
    Realization implied = r;
    implied.priority = Priority::Implied;
    implied.degree = 1;
    realize_bundle(rule.also, implied);
  }
  return true;
}

void TargetBuilder::realize_age(double years, bool delta, const DimensionRule* rule, const Realization& r,
                                const Span& word, bool full_bundle) {
  const AppearanceParam& age = lex_.param("skin.age");
  std::vector<std::string> params = rule ? rule->age_params : std::vector<std::string>{"skin.age"};
  if (params.empty()) params.push_back("skin.age");
  if (!delta && (years < age.min || years > age.max)) {
    const double clamped = std::clamp(years, age.min, age.max);
    warn(Warning::Kind::Clamped, word,
         "age " + format_number(years, 0) + " is outside what the model covers (" + format_number(age.min, 0) + " to " +
             format_number(age.max, 0) + " years); using " + format_number(clamped, 0));
    years = clamped;
  }
  for (const std::string& id : params) {
    RawTarget t;
    t.kind = TargetSpec::Kind::Scalar;
    t.id = id;
    t.delta = delta;
    t.value = years;
    t.weight = r.weight;
    t.priority = r.priority;
    t.instruction = r.instruction;
    t.span = r.span;
    t.group = r.group;
    targets_.push_back(t);
  }
  if (!full_bundle || lex_.age_anchors().empty()) return;
  // The anchors interpolated at an age: ids missing from an anchor are at the population mean
  // (z 0) or the parameter default there.
  std::set<std::pair<TargetSpec::Kind, std::string>> ids;
  for (const auto& a : lex_.age_anchors())
    for (const auto& t : a.targets) ids.insert({t.kind, t.id});
  auto value_at = [&](TargetSpec::Kind kind, const std::string& id, double y) {
    auto anchor_value = [&](const AgeAnchor& a) {
      for (const auto& t : a.targets)
        if (t.kind == kind && t.id == id) return t.value;
      return kind == TargetSpec::Kind::Scalar ? lex_.param(id).default_value : 0.0;
    };
    const auto& anchors = lex_.age_anchors();
    if (y <= anchors.front().years) return anchor_value(anchors.front());
    if (y >= anchors.back().years) return anchor_value(anchors.back());
    for (std::size_t i = 1; i < anchors.size(); ++i) {
      if (y <= anchors[i].years) {
        const double f = (y - anchors[i - 1].years) / (anchors[i].years - anchors[i - 1].years);
        return anchor_value(anchors[i - 1]) * (1 - f) + anchor_value(anchors[i]) * f;
      }
    }
    return anchor_value(anchors.back());
  };
  const double from = lex_.reference_age();
  const double to = delta ? std::clamp(from + years, age.min, age.max) : years;
  for (const auto& [kind, id] : ids) {
    const double v_to = value_at(kind, id, to);
    RawTarget t;
    t.kind = kind;
    t.id = id;
    t.priority = Priority::Prior;
    t.weight = lex_.prior_weight_age();
    t.instruction = r.instruction;
    t.span = r.span;
    t.group = r.group;
    if (delta) {
      t.delta = true;
      t.value = v_to - value_at(kind, id, from);
      if (std::abs(t.value) < 0.02) continue;
    } else {
      t.value = v_to;
      const double neutral = kind == TargetSpec::Kind::Scalar ? lex_.param(id).default_value : 0.0;
      if (std::abs(t.value - neutral) < 0.02) continue;
    }
    targets_.push_back(t);
  }
}

void TargetBuilder::rescale_group(int group, double factor) {
  for (RawTarget& t : targets_) {
    if (t.group != group) continue;
    if (t.delta) t.value *= factor;
    else if (t.kind == TargetSpec::Kind::Expression) t.value = std::clamp(t.value * factor, 0.0, 1.0);
  }
}

bool TargetBuilder::group_targets(int group, const std::string& id) const {
  return std::any_of(targets_.begin(), targets_.end(), [&](const RawTarget& t) { return t.group == group && t.id == id; });
}

int TargetBuilder::group_size(int group) const {
  return static_cast<int>(std::count_if(targets_.begin(), targets_.end(), [&](const RawTarget& t) { return t.group == group; }));
}

void TargetBuilder::attend(std::size_t first_token, std::size_t last_token, const RegionWeights& regions) {
  for (std::size_t i = first_token; i <= last_token && i < attention_.size(); ++i)
    for (const auto& [region, w] : regions) attention_[i][region] = std::max(attention_[i][region], w);
}

void TargetBuilder::warn(Warning::Kind kind, const Span& span, const std::string& message, std::optional<Span> other) {
  for (const Warning& w : warnings_)  // one warning per kind and place
    if (w.kind == kind && w.span == span && w.other == other) return;
  Warning w;
  w.kind = kind;
  w.span = span;
  w.word = text_at(span);
  w.message = message;
  if (other) {
    w.other = other;
    w.other_word = text_at(*other);
  }
  warnings_.push_back(w);
}

double TargetBuilder::deviation(const RawTarget& t) const {
  if (t.kind == TargetSpec::Kind::Scalar && !t.delta) return std::abs(t.value - lex_.param(t.id).default_value);
  return std::abs(t.value);
}

void TargetBuilder::finish(ParseResult& result, const std::vector<bool>& edit_instruction) {
  auto is_edit = [&](int instruction) {
    return instruction >= 0 && static_cast<std::size_t>(instruction) < edit_instruction.size() &&
           edit_instruction[static_cast<std::size_t>(instruction)];
  };
  // Targets of description sentences merge across sentences (they describe one face); each edit
  // sentence keeps its own, since edits apply one after another.
  using Key = std::tuple<int, std::string, bool, int>;
  auto key_of = [&](const RawTarget& t) {
    return Key{static_cast<int>(t.kind), t.id, t.delta, is_edit(t.instruction) ? t.instruction : -1};
  };
  std::map<Key, std::vector<const RawTarget*>> groups;
  std::vector<Key> order;
  for (const RawTarget& t : targets_) {
    auto [it, inserted] = groups.try_emplace(key_of(t));
    if (inserted) order.push_back(it->first);
    it->second.push_back(&t);
  }
  std::vector<RawTarget> merged;
  std::set<std::pair<std::size_t, std::size_t>> reported;  // contradiction span pairs
  for (const Key& key : order) {
    const auto& list = groups[key];
    std::vector<const RawTarget*> stated, priors;
    for (const RawTarget* t : list) (t->priority == Priority::Prior ? priors : stated).push_back(t);
    if (!stated.empty()) {
      // Later statements win; explicit ones that disagree are contradictions.
      RawTarget kept = *stated.front();
      for (std::size_t i = 1; i < stated.size(); ++i) {
        const RawTarget& a = kept;
        const RawTarget& b = *stated[i];
        bool conflict = false;
        if (a.priority == Priority::Explicit && b.priority == Priority::Explicit && a.group != b.group) {
          if (b.rgb && a.rgb) {
            conflict = color_distance(*a.rgb, *b.rgb) > 0.3;
          } else if (b.delta) {
            conflict = sign_of(a.value) * sign_of(b.value) < 0;
          } else if (b.kind == TargetSpec::Kind::Measurement) {
            conflict = std::abs(a.value - b.value) > 1.0 && sign_of(a.value) != sign_of(b.value);
          } else if (b.kind == TargetSpec::Kind::Scalar) {
            const AppearanceParam& p = lex_.param(b.id);
            conflict = std::abs(a.value - b.value) > 0.3 * (p.max - p.min);
          } else if (b.kind == TargetSpec::Kind::Expression) {
            conflict = std::abs(a.value - b.value) > 0.45;
          }
        }
        if (conflict && reported.insert({a.span.offset, b.span.offset}).second) {
          warn(Warning::Kind::Contradiction, b.span,
               "'" + text_at(b.span) + "' contradicts '" + text_at(a.span) + "' on " + b.id + " (" + describe(a) + " vs " +
                   describe(b) + "); the later one is used",
               a.span);
        }
        if (b.priority < a.priority) continue;  // a stated value is not replaced by an implied one
        if (b.delta && !conflict && a.group != b.group) {
          kept.value += b.value;  // deltas of separate phrases add up ("wider ... and rounder")
          kept.weight = std::max(kept.weight, b.weight);
        } else if (!conflict && a.group != b.group && !b.rgb && b.priority == a.priority &&
                   deviation(b) < deviation(a)) {
          // Two words on one measurement ("big round eyes": width from both): the stronger stays.
          kept.weight = std::max(kept.weight, b.weight);
        } else {
          kept = b;
        }
      }
      merged.push_back(kept);
      continue;
    }
    // Only priors: several bundles touching one id add their effects (a woman who is old).
    RawTarget kept = *priors.front();
    if (priors.size() > 1) {
      double sum = 0;
      double weight = 0;
      const bool scalar = kept.kind == TargetSpec::Kind::Scalar && !kept.delta;
      const double base = scalar ? lex_.param(kept.id).default_value : 0;
      for (const RawTarget* p : priors) {
        sum += p->value - base;
        weight = std::max(weight, p->weight);
      }
      kept.value = base + sum;
      if (scalar) kept.value = std::clamp(kept.value, lex_.param(kept.id).min, lex_.param(kept.id).max);
      if (kept.kind == TargetSpec::Kind::Measurement && !kept.delta) kept.value = std::clamp(kept.value, -kMaxZ, kMaxZ);
      kept.weight = weight;
    }
    merged.push_back(kept);
  }
  for (const RawTarget& t : merged) {
    Source source{t.span, text_at(t.span), t.instruction, t.priority == Priority::Prior};
    switch (t.kind) {
      case TargetSpec::Kind::Measurement: {
        MeasurementTarget m;
        m.id = t.id;
        m.delta = t.delta;
        m.weight = t.weight;
        m.source = source;
        if (t.delta) m.delta_sd = t.value;
        else m.z = t.value, m.percentile = percentile_of_z(t.value);
        result.measurements.push_back(m);
        break;
      }
      case TargetSpec::Kind::Scalar:
      case TargetSpec::Kind::Color: {
        AppearanceTarget a;
        a.id = t.id;
        a.delta = t.delta;
        a.value = t.value;
        a.color = t.rgb;
        a.color_name = t.color_name;
        a.weight = t.weight;
        a.source = source;
        result.appearance.push_back(a);
        break;
      }
      case TargetSpec::Kind::Expression: {
        ExpressionTarget e;
        e.name = t.id;
        e.delta = t.delta;
        e.value = t.value;
        e.weight = t.weight;
        e.source = source;
        result.expressions.push_back(e);
        break;
      }
    }
  }
  // Priors do not override what an explicit word said about the same id elsewhere.
  auto drop_priors = [&](auto& list, auto id_of) {
    std::set<std::pair<std::string, bool>> stated;
    for (const auto& t : list)
      if (!t.source.prior) stated.insert({id_of(t), t.delta});
    list.erase(std::remove_if(list.begin(), list.end(), [&](const auto& t) { return t.source.prior && stated.count({id_of(t), t.delta}); }),
               list.end());
  };
  drop_priors(result.measurements, [](const MeasurementTarget& t) { return t.id; });
  drop_priors(result.appearance, [](const AppearanceTarget& t) { return t.id; });
  drop_priors(result.expressions, [](const ExpressionTarget& t) { return t.name; });
  result.warnings = warnings_;
}

}  // namespace likeness::text::detail
