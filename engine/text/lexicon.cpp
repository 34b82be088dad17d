#include "engine/text/lexicon.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"
#include "engine/core/strings.h"
#include "engine/text/unicode.h"

namespace likeness::text {

std::string normalize_phrase(const std::string& phrase) {
  std::string lowered = lower_utf8(phrase);
  std::string out;
  bool space = false;
  for (std::size_t pos = 0; pos < lowered.size();) {
    const std::size_t start = pos;
    const char32_t cp = decode_utf8(lowered, pos);
    if (cp == ' ' || cp == '-' || cp == '\t' || cp == 0x2010 || cp == 0x2011) {
      space = !out.empty();
      continue;
    }
    if (cp == 0xFE0F || cp == 0xFE0E) continue;  // emoji variation selectors
    if (space) out += ' ';
    space = false;
    if (cp == 0x2019 || cp == 0x2018) out += '\'';
    else out.append(lowered, start, pos - start);
  }
  return out;
}

Rgb Color::in(const std::string& domain) const {
  auto it = domains.find(domain);
  return it == domains.end() ? rgb : it->second;
}

namespace {

const std::vector<Role> kNoRoles;

std::string suggest(const std::string& word, const std::vector<std::string>& candidates) {
  const auto near = closest_words(word, candidates, 3, 3);
  return near.empty() ? "" : " (did you mean " + join(near, ", ") + "?)";
}

}  // namespace

/// Reads and checks the lexicon files; every error names the file and the JSON path.
class LexiconLoader {
public:
  explicit LexiconLoader(std::filesystem::path dir) : dir_(std::move(dir)), lex_(new Lexicon()) {}

  std::shared_ptr<const Lexicon> run() {
    load_attributes();
    load_colors();  // before features: bundles name colours
    load_function_words();
    load_features();
    load_adjectives();
    load_people();
    load_expressions();
    load_verbs();
    check_cross_references();
    for (const auto& [phrase, roles] : lex_->roles_) lex_->phrase_list_.push_back(phrase);
    std::sort(lex_->phrase_list_.begin(), lex_->phrase_list_.end());
    return std::shared_ptr<const Lexicon>(lex_.release());
  }

private:
  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw InputError(at_file((dir_ / file_).string(), path + ": " + what));
  }

  Json open(const std::string& file) {
    file_ = file;
    Json j = load_json_file(dir_ / file);
    if (!j.is_object()) fail("(top)", "expected an object");
    return j;
  }

  const Json& object_at(const Json& parent, const std::string& key, const std::string& path) const {
    static const Json empty = Json::object();
    auto it = parent.find(key);
    if (it == parent.end()) return empty;
    if (!it->is_object()) fail(path + "." + key, "expected an object");
    return *it;
  }

  double number(const Json& j, const std::string& path) const {
    if (!j.is_number()) fail(path, "expected a number");
    return j.get<double>();
  }

  std::string string(const Json& j, const std::string& path) const {
    if (!j.is_string()) fail(path, "expected a string");
    return j.get<std::string>();
  }

  std::vector<std::string> strings(const Json& parent, const std::string& key, const std::string& path) const {
    std::vector<std::string> out;
    auto it = parent.find(key);
    if (it == parent.end()) return out;
    if (!it->is_array()) fail(path + "." + key, "expected an array of strings");
    for (std::size_t i = 0; i < it->size(); ++i) out.push_back(string((*it)[i], path + "." + key + "[" + std::to_string(i) + "]"));
    return out;
  }

  void add_phrase(const std::string& phrase, Role role, const std::string& path) {
    const std::string key = normalize_phrase(phrase);
    if (key.empty()) fail(path, "empty word");
    auto& roles = lex_->roles_[key];
    for (const Role& r : roles)
      if (r.kind == role.kind && r.index == role.index && r.text == role.text) return;
    roles.push_back(role);
    lex_->max_phrase_words_ = std::max<int>(lex_->max_phrase_words_, static_cast<int>(std::count(key.begin(), key.end(), ' ')) + 1);
  }

  void add_words(const Json& entry, const std::string& id, Role role, const std::string& path, bool include_id = true) {
    if (include_id) add_phrase(id, role, path);
    for (const std::string& w : strings(entry, "words", path)) add_phrase(w, role, path);
  }

