#include "engine/appearance/parameters.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "engine/appearance/detail/prior.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"
#include "engine/core/strings.h"

namespace likeness::appearance {

namespace {

std::string suggestion(const std::string& word, const std::vector<std::string>& names) {
  std::vector<std::string> close = closest_words(word, names, 3, 6);
  if (close.empty()) return "";
  return " (did you mean " + join(close, ", ") + "?)";
}

// Shortest readable form: 5, 0.25, 120.5.
std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

}  // namespace

Sex parse_sex(const std::string& word) {
  const std::string w = to_lower_ascii(trim(word));
  if (w == "female" || w == "f" || w == "woman" || w == "women") return Sex::Female;
  if (w == "male" || w == "m" || w == "man" || w == "men") return Sex::Male;
  if (w == "any" || w.empty()) return Sex::Any;
  throw InputError("unknown sex '" + word + "' (use female, male or any)");
}

std::string to_string(Sex sex) {
  switch (sex) {
    case Sex::Female: return "female";
    case Sex::Male: return "male";
    default: return "any";
  }
}

std::string to_hex(const std::array<float, 3>& srgb) {
  static const char* digits = "0123456789abcdef";
  std::string out = "#";
  for (float c : srgb) {
    const float clamped = std::isfinite(c) ? std::clamp(c, 0.0f, 1.0f) : 0.0f;
    const int v = static_cast<int>(std::lround(clamped * 255.0f));
    out += digits[v >> 4];
    out += digits[v & 15];
  }
  return out;
}

std::optional<std::array<float, 3>> parse_hex(const std::string& text) {
  std::string_view t = trim(text);
  if (!t.empty() && t.front() == '#') t.remove_prefix(1);
  if (t.size() != 6) return std::nullopt;
  std::array<float, 3> out{};
  for (int c = 0; c < 3; ++c) {
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      const char ch = t[static_cast<std::size_t>(2 * c + k)];
      int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + d;
    }
    out[static_cast<std::size_t>(c)] = static_cast<float>(v) / 255.0f;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Schema

struct AppearanceSchema::Prior {
  detail::PriorRule rule;
};

AppearanceSchema::~AppearanceSchema() = default;

std::shared_ptr<const AppearanceSchema> AppearanceSchema::load_default() {
  static std::mutex mutex;
  static std::shared_ptr<const AppearanceSchema> schema;
  std::lock_guard<std::mutex> lock(mutex);
  if (!schema) schema = load(require_resource("appearance/parameters.json"));
  return schema;
}

std::shared_ptr<const AppearanceSchema> AppearanceSchema::load(const std::filesystem::path& path) {
  return parse(read_file(path), path.string());
}

std::shared_ptr<const AppearanceSchema> AppearanceSchema::parse(const std::string& text, const std::string& source) {
  Json root = parse_json(text, source);
  if (!root.is_object() || !root.contains("parameters") || !root["parameters"].is_array())
    throw_json_error(source, "parameters", "expected an array of parameter objects");
  std::shared_ptr<AppearanceSchema> schema(new AppearanceSchema());
  std::map<std::string, int> seen;
  int offset = 0;
  for (const Json& p : root["parameters"]) {
    ParameterSpec spec;
    spec.id = json_field<std::string>(p, "id", source);
    const std::string field = "parameters." + spec.id;
    if (spec.id.empty()) throw_json_error(source, "parameters.id", "empty id");
    if (seen.count(spec.id)) throw_json_error(source, field, "duplicate parameter");
    const std::string kind = json_field<std::string>(p, "kind", source);
    if (kind == "scalar") {
      spec.kind = ParameterSpec::Kind::Scalar;
      if (!p.contains("range") || !p["range"].is_array() || p["range"].size() != 2 || !p["range"][0].is_number() ||
          !p["range"][1].is_number())
        throw_json_error(source, field + ".range", "expected [min, max]");
      spec.min = p["range"][0].get<float>();
      spec.max = p["range"][1].get<float>();
      if (!(spec.min < spec.max)) throw_json_error(source, field + ".range", "min must be below max");
      if (!p.contains("default") || !p["default"].is_number()) throw_json_error(source, field + ".default", "expected a number");
      const float d = p["default"].get<float>();
      if (d < spec.min || d > spec.max) throw_json_error(source, field + ".default", "outside the range");
      spec.default_value = {d, 0.0f, 0.0f};
    } else if (kind == "color") {
      spec.kind = ParameterSpec::Kind::Color;
      spec.min = 0.0f;
      spec.max = 1.0f;
      if (!p.contains("default") || !p["default"].is_string()) throw_json_error(source, field + ".default", "expected \"#rrggbb\"");
      auto rgb = parse_hex(p["default"].get<std::string>());
      if (!rgb) throw_json_error(source, field + ".default", "expected \"#rrggbb\"");
      spec.default_value = *rgb;
    } else {
      throw_json_error(source, field + ".kind", "expected \"scalar\" or \"color\", not \"" + kind + "\"");
    }
    spec.unit = json_field_or<std::string>(p, "unit", "", source);
    spec.about = json_field_or<std::string>(p, "about", "", source);
    spec.regions = json_field_or<std::vector<std::string>>(p, "regions", {}, source);
    spec.offset = offset;
    offset += spec.width();
    seen[spec.id] = static_cast<int>(schema->specs_.size());
    schema->specs_.push_back(spec);
  }
  schema->size_ = offset;
  if (schema->specs_.empty()) throw_json_error(source, "parameters", "no parameters");
  // Priors reference other parameters, so they are parsed once every id is known.
  std::size_t k = 0;
  for (const Json& p : root["parameters"]) {
    const ParameterSpec& spec = schema->specs_[k++];
    auto prior = std::make_unique<Prior>();
    if (p.contains("prior"))
      prior->rule = detail::parse_prior(p["prior"], spec, seen, source, "parameters." + spec.id + ".prior");
    else
      prior->rule = detail::default_prior(spec);
    schema->priors_.push_back(std::move(prior));
  }
  std::vector<const detail::PriorRule*> rules;
  for (const auto& pr : schema->priors_) rules.push_back(&pr->rule);
  detail::check_prior_order(schema->specs_, rules, source);
  return schema;
}

std::vector<std::string> AppearanceSchema::names() const {
  std::vector<std::string> out;
  for (const auto& s : specs_) out.push_back(s.id);
  return out;
}

std::vector<std::string> AppearanceSchema::entry_names() const {
  std::vector<std::string> out;
  for (const auto& s : specs_) {
    if (s.is_color()) {
      for (const char* c : {".r", ".g", ".b"}) out.push_back(s.id + c);
    } else {
      out.push_back(s.id);
    }
  }
  return out;
}

bool AppearanceSchema::contains(const std::string& id) const {
  return std::any_of(specs_.begin(), specs_.end(), [&](const ParameterSpec& s) { return s.id == id; });
}

int AppearanceSchema::index(const std::string& id) const {
  for (std::size_t i = 0; i < specs_.size(); ++i)
    if (specs_[i].id == id) return static_cast<int>(i);
  throw InputError("unknown appearance parameter '" + id + "'" + suggestion(id, names()));
}

const ParameterSpec& AppearanceSchema::spec(const std::string& id) const {
  return specs_[static_cast<std::size_t>(index(id))];
}

at::Tensor AppearanceSchema::lower_bounds() const {
  at::Tensor out = at::empty({size_}, at::kFloat);
  float* p = out.data_ptr<float>();
  for (const auto& s : specs_)
    for (int c = 0; c < s.width(); ++c) p[s.offset + c] = s.min;
  return out;
}

at::Tensor AppearanceSchema::upper_bounds() const {
  at::Tensor out = at::empty({size_}, at::kFloat);
  float* p = out.data_ptr<float>();
  for (const auto& s : specs_)
    for (int c = 0; c < s.width(); ++c) p[s.offset + c] = s.max;
  return out;
}

at::Tensor AppearanceSchema::defaults() const {
  at::Tensor out = at::empty({size_}, at::kFloat);
  float* p = out.data_ptr<float>();
  for (const auto& s : specs_)
    for (int c = 0; c < s.width(); ++c) p[s.offset + c] = s.default_value[static_cast<std::size_t>(c)];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parameter vectors

AppearanceParams::AppearanceParams() : AppearanceParams(AppearanceSchema::load_default()) {}

AppearanceParams::AppearanceParams(std::shared_ptr<const AppearanceSchema> schema) : schema_(std::move(schema)) {
  if (!schema_) schema_ = AppearanceSchema::load_default();
  values = schema_->defaults();
}

AppearanceParams AppearanceParams::from_tensor(std::shared_ptr<const AppearanceSchema> schema, const at::Tensor& values) {
  AppearanceParams p(std::move(schema));
  if (!values.defined() || values.dim() != 1 || values.size(0) != p.schema_->size())
    throw InputError("appearance parameters: expected a tensor [" + std::to_string(p.schema_->size()) + "], got " +
                     (values.defined() ? std::to_string(values.numel()) + " values" : std::string("none")));
  if (values.scalar_type() != at::kFloat) throw InputError("appearance parameters: expected float32 values");
  p.values = values;
  return p;
}

float AppearanceParams::get(const std::string& id) const {
  const ParameterSpec& s = schema_->spec(id);
  if (s.is_color()) throw InputError("appearance parameter '" + id + "' is a colour; use get_color");
  return values.detach()[s.offset].item<float>();
}

std::array<float, 3> AppearanceParams::get_color(const std::string& id) const {
  const ParameterSpec& s = schema_->spec(id);
  if (!s.is_color()) throw InputError("appearance parameter '" + id + "' is a scalar; use get");
  at::Tensor v = values.detach().narrow(0, s.offset, 3).contiguous();
  return {v[0].item<float>(), v[1].item<float>(), v[2].item<float>()};
}

namespace {

void write_entries(at::Tensor& values, int offset, const std::vector<float>& entries) {
  at::Tensor update = at::tensor(entries, at::kFloat);
  if (values.requires_grad() || values.grad_fn()) {
    at::Tensor copy = values.clone();
    copy.narrow(0, offset, static_cast<long>(entries.size())).copy_(update);
    values = copy;
  } else {
    values.narrow(0, offset, static_cast<long>(entries.size())).copy_(update);
  }
}

}  // namespace

void AppearanceParams::set(const std::string& id, float value) {
  const ParameterSpec& s = schema_->spec(id);
  if (s.is_color()) throw InputError("appearance parameter '" + id + "' is a colour; use set_color");
  write_entries(values, s.offset, {value});
}

void AppearanceParams::set_color(const std::string& id, const std::array<float, 3>& srgb) {
  const ParameterSpec& s = schema_->spec(id);
  if (!s.is_color()) throw InputError("appearance parameter '" + id + "' is a scalar; use set");
  write_entries(values, s.offset, {srgb[0], srgb[1], srgb[2]});
}

void AppearanceParams::validate(const std::string& source) const {
  const std::string prefix = source.empty() ? "" : source + ": ";
  if (!values.defined() || values.dim() != 1 || values.size(0) != schema_->size())
    throw InputError(prefix + "appearance parameters: expected " + std::to_string(schema_->size()) + " values");
  at::Tensor v = values.detach().to(at::kFloat).contiguous();
  const float* p = v.data_ptr<float>();
  static const char* channel[] = {"red", "green", "blue"};
  for (const auto& s : schema_->parameters()) {
    for (int c = 0; c < s.width(); ++c) {
      const float x = p[s.offset + c];
      const std::string what = s.is_color() ? "appearance parameter '" + s.id + "' (" + channel[c] + ")" : "appearance parameter '" + s.id + "'";
      if (!std::isfinite(x)) throw InputError(prefix + what + " is not a finite number");
      if (x < s.min || x > s.max)
        throw InputError(prefix + what + " = " + number(x) + " is out of range " + number(s.min) + ".." + number(s.max) +
                         (s.unit.empty() || s.unit == "fraction" || s.unit == "index" ? "" : " " + s.unit));
    }
  }
}

AppearanceParams AppearanceParams::clamped() const {
  AppearanceParams out(schema_);
  at::Tensor v = values.detach().to(at::kFloat).clone().contiguous();
  at::Tensor d = schema_->defaults();
  v = at::where(at::isfinite(v), v, d);
  out.values = at::minimum(at::maximum(v, schema_->lower_bounds()), schema_->upper_bounds()).contiguous();
  return out;
}

AppearanceParams AppearanceParams::clone() const {
  AppearanceParams out(schema_);
  out.values = values.detach().clone();
  return out;
}

Sex AppearanceParams::sampled_sex(std::uint64_t seed) { return detail::draw_sex(seed); }

AppearanceParams AppearanceParams::sample_prior(std::uint64_t seed, Sex sex, std::shared_ptr<const AppearanceSchema> schema) {
  if (!schema) schema = AppearanceSchema::load_default();
  if (sex == Sex::Any) sex = detail::draw_sex(seed);
  std::vector<const detail::PriorRule*> rules;
  for (const auto& pr : schema->priors_) rules.push_back(&pr->rule);
  std::vector<float> entries = detail::sample(schema->specs_, rules, schema->size_, seed, sex);
  AppearanceParams out(schema);
  out.values = at::tensor(entries, at::kFloat);
  return out;
}

nlohmann::json AppearanceParams::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  at::Tensor v = values.detach().to(at::kFloat).contiguous();
  const float* p = v.data_ptr<float>();
  for (const auto& s : schema_->parameters()) {
    if (s.is_color())
      out[s.id] = {p[s.offset], p[s.offset + 1], p[s.offset + 2]};
    else
      out[s.id] = p[s.offset];
  }
  return out;
}

AppearanceParams AppearanceParams::from_json(const nlohmann::json& object, const std::string& source,
                                             std::shared_ptr<const AppearanceSchema> schema) {
  if (!schema) schema = AppearanceSchema::load_default();
  if (!object.is_object()) throw InputError(at_file(source, "appearance: expected an object of parameter values"));
  AppearanceParams out(schema);
  for (const auto& [id, value] : object.items()) {
    if (!schema->contains(id))
      throw InputError(at_file(source, "unknown appearance parameter '" + id + "'" + suggestion(id, schema->names())));
    const ParameterSpec& s = schema->spec(id);
    if (s.is_color()) {
      std::array<float, 3> rgb{};
      if (value.is_string()) {
        auto parsed = parse_hex(value.get<std::string>());
        if (!parsed) throw_json_error(source, id, "expected \"#rrggbb\" or [r, g, b], got \"" + value.get<std::string>() + "\"");
        rgb = *parsed;
      } else if (value.is_array() && value.size() == 3 && value[0].is_number() && value[1].is_number() && value[2].is_number()) {
        rgb = {value[0].get<float>(), value[1].get<float>(), value[2].get<float>()};
      } else {
        throw_json_error(source, id, "expected \"#rrggbb\" or [r, g, b]");
      }
      out.set_color(id, rgb);
    } else {
      if (!value.is_number()) throw_json_error(source, id, "expected a number");
      out.set(id, value.get<float>());
    }
  }
  out.validate(source);
  return out;
}

}  // namespace likeness::appearance
