#include "engine/neural/model_registry.h"

#include <chrono>
#include <ctime>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"

namespace likeness::neural {

namespace fs = std::filesystem;

namespace {

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

void check_name(const std::string& name) {
  if (name.empty()) throw InputError("model name: empty");
  if (name.size() > 100) throw InputError("model name '" + name.substr(0, 20) + "...': longer than 100 characters");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) throw InputError("model name '" + name + "': contains a control character");
  if (name.front() == '-') throw InputError("model name '" + name + "': may not start with '-'");
}

}  // namespace

RegisteredModel RegisteredModel::from_report(const WeightsReport& report, const std::string& name) {
  RegisteredModel m;
  const fs::path absolute = fs::absolute(report.path).lexically_normal();
  std::string fallback = absolute.filename().string();
  if (fallback.empty()) fallback = absolute.parent_path().filename().string();
  if (!fs::is_directory(absolute)) fallback = absolute.stem().string();
  m.name = name.empty() ? fallback : name;
  check_name(m.name);
  m.path = absolute.string();
  m.layout = report.layout;
  m.family = report.family;
  for (const auto& p : report.pieces) m.pieces.push_back(p.name);
  m.features = report.features;
  m.added = utc_now();
  return m;
}

fs::path ModelRegistry::default_file() { return user_config_dir() / "models.json"; }

ModelRegistry ModelRegistry::load(const fs::path& file) {
  ModelRegistry r;
  r.file_ = file;
  if (!fs::exists(file)) return r;
  const Json j = load_json_file(file);
  const std::string source = file.string();
  if (!j.is_object()) throw InputError(at_file(source, "expected a JSON object"));
  const int version = json_field<int>(j, "version", source);
  if (version != 1) throw_json_error(source, "version", "version " + std::to_string(version) + " is not known (1)");
  const Json models = json_field<Json>(j, "models", source);
  if (!models.is_array()) throw_json_error(source, "models", "expected a list");
  for (std::size_t i = 0; i < models.size(); ++i) {
    const Json& e = models[i];
    const std::string where = source + ": models[" + std::to_string(i) + "]";
    RegisteredModel m;
    m.name = json_field<std::string>(e, "name", where);
    m.path = json_field<std::string>(e, "path", where);
    m.layout = json_field_or<std::string>(e, "layout", "", where);
    m.family = json_field_or<std::string>(e, "family", "", where);
    m.pieces = json_field_or<std::vector<std::string>>(e, "pieces", {}, where);
    m.features = json_field_or<std::vector<std::string>>(e, "features", {}, where);
    m.added = json_field_or<std::string>(e, "added", "", where);
    r.models_.push_back(m);
  }
  return r;
}

const RegisteredModel* ModelRegistry::find(const std::string& name) const {
  for (const auto& m : models_)
    if (m.name == name) return &m;
  return nullptr;
}

void ModelRegistry::add(const RegisteredModel& model) {
  check_name(model.name);
  std::erase_if(models_, [&](const RegisteredModel& m) { return m.name == model.name || m.path == model.path; });
  models_.push_back(model);
}

bool ModelRegistry::remove(const std::string& name) { return std::erase_if(models_, [&](const auto& m) { return m.name == name; }) > 0; }

void ModelRegistry::save() const {
  Json models = Json::array();
  for (const auto& m : models_)
    models.push_back({{"name", m.name},     {"path", m.path},         {"layout", m.layout}, {"family", m.family},
                      {"pieces", m.pieces}, {"features", m.features}, {"added", m.added}});
  if (!file_.parent_path().empty()) fs::create_directories(file_.parent_path());
  save_json_file(file_, Json{{"version", 1}, {"models", models}});
}

}  // namespace likeness::neural