  // --- attributes.json ----------------------------------------------------------------------
  void load_attributes() {
    const Json j = open("attributes.json");
    lex_->measurements_ = strings(j, "measurements", "measurements");
    lex_->regions_ = strings(j, "regions", "regions");
    for (const std::string& g : strings(j, "groups", "groups")) lex_->regions_.push_back(g);
    lex_->expression_names_ = strings(j, "expressions", "expressions");
    if (lex_->measurements_.empty() || lex_->regions_.empty() || lex_->expression_names_.empty())
      fail("(top)", "measurements, regions and expressions must all be listed");
    for (const auto& [id, spec] : object_at(j, "appearance", "(top)").items()) {
      const std::string path = "appearance." + id;
      if (!spec.is_object()) fail(path, "expected an object");
      AppearanceParam p;
      p.id = id;
      if (spec.contains("rgb")) {
        p.rgb = true;
        auto c = parse_hex_color(string(spec["rgb"], path + ".rgb"));
        if (!c) fail(path + ".rgb", "expected #rrggbb");
        p.default_color = *c;
      } else {
        if (!spec.contains("range") || !spec["range"].is_array() || spec["range"].size() != 2)
          fail(path + ".range", "expected [min, max]");
        p.min = number(spec["range"][0], path + ".range[0]");
        p.max = number(spec["range"][1], path + ".range[1]");
        p.default_value = number(spec.value("default", Json(p.min)), path + ".default");
        if (!(p.min < p.max) || p.default_value < p.min || p.default_value > p.max)
          fail(path, "default must lie in the range");
      }
      lex_->appearance_.emplace(id, p);
    }
  }

  // --- targets --------------------------------------------------------------------------------
  void check_region(const std::string& id, const std::string& path) const {
    if (std::find(lex_->regions_.begin(), lex_->regions_.end(), id) == lex_->regions_.end())
      fail(path, "unknown region '" + id + "'" + suggest(id, lex_->regions_));
  }

  RegionWeights regions(const Json& j, const std::string& path) const {
    if (!j.is_object()) fail(path, "expected an object of region -> weight");
    RegionWeights out;
    for (const auto& [id, w] : j.items()) {
      check_region(id, path + "." + id);
      const double v = number(w, path + "." + id);
      if (v < 0 || v > 1) fail(path + "." + id, "weight must lie in [0, 1]");
      out[id] = v;
    }
    return out;
  }

  void check_measurement(const std::string& id, const std::string& path) const {
    if (std::find(lex_->measurements_.begin(), lex_->measurements_.end(), id) == lex_->measurements_.end())
      fail(path, "unknown measurement '" + id + "'" + suggest(id, lex_->measurements_));
  }

  const AppearanceParam& check_param(const std::string& id, bool rgb, const std::string& path) const {
    auto it = lex_->appearance_.find(id);
    if (it == lex_->appearance_.end()) {
      std::vector<std::string> names;
      for (const auto& [n, p] : lex_->appearance_) names.push_back(n);
      fail(path, "unknown appearance parameter '" + id + "'" + suggest(id, names));
    }
    if (it->second.rgb != rgb) fail(path, "'" + id + "' is " + (it->second.rgb ? "a colour" : "a scalar") + " parameter");
    return it->second;
  }

  void check_expression(const std::string& id, const std::string& path) const {
    const auto& names = lex_->expression_names_;
    if (std::find(names.begin(), names.end(), id) == names.end())
      fail(path, "unknown expression shape '" + id + "'" + suggest(id, names));
  }

  void check_color(const std::string& name, const std::string& path) const {
    if (!name.empty() && name[0] == '#') {
      if (!parse_hex_color(name)) fail(path, "expected #rrggbb");
      return;
    }
    if (!lex_->color(name)) {
      std::vector<std::string> names;
      for (const auto& c : lex_->colors_) names.push_back(c.id);
      fail(path, "unknown colour '" + name + "'" + suggest(name, names));
    }
  }

