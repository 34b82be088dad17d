#include "engine/state/face_state.h"

#include <ATen/ATen.h>

#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "engine/io/safetensors.h"

namespace likeness::state {

FaceState FaceState::neutral(int identity_count, int expression_count, int vertex_count) {
  FaceState s;
  s.identity = at::zeros({identity_count}, at::kFloat);
  s.expression = at::zeros({expression_count}, at::kFloat);
  s.pose = at::zeros({6}, at::kFloat);
  s.displacement = at::zeros({vertex_count, 3}, at::kFloat);
  s.appearance = at::zeros({0}, at::kFloat);
  return s;
}

FaceState FaceState::clone() const {
  FaceState c = *this;
  for (at::Tensor* t : {&c.identity, &c.expression, &c.pose, &c.displacement, &c.appearance, &c.albedo_residual,
                        &c.normal_residual, &c.painted_mask})
    if (t->defined()) *t = t->detach().clone();
  return c;
}

std::size_t FaceState::bytes() const {
  std::size_t total = 0;
  for (const auto& [name, t] : tensors()) total += static_cast<std::size_t>(t.numel()) * t.element_size();
  return total;
}

std::vector<std::pair<std::string, at::Tensor>> FaceState::tensors() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  auto add = [&](const char* name, const at::Tensor& t) {
    if (t.defined()) out.emplace_back(name, t.detach());
  };
  add("identity", identity);
  add("expression", expression);
  add("pose", pose);
  add("displacement", displacement);
  add("appearance", appearance);
  add("albedo_residual", albedo_residual);
  add("normal_residual", normal_residual);
  add("painted_mask", painted_mask);
  return out;
}

std::map<std::string, std::string> FaceState::metadata() const {
  return {{"likeness_state_version", "1"},
          {"appearance_names", nlohmann::json(appearance_names).dump()},
          {"seed", std::to_string(seed)},
          {"texture_resolution", std::to_string(texture_resolution)}};
}

namespace {

[[noreturn]] void fail(const std::string& source, const std::string& field, const std::string& what) {
  throw InputError(source + ": state field '" + field + "': " + what);
}

void check(const at::Tensor& t, const std::string& source, const std::string& field, std::vector<long> shape,
           bool required) {
  if (!t.defined()) {
    if (required) fail(source, field, "missing");
    return;
  }
  if (t.scalar_type() != at::kFloat) fail(source, field, std::string("must be float32, found ") + c10::toString(t.scalar_type()));
  bool ok = t.dim() == static_cast<long>(shape.size());
  for (std::size_t i = 0; ok && i < shape.size(); ++i) ok = shape[i] < 0 || t.size(static_cast<long>(i)) == shape[i];
  if (!ok) fail(source, field, "has shape " + c10::str(t.sizes()) + ", expected " + c10::str(at::IntArrayRef(shape)) + " (-1: any)");
  if (t.numel() > 0 && !at::isfinite(t).all().item<bool>()) fail(source, field, "holds NaN or infinity");
}

}  // namespace

void FaceState::validate(const std::string& source) const {
  check(identity, source, "identity", {-1}, true);
  check(expression, source, "expression", {-1}, true);
  check(pose, source, "pose", {6}, true);
  check(displacement, source, "displacement", {-1, 3}, true);
  check(appearance, source, "appearance", {static_cast<long>(appearance_names.size())}, true);
  check(albedo_residual, source, "albedo_residual", {8, -1, -1, 3}, false);
  check(normal_residual, source, "normal_residual", {8, -1, -1, 3}, false);
  check(painted_mask, source, "painted_mask", {displacement.size(0)}, false);
  if (expression.numel() > 0 && (expression.min().item<float>() < -1e-4f || expression.max().item<float>() > 1 + 1e-4f))
    fail(source, "expression", "weights must lie in [0, 1]");
  if (texture_resolution < 16 || texture_resolution > 8192) fail(source, "texture_resolution", "out of range 16..8192");
}

FaceState FaceState::from_parts(const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                                const std::map<std::string, std::string>& metadata, const std::string& source) {
  FaceState s;
  std::map<std::string, at::Tensor*> slots = {
      {"identity", &s.identity},           {"expression", &s.expression},       {"pose", &s.pose},
      {"displacement", &s.displacement},   {"appearance", &s.appearance},       {"albedo_residual", &s.albedo_residual},
      {"normal_residual", &s.normal_residual}, {"painted_mask", &s.painted_mask}};
  for (const auto& [name, t] : tensors) {
    auto it = slots.find(name);
    if (it == slots.end()) fail(source, name, "unknown field");
    *it->second = t.scalar_type() == at::kFloat ? t.contiguous() : t.to(at::kFloat).contiguous();
  }
  auto meta = [&](const char* key) -> const std::string& {
    auto it = metadata.find(key);
    if (it == metadata.end()) fail(source, key, "missing from the metadata");
    return it->second;
  };
  const std::string& version = meta("likeness_state_version");
  if (version != "1") fail(source, "likeness_state_version", "version " + version + " is newer than this Likeness understands (1)");
  try {
    s.appearance_names = nlohmann::json::parse(meta("appearance_names")).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    fail(source, "appearance_names", std::string("not a JSON list of names: ") + e.what());
  }
  const std::string& seed = meta("seed");
  const std::string& resolution = meta("texture_resolution");
  try {
    s.seed = std::stoull(seed);
  } catch (const std::exception&) {
    fail(source, "seed", "'" + seed + "' is not a number");
  }
  try {
    s.texture_resolution = std::stoi(resolution);
  } catch (const std::exception&) {
    fail(source, "texture_resolution", "'" + resolution + "' is not a number");
  }
  if (!s.pose.defined()) s.pose = at::zeros({6}, at::kFloat);
  if (!s.appearance.defined()) s.appearance = at::zeros({0}, at::kFloat);
  s.validate(source);
  return s;
}

bool equal(const FaceState& a, const FaceState& b) {
  auto ta = a.tensors(), tb = b.tensors();
  if (ta.size() != tb.size()) return false;
  for (std::size_t i = 0; i < ta.size(); ++i)
    if (ta[i].first != tb[i].first || ta[i].second.sizes() != tb[i].second.sizes() || !at::equal(ta[i].second, tb[i].second))
      return false;
  return a.appearance_names == b.appearance_names && a.seed == b.seed && a.texture_resolution == b.texture_resolution;
}

void save_state(const std::string& path, const FaceState& state) {
  state.validate(path);
  io::save_safetensors(path, state.tensors(), state.metadata());
}

FaceState load_state(const std::string& path) {
  io::SafetensorsFile file = io::SafetensorsFile::open(path);
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& name : file.names()) tensors.emplace_back(name, file.tensor(name).clone());
  return FaceState::from_parts(tensors, file.metadata(), path);
}

}  // namespace likeness::state
