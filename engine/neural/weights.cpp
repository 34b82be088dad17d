#include "engine/neural/weights.h"

#include <ATen/ATen.h>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/strings.h"
#include "engine/io/safetensors.h"

namespace likeness::neural {

namespace fs = std::filesystem;

namespace {

void add_file(TensorMap& map, const fs::path& file, const std::set<std::string>* only) {
  const io::SafetensorsFile st = io::SafetensorsFile::open(file);
  for (const io::TensorInfo& info : st.tensors()) {
    if (only && !only->count(info.name)) continue;
    if (map.contains(info.name))
      throw InputError(at_file(file.string(), "tensor '" + info.name + "' is also in " + map.source(info.name)));
    map.insert(info.name, st.tensor(info.name), file.string());
  }
}

}  // namespace

TensorMap TensorMap::open(const fs::path& path) {
  TensorMap map;
  if (!fs::is_regular_file(path)) throw InputError(at_file(path.string(), "no such weights file"));
  if (ends_with(path.filename().string(), ".index.json")) {
    // Sharded weights: {"weight_map": {"name": "shard file", ...}}.
    const Json index = load_json_file(path);
    if (!index.contains("weight_map") || !index.at("weight_map").is_object())
      throw_json_error(path.string(), "weight_map", "missing: not a sharded safetensors index");
    std::map<std::string, std::set<std::string>> by_shard;
    for (const auto& [name, shard] : index.at("weight_map").items()) {
      if (!shard.is_string()) throw_json_error(path.string(), "weight_map." + name, "expected a file name");
      by_shard[shard.get<std::string>()].insert(name);
    }
    for (const auto& [shard, names] : by_shard) {
      const fs::path file = path.parent_path() / shard;
      if (!fs::is_regular_file(file)) throw InputError(at_file(path.string(), "shard '" + shard + "' is missing"));
      add_file(map, file, &names);
      for (const std::string& n : names)
        if (!map.contains(n)) throw InputError(at_file(file.string(), "has no tensor '" + n + "' named by " + path.string()));
    }
    return map;
  }
  add_file(map, path, nullptr);
  return map;
}

void TensorMap::insert(const std::string& name, const at::Tensor& tensor, const std::string& source) {
  entries_[name] = Entry{tensor, source};
}

const at::Tensor& TensorMap::at(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) throw InputError(sources() + ": no tensor named '" + name + "'");
  return it->second.tensor;
}

const std::string& TensorMap::source(const std::string& name) const {
  static const std::string none;
  auto it = entries_.find(name);
  return it == entries_.end() ? none : it->second.source;
}

std::vector<std::string> TensorMap::names() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& [name, e] : entries_) out.push_back(name);
  return out;
}

ShapeMap TensorMap::shapes() const {
  ShapeMap out;
  for (const auto& [name, e] : entries_) out[name] = e.tensor.sizes().vec();
  return out;
}

TensorMap TensorMap::with_prefix(const std::string& prefix) const {
  TensorMap out;
  for (auto it = entries_.lower_bound(prefix); it != entries_.end() && starts_with(it->first, prefix); ++it)
    out.entries_[it->first.substr(prefix.size())] = it->second;
  return out;
}

bool TensorMap::has_prefix(const std::string& prefix) const {
  auto it = entries_.lower_bound(prefix);
  return it != entries_.end() && starts_with(it->first, prefix);
}

std::set<std::string> TensorMap::dtypes() const {
  std::set<std::string> out;
  for (const auto& [name, e] : entries_) out.insert(io::dtype_name(io::from_scalar_type(e.tensor.scalar_type())));
  return out;
}

std::string TensorMap::sources() const {
  std::set<std::string> files;
  for (const auto& [name, e] : entries_) files.insert(e.source);
  if (files.empty()) return "(no weights)";
  return join(std::vector<std::string>(files.begin(), files.end()), ", ");
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

namespace {
bool is_ignorable(const std::string& name, const std::set<std::string>& ignorable) {
  for (const std::string& i : ignorable)
    if (name == i || (!i.empty() && i.back() == '.' && starts_with(name, i))) return true;
  return false;
}

std::string sample(const std::vector<std::string>& items, std::size_t max_each) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max_each; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > max_each) out += ", ...";
  return out;
}
}  // namespace

WeightsMismatch compare_shapes(const ShapeMap& expected, const ShapeMap& found, const std::set<std::string>& ignorable) {
  WeightsMismatch m;
  for (const auto& [name, shape] : expected) {
    auto it = found.find(name);
    if (it == found.end())
      m.missing.push_back("'" + name + "'");
    else if (it->second != shape)
      m.wrong_shape.push_back("'" + name + "': expected " + shape_text(shape) + ", found " + shape_text(it->second));
  }
  for (const auto& [name, shape] : found)
    if (!expected.count(name) && !is_ignorable(name, ignorable)) m.unexpected.push_back("'" + name + "'");
  return m;
}

std::string WeightsMismatch::describe(std::size_t max_each) const {
  std::vector<std::string> parts;
  if (!missing.empty()) parts.push_back(std::to_string(missing.size()) + " missing (" + sample(missing, max_each) + ")");
  if (!wrong_shape.empty())
    parts.push_back(std::to_string(wrong_shape.size()) + " with the wrong shape (" + sample(wrong_shape, max_each) + ")");
  if (!unexpected.empty())
    parts.push_back(std::to_string(unexpected.size()) + " unexpected (" + sample(unexpected, max_each) + ")");
  return join(parts, "; ");
}

}  // namespace likeness::neural