  Bundle bundle(const Json& j, const std::string& path) const {
    if (!j.is_array()) fail(path, "expected an array of targets");
    Bundle out;
    for (std::size_t i = 0; i < j.size(); ++i) {
      const std::string p = path + "[" + std::to_string(i) + "]";
      const Json& t = j[i];
      if (!t.is_object()) fail(p, "expected an object");
      TargetSpec s;
      s.weight = number(t.value("weight", Json(1.0)), p + ".weight");
      if (s.weight < 0 || s.weight > 1) fail(p + ".weight", "must lie in [0, 1]");
      if (t.contains("m")) {
        s.kind = TargetSpec::Kind::Measurement;
        s.id = string(t["m"], p + ".m");
        check_measurement(s.id, p + ".m");
        if (t.contains("z")) s.value = number(t["z"], p + ".z");
        else if (t.contains("dz")) s.value = number(t["dz"], p + ".dz"), s.delta = true;
        else fail(p, "a measurement target needs z or dz");
      } else if (t.contains("a")) {
        s.id = string(t["a"], p + ".a");
        if (t.contains("color")) {
          s.kind = TargetSpec::Kind::Color;
          check_param(s.id, true, p + ".a");
          s.color = normalize_phrase(string(t["color"], p + ".color"));
          if (!s.color.empty() && s.color[0] == '#') s.color = string(t["color"], p + ".color");
          check_color(s.color, p + ".color");
        } else {
          s.kind = TargetSpec::Kind::Scalar;
          const AppearanceParam& param = check_param(s.id, false, p + ".a");
          if (t.contains("v")) {
            s.value = number(t["v"], p + ".v");
            if (s.value < param.min || s.value > param.max) fail(p + ".v", "outside the range of " + s.id);
          } else if (t.contains("dv")) {
            s.value = number(t["dv"], p + ".dv"), s.delta = true;
          } else {
            fail(p, "an appearance target needs v, dv or color");
          }
        }
      } else if (t.contains("x")) {
        s.kind = TargetSpec::Kind::Expression;
        s.id = string(t["x"], p + ".x");
        if (t.contains("w")) s.value = number(t["w"], p + ".w");
        else if (t.contains("dw")) s.value = number(t["dw"], p + ".dw"), s.delta = true;
        else fail(p, "an expression target needs w or dw");
        if (!s.delta && (s.value < 0 || s.value > 1)) fail(p + ".w", "must lie in [0, 1]");
        if (s.id == "*") {  // every expression shape
          for (const std::string& name : lex_->expression_names_) {
            TargetSpec e = s;
            e.id = name;
            e.baseline = true;
            out.push_back(e);
          }
          continue;
        }
        check_expression(s.id, p + ".x");
      } else {
        fail(p, "a target names m (measurement), a (appearance) or x (expression)");
      }
      out.push_back(s);
    }
    return out;
  }

  // --- colors.json ----------------------------------------------------------------------------
  void load_colors() {
    const Json j = open("colors.json");
    for (const auto& [id, spec] : object_at(j, "colors", "(top)").items()) {
      const std::string path = "colors." + id;
      Color c;
      c.id = normalize_phrase(id);
      if (!spec.is_object()) fail(path, "expected an object");
      auto rgb = parse_hex_color(string(spec.value("rgb", Json("")), path + ".rgb"));
      if (!rgb) fail(path + ".rgb", "expected #rrggbb");
      c.rgb = *rgb;
      for (const auto& [domain, hex] : object_at(spec, "domains", path).items()) {
        auto shade = parse_hex_color(string(hex, path + ".domains." + domain));
        if (!shade) fail(path + ".domains." + domain, "expected #rrggbb");
        c.domains[domain] = *shade;
      }
      const int index = static_cast<int>(lex_->colors_.size());
      lex_->colors_.push_back(c);
      add_words(spec, id, {Role::Kind::Color, index}, path);
    }
    for (const auto& [id, spec] : object_at(j, "modifiers", "(top)").items()) {
      const std::string path = "modifiers." + id;
      ColorModifier m;
      m.id = id;
      m.lightness_scale = number(spec.value("lightness", Json(1.0)), path + ".lightness");
      m.saturation_scale = number(spec.value("saturation", Json(1.0)), path + ".saturation");
      m.toward_white = number(spec.value("toward_white", Json(0.0)), path + ".toward_white");
      const int index = static_cast<int>(lex_->color_modifiers_.size());
      lex_->color_modifiers_.push_back(m);
      add_words(spec, id, {Role::Kind::ColorModifier, index}, path);
    }
  }

  // --- function_words.json --------------------------------------------------------------------
  void load_function_words() {
    const Json j = open("function_words.json");
    auto list = [&](const std::string& key, Role::Kind kind) {
      for (const std::string& w : strings(j, key, key)) add_phrase(w, {kind}, key);
    };
    list("negations", Role::Kind::Negation);
    list("without", Role::Kind::Without);
    list("more", Role::Kind::More);
    list("less", Role::Kind::Less);
    list("copulas", Role::Kind::Copula);
    list("conjunctions", Role::Kind::Conjunction);
    list("with", Role::Kind::With);
    list("of", Role::Kind::Of);
    list("than", Role::Kind::Than);
    // "than average": the comparison is with the population, so the phrase describes (value 1).
    for (const std::string& w : strings(j, "than_norm", "than_norm")) add_phrase(w, {Role::Kind::Than, -1, 1.0}, "than_norm");
    list("stop", Role::Kind::Stop);
    list("years_units", Role::Kind::YearsUnit);
    list("locatives", Role::Kind::Locative);
    for (const auto& [w, f] : object_at(j, "degrees", "(top)").items())
      add_phrase(w, {Role::Kind::Degree, -1, number(f, "degrees." + w)}, "degrees." + w);
    for (const auto& [w, f] : object_at(j, "hedges", "(top)").items())
      add_phrase(w, {Role::Kind::Hedge, -1, number(f, "hedges." + w)}, "hedges." + w);
    for (const auto& [w, v] : object_at(j, "number_words", "(top)").items())
      add_phrase(w, {Role::Kind::NumberWord, -1, number(v, "number_words." + w)}, "number_words." + w);
    for (const auto& [w, v] : object_at(j, "decades", "(top)").items())
      add_phrase(w, {Role::Kind::NumberWord, -1, number(v, "decades." + w), "decade"}, "decades." + w);
    for (const auto& [w, dim] : object_at(j, "dimension_nouns", "(top)").items()) {
      dimension_nouns_.insert(string(dim, "dimension_nouns." + w));
      add_phrase(w, {Role::Kind::DimensionNoun, -1, 0, string(dim, "dimension_nouns." + w)}, "dimension_nouns." + w);
    }
    for (const auto& [w, kind] : object_at(j, "age_words", "(top)").items()) {
      const std::string k = string(kind, "age_words." + w);
      if (k != "aged" && k != "early" && k != "mid" && k != "late" && k != "in" && k != "old")
        fail("age_words." + w, "expected aged, early, mid, late, in or old");
      add_phrase(w, {Role::Kind::AgeWord, -1, 0, k}, "age_words." + w);
    }
    for (const auto& [w, message] : object_at(j, "unsupported", "(top)").items())
      add_phrase(w, {Role::Kind::Unsupported, -1, 0, string(message, "unsupported." + w)}, "unsupported." + w);
    const Json& s = object_at(j, "settings", "(top)");
    auto setting = [&](const char* key, double& out) {
      if (s.contains(key)) out = number(s[key], std::string("settings.") + key);
    };
    setting("comparative_factor", lex_->comparative_factor_);
    setting("negated_level", lex_->negated_level_);
    setting("negated_weight", lex_->negated_weight_);
    setting("comparative_years", lex_->comparative_years_);
    setting("than_norm_degree", lex_->than_norm_degree_);
    setting("reference_age", lex_->reference_age_);
    setting("prior_weight_sex", lex_->prior_weight_sex_);
    setting("prior_weight_pronoun", lex_->prior_weight_pronoun_);
    setting("prior_weight_age", lex_->prior_weight_age_);
  }

  // --- features.json --------------------------------------------------------------------------
  DimensionRule dimension(const Json& j, const std::string& path) {
    if (!j.is_object()) fail(path, "expected an object");
    DimensionRule r;
    auto gains = [&](const std::string& key, auto check) {
      std::vector<DimensionRule::Gain> out;
      if (!j.contains(key)) return out;
      if (!j[key].is_array()) fail(path + "." + key, "expected an array");
      for (std::size_t i = 0; i < j[key].size(); ++i) {
        const std::string p = path + "." + key + "[" + std::to_string(i) + "]";
        const Json& g = j[key][i];
        DimensionRule::Gain gain;
        if (g.is_string()) {
          gain.id = g.get<std::string>();
        } else {
          if (!g.is_object()) fail(p, "expected an id or {id, gain}");
          gain.id = string(g.value("id", Json()), p + ".id");
          gain.gain = number(g.value("gain", Json(1.0)), p + ".gain");
        }
        check(gain.id, p);
        out.push_back(gain);
      }
      return out;
    };
    r.measurements = gains("measurements", [&](const std::string& id, const std::string& p) { check_measurement(id, p); });
    r.expressions = gains("expressions", [&](const std::string& id, const std::string& p) { check_expression(id, p); });
    r.lightness = gains("lightness", [&](const std::string& id, const std::string& p) { check_param(id, true, p); });
    if (j.contains("scalars")) {
      for (std::size_t i = 0; i < j["scalars"].size(); ++i) {
        const std::string p = path + ".scalars[" + std::to_string(i) + "]";
        const Json& sj = j["scalars"][i];
        DimensionRule::Scalar s;
        s.id = string(sj.value("id", Json()), p + ".id");
        const AppearanceParam& param = check_param(s.id, false, p + ".id");
        s.center = number(sj.value("center", Json(param.default_value)), p + ".center");
        s.scale = number(sj.value("scale", Json(0.3)), p + ".scale");
        r.scalars.push_back(s);
      }
    }
    if (j.contains("colors")) {
      for (std::size_t i = 0; i < j["colors"].size(); ++i) {
        const std::string p = path + ".colors[" + std::to_string(i) + "]";
        const Json& cj = j["colors"][i];
        DimensionRule::ColorSlot c;
        c.id = string(cj.value("id", Json()), p + ".id");
        check_param(c.id, true, p + ".id");
        c.domain = string(cj.value("domain", Json("")), p + ".domain");
        r.colors.push_back(c);
      }
    }
    for (const std::string& id : strings(j, "age_params", path)) check_param(id, false, path + ".age_params");
    r.age_params = strings(j, "age_params", path);
    r.person_age = j.value("person_age", false);
    for (const auto& [value, b] : object_at(j, "values", path).items()) r.values[normalize_phrase(value)] = bundle(b, path + ".values." + value);
    if (j.contains("also")) r.also = bundle(j["also"], path + ".also");
    if (j.contains("regions")) r.regions = regions(j["regions"], path + ".regions");
    if (j.contains("unsupported")) r.unsupported = string(j["unsupported"], path + ".unsupported");
    return r;
  }

  void load_features() {
    const Json j = open("features.json");
    const Json& features = object_at(j, "features", "(top)");
    // Indices first, so overrides may be checked after every adjective is known.
    for (const auto& [id, spec] : features.items()) {
      const std::string path = "features." + id;
      if (!spec.is_object()) fail(path, "expected an object");
      Feature f;
      f.id = id;
      if (spec.contains("regions")) f.regions = regions(spec["regions"], path + ".regions");
      f.person = spec.value("person", false);
      f.default_dim = spec.value("default_dim", std::string());
      for (const auto& [dim, rule] : object_at(spec, "dims", path).items()) f.dims[dim] = dimension(rule, path + ".dims." + dim);
      if (!f.default_dim.empty() && !f.dims.count(f.default_dim)) fail(path + ".default_dim", "'" + f.default_dim + "' is not one of its dims");
      if (spec.contains("presence")) f.presence = bundle(spec["presence"], path + ".presence");
      if (spec.contains("absence")) f.absence = bundle(spec["absence"], path + ".absence");
      if (!f.presence.empty() && f.absence.empty()) fail(path, "a feature with presence needs absence too");
      for (const auto& [word, o] : object_at(spec, "overrides", path).items()) {
        const std::string p = path + ".overrides." + word;
        Override ov;
        if (o.is_array()) {
          ov.targets = bundle(o, p);
        } else {
          if (!o.is_object()) fail(p, "expected a target array or {targets, regions, ambiguous}");
          ov.targets = bundle(o.value("targets", Json::array()), p + ".targets");
          if (o.contains("regions")) ov.regions = regions(o["regions"], p + ".regions");
          ov.ambiguous = o.value("ambiguous", std::string());
        }
        f.overrides[normalize_phrase(word)] = ov;
      }
      if (f.person) {
        if (lex_->person_feature_ >= 0) fail(path, "only one feature may be the person");
        lex_->person_feature_ = static_cast<int>(lex_->features_.size());
      }
      const int index = static_cast<int>(lex_->features_.size());
      lex_->features_.push_back(f);
      add_words(spec, id, {Role::Kind::Feature, index}, path, !f.person);
    }
    if (lex_->person_feature_ < 0) fail("features", "one feature must be the person (\"person\": true)");
  }

  // --- adjectives.json ------------------------------------------------------------------------
  void load_adjectives() {
    const Json j = open("adjectives.json");
    for (const auto& [id, spec] : object_at(j, "adjectives", "(top)").items()) {
      const std::string path = "adjectives." + id;
      if (!spec.is_object()) fail(path, "expected an object");
      Adjective a;
      a.id = normalize_phrase(id);
      if (!spec.contains("senses") || !spec["senses"].is_array() || spec["senses"].empty())
        fail(path + ".senses", "expected a non-empty array");
      for (std::size_t i = 0; i < spec["senses"].size(); ++i) {
        const std::string p = path + ".senses[" + std::to_string(i) + "]";
        const Json& sj = spec["senses"][i];
        Sense s;
        s.dim = sj.value("dim", std::string());
        if (sj.contains("level")) s.level = number(sj["level"], p + ".level");
        if (sj.contains("years")) s.years = number(sj["years"], p + ".years");
        s.value = normalize_phrase(sj.value("value", std::string()));
        s.implies = strings(sj, "implies", p);
        s.denies = strings(sj, "denies", p);
        s.ancestry = sj.value("ancestry", std::string());
        s.weight = number(sj.value("weight", Json(1.0)), p + ".weight");
        const int kinds = (s.level ? 1 : 0) + (s.value.empty() ? 0 : 1) + (s.years ? 1 : 0) +
                          (s.implies.empty() && s.denies.empty() ? 0 : 1) + (s.ancestry.empty() ? 0 : 1);
        if (kinds != 1) fail(p, "a sense has exactly one of level, value, years, implies/denies, ancestry");
        if ((s.level || !s.value.empty() || s.years) && s.dim.empty()) fail(p, "needs dim");
        senses_to_check_.push_back({s, p});
        a.senses.push_back(s);
      }
      const int index = static_cast<int>(lex_->adjectives_.size());
      lex_->adjectives_.push_back(a);
      add_words(spec, id, {Role::Kind::Adjective, index}, path);
      for (const std::string& c : strings(spec, "comparatives", path))
        add_phrase(c, {Role::Kind::Comparative, index, 1}, path + ".comparatives");
    }
  }

  // --- people.json ----------------------------------------------------------------------------
  void load_people() {
    const Json j = open("people.json");
    for (const auto& [id, spec] : object_at(j, "ancestries", "(top)").items()) {
      const std::string path = "ancestries." + id;
      Ancestry a;
      a.id = id;
      a.bundle = bundle(spec.value("bundle", Json::array()), path + ".bundle");
      const int index = static_cast<int>(lex_->ancestries_.size());
      lex_->ancestries_.push_back(a);
      add_words(spec, id, {Role::Kind::Ancestry, index}, path, false);  // ids ("east_asian") are not words
    }
    for (const auto& [id, spec] : object_at(j, "persons", "(top)").items()) {
      const std::string path = "persons." + id;
      PersonNoun p;
      p.id = id;
      p.sex = spec.value("sex", std::string());
      if (!p.sex.empty() && p.sex != "male" && p.sex != "female") fail(path + ".sex", "expected male or female");
      if (spec.contains("years")) p.years = number(spec["years"], path + ".years");
      p.ancestry = spec.value("ancestry", std::string());
      if (!p.ancestry.empty()) ancestries_to_check_.push_back({p.ancestry, path + ".ancestry"});
      if (spec.contains("bundle")) p.bundle = bundle(spec["bundle"], path + ".bundle");
      const int index = static_cast<int>(lex_->persons_.size());
      lex_->persons_.push_back(p);
      add_words(spec, id, {Role::Kind::Person, index}, path);
    }
    for (const auto& [sex, words] : object_at(j, "pronouns", "(top)").items()) {
      if (sex != "male" && sex != "female" && sex != "neutral") fail("pronouns." + sex, "expected male, female or neutral");
      if (!words.is_array()) fail("pronouns." + sex, "expected an array");
      for (const auto& w : words) add_phrase(string(w, "pronouns." + sex), {Role::Kind::Pronoun, -1, 0, sex == "neutral" ? "" : sex}, "pronouns");
    }
    for (const auto& [sex, b] : object_at(j, "sex_bundles", "(top)").items()) lex_->sex_bundles_[sex] = bundle(b, "sex_bundles." + sex);
    if (!lex_->sex_bundles_.count("male") || !lex_->sex_bundles_.count("female")) fail("sex_bundles", "needs male and female");
    if (j.contains("age_anchors")) {
      const Json& anchors = j["age_anchors"];
      for (std::size_t i = 0; i < anchors.size(); ++i) {
        const std::string p = "age_anchors[" + std::to_string(i) + "]";
        AgeAnchor a;
        a.years = number(anchors[i].value("years", Json()), p + ".years");
        a.targets = bundle(anchors[i].value("targets", Json::array()), p + ".targets");
        for (const auto& t : a.targets)
          if (t.delta || t.kind == TargetSpec::Kind::Color) fail(p, "anchors hold absolute z and scalar values only");
        if (!lex_->age_anchors_.empty() && a.years <= lex_->age_anchors_.back().years) fail(p, "anchors must be in increasing age");
        lex_->age_anchors_.push_back(a);
      }
    }
  }

  // --- expressions.json -----------------------------------------------------------------------
  void load_expressions() {
    const Json j = open("expressions.json");
    for (const auto& [id, spec] : object_at(j, "expressions", "(top)").items()) {
      const std::string path = "expressions." + id;
      Expression e;
      e.id = id;
      e.weights = bundle(spec.value("weights", Json::array()), path + ".weights");
      for (const auto& t : e.weights)
        if (t.kind != TargetSpec::Kind::Expression) fail(path + ".weights", "holds expression targets (x) only");
      if (spec.contains("regions")) e.regions = regions(spec["regions"], path + ".regions");
      const int index = static_cast<int>(lex_->expressions_.size());
      lex_->expressions_.push_back(e);
      add_words(spec, id, {Role::Kind::Expression, index}, path);
      // Commands ("close her eyes") are expressions that also make their sentence an edit.
      for (const std::string& c : strings(spec, "imperatives", path))
        add_phrase(c, {Role::Kind::Expression, index, 1}, path + ".imperatives");
      for (const std::string& c : strings(spec, "comparatives", path))
        add_phrase(c, {Role::Kind::ExpressionComparative, index, 1}, path + ".comparatives");
    }
  }

  // --- verbs.json -----------------------------------------------------------------------------
  void load_verbs() {
    const Json j = open("verbs.json");
    for (const auto& [id, spec] : object_at(j, "verbs", "(top)").items()) {
      const std::string path = "verbs." + id;
      Verb v;
      v.id = id;
      const std::string kind = spec.value("kind", std::string());
      if (kind == "make") v.kind = Verb::Kind::Make;
      else if (kind == "give") v.kind = Verb::Kind::Give;
      else if (kind == "add") v.kind = Verb::Kind::Add;
      else if (kind == "remove") v.kind = Verb::Kind::Remove;
      else if (kind == "change") v.kind = Verb::Kind::Change;
      else if (kind == "age") v.kind = Verb::Kind::Age;
      else if (kind == "keep") v.kind = Verb::Kind::Keep;
      else fail(path + ".kind", "expected make, give, add, remove, change, age or keep");
      v.sign = static_cast<int>(number(spec.value("sign", Json(0)), path + ".sign"));
      v.dim = spec.value("dim", std::string());
      v.years = number(spec.value("years", Json(10.0)), path + ".years");
      if ((v.kind == Verb::Kind::Change || v.kind == Verb::Kind::Age) && v.sign != 1 && v.sign != -1)
        fail(path + ".sign", "change and age verbs need sign 1 or -1");
      if (!v.dim.empty()) verb_dims_.push_back({v.dim, path + ".dim"});
      const int index = static_cast<int>(lex_->verbs_.size());
      lex_->verbs_.push_back(v);
      add_words(spec, id, {Role::Kind::Verb, index}, path);
    }
  }

  // --- cross references -----------------------------------------------------------------------
  void check_cross_references() {
    file_ = "adjectives.json";
    std::set<std::string> dims, values;
    for (const Feature& f : lex_->features_)
      for (const auto& [dim, rule] : f.dims) {
        dims.insert(dim);
        for (const auto& [value, b] : rule.values) values.insert(value);
      }
    for (const auto& [sense, path] : senses_to_check_) {
      if (!sense.dim.empty() && !dims.count(sense.dim))
        fail(path + ".dim", "'" + sense.dim + "' is a dimension of no feature" + suggest(sense.dim, {dims.begin(), dims.end()}));
      if (!sense.value.empty() && !values.count(sense.value)) fail(path + ".value", "'" + sense.value + "' is a value of no feature");
      for (const auto& list : {sense.implies, sense.denies})
        for (const std::string& id : list) {
          const int fi = lex_->feature_index(id);
          if (fi < 0 || lex_->features_[static_cast<std::size_t>(fi)].absence.empty())
            fail(path, "'" + id + "' is not a feature with presence/absence");
        }
      if (!sense.ancestry.empty()) ancestries_to_check_.push_back({sense.ancestry, path + ".ancestry"});
    }
    for (const auto& [id, path] : ancestries_to_check_) {
      bool found = false;
      for (const auto& a : lex_->ancestries_) found = found || a.id == id;
      if (!found) fail(path, "unknown ancestry '" + id + "'");
    }
    file_ = "verbs.json";
    for (const auto& [dim, path] : verb_dims_)
      if (!dims.count(dim) && !dimension_nouns_.count(dim)) fail(path, "'" + dim + "' is a dimension of no feature");
    file_ = "features.json";
    for (const Feature& f : lex_->features_)
      for (const auto& [word, o] : f.overrides) {
        bool known = false;
        for (const Role& r : lex_->roles(word))
          known = known || r.kind == Role::Kind::Adjective || r.kind == Role::Kind::Color || r.kind == Role::Kind::ColorModifier;
        if (!known) fail("features." + f.id + ".overrides." + word, "'" + word + "' is no adjective or colour");
      }
  }

  std::filesystem::path dir_;
  std::string file_;
  std::unique_ptr<Lexicon> lex_;
  std::set<std::string> dimension_nouns_;
  std::vector<std::pair<Sense, std::string>> senses_to_check_;
  std::vector<std::pair<std::string, std::string>> ancestries_to_check_;
  std::vector<std::pair<std::string, std::string>> verb_dims_;
};

std::shared_ptr<const Lexicon> Lexicon::load_default() {
  static std::mutex mutex;
  static std::shared_ptr<const Lexicon> cached;
  std::lock_guard<std::mutex> lock(mutex);
  if (!cached) cached = load(require_resource("lexicon"));
  return cached;
}

std::shared_ptr<const Lexicon> Lexicon::load(const std::filesystem::path& dir) { return LexiconLoader(dir).run(); }

const std::vector<Role>& Lexicon::roles(const std::string& phrase) const {
  auto it = roles_.find(phrase);
  return it == roles_.end() ? kNoRoles : it->second;
}

const Bundle& Lexicon::sex_bundle(const std::string& sex) const {
  static const Bundle empty;
  auto it = sex_bundles_.find(sex);
  return it == sex_bundles_.end() ? empty : it->second;
}

int Lexicon::feature_index(const std::string& id) const {
  for (std::size_t i = 0; i < features_.size(); ++i)
    if (features_[i].id == id) return static_cast<int>(i);
  return -1;
}

const Color* Lexicon::color(const std::string& id) const {
  for (const Color& c : colors_)
    if (c.id == id) return &c;
  return nullptr;
}

const AppearanceParam& Lexicon::param(const std::string& id) const {
  auto it = appearance_.find(id);
  if (it == appearance_.end()) throw InputError("unknown appearance parameter '" + id + "'");
  return it->second;
}

}  // namespace likeness::text
