#include "engine/face/measurements.h"

#include <ATen/ATen.h>

#include <cmath>
#include <map>
#include <mutex>
#include <numbers>
#include <set>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"
#include "engine/core/strings.h"
#include "engine/face/face_model.h"

namespace likeness::face {

/// One expression node; positions are [B, S, 3] in required-vertex order, results [B].
struct Measurements::Node {
  enum Kind { Distance, Offset, Tilt, LineDistance, Mean, Sum, Ratio, GeoMean } kind = Distance;
  std::vector<std::vector<long>> points;  // each point: subset indices averaged
  int axis = 0;
  std::vector<at::Tensor> point_index;  // points as index tensors, made once
  std::vector<const Node*> children;

  at::Tensor point(const at::Tensor& pos, std::size_t i) const {
    at::Tensor sel = pos.index_select(1, point_index[i]);
    return points[i].size() == 1 ? sel.select(1, 0) : sel.mean(1);
  }

  at::Tensor eval(const at::Tensor& pos) const {
    switch (kind) {
      case Distance: return (point(pos, 1) - point(pos, 0)).norm(2, -1);
      case Offset: return (point(pos, 1) - point(pos, 0)).select(-1, axis);
      case Tilt: {
        at::Tensor d = point(pos, 1) - point(pos, 0);
        return at::atan2(d.select(-1, 1), d.select(-1, 0).abs()) * (180.0 / std::numbers::pi);
      }
      case LineDistance: {
        at::Tensor p = point(pos, 0), a = point(pos, 1), b = point(pos, 2);
        at::Tensor ab = b - a;
        return at::cross(p - a, ab, -1).norm(2, -1) / ab.norm(2, -1);
      }
      case Mean:
      case Sum: {
        at::Tensor total = children[0]->eval(pos);
        for (std::size_t c = 1; c < children.size(); ++c) total = total + children[c]->eval(pos);
        return kind == Mean ? total / static_cast<double>(children.size()) : total;
      }
      case Ratio: return children[0]->eval(pos) / children[1]->eval(pos);
      case GeoMean: {
        at::Tensor log_sum = children[0]->eval(pos).clamp_min(1e-6).log();
        for (std::size_t c = 1; c < children.size(); ++c) log_sum = log_sum + children[c]->eval(pos).clamp_min(1e-6).log();
        return (log_sum / static_cast<double>(children.size())).exp();
      }
    }
    return {};
  }
};

namespace {

using Node = Measurements::Node;

class Builder {
public:
  Builder(const FaceModel& model, std::string source, const Json& root) : model_(model), source_(std::move(source)) {
    points_ = json_field_or<Json>(root, "points", Json::object(), source_);
    for (const Json& m : json_field<Json>(root, "measurements", source_)) {
      std::string id = json_field<std::string>(m, "id", source_);
      if (specs_.count(id)) throw InputError(source_ + ": measurement '" + id + "' is defined twice");
      specs_[id] = m;
      order_.push_back(id);
    }
  }

  const std::vector<std::string>& order() const { return order_; }
  const Json& spec(const std::string& id) const { return specs_.at(id); }

  const Node* named(const std::string& id) {
    if (auto it = built_.find(id); it != built_.end()) return it->second;
    if (!specs_.count(id)) fail(id, "refers to unknown measurement '" + id + "'");
    if (!visiting_.insert(id).second) fail(id, "refers to itself");
    const Node* node = build(id, specs_[id]);
    visiting_.erase(id);
    built_[id] = node;
    return node;
  }

  std::vector<std::unique_ptr<Node>> take_nodes() { return std::move(nodes_); }
  std::vector<long> required() const { return {vertices_.begin(), vertices_.end()}; }
  void remap(const std::map<long, long>& to_subset) {
    for (auto& n : nodes_)
      for (auto& p : n->points) {
        for (long& v : p) v = to_subset.at(v);
        n->point_index.push_back(at::tensor(p, at::kLong));
      }
  }

private:
  [[noreturn]] void fail(const std::string& id, const std::string& message) const {
    throw InputError(source_ + ": measurement '" + id + "': " + message);
  }

  std::vector<long> resolve_point(const std::string& id, const Json& p, int depth = 0) {
    if (depth > 4) fail(id, "point definitions nest too deeply");
    if (p.is_object() && p.contains("mean")) {
      std::vector<long> all;
      for (const Json& q : p["mean"]) {
        auto r = resolve_point(id, q, depth + 1);
        all.insert(all.end(), r.begin(), r.end());
      }
      if (all.empty()) fail(id, "empty mean of points");
      return all;
    }
    if (!p.is_string()) fail(id, "a point must be lmN, vN, a named point or {\"mean\": [...]}");
    std::string s = p.get<std::string>();
    if (points_.contains(s)) return resolve_point(id, points_[s], depth + 1);
    long vertex = -1;
    try {
      if (starts_with(s, "lm")) {
        long i = std::stol(s.substr(2));
        if (i < 0 || i >= 68) fail(id, "landmark '" + s + "' out of range");
        vertex = model_.landmarks()[static_cast<std::size_t>(i)];
      } else if (starts_with(s, "v")) {
        vertex = std::stol(s.substr(1));
      }
    } catch (const std::invalid_argument&) {
    }
    if (vertex < 0 || vertex >= model_.vertex_count()) fail(id, "unknown point '" + s + "'");
    vertices_.insert(vertex);
    return {vertex};
  }

  const Node* build(const std::string& id, const Json& m) {
    auto node = std::make_unique<Node>();
    std::string type = json_field<std::string>(m, "type", source_ + " measurement '" + id + "'");
    static const std::map<std::string, std::pair<Node::Kind, int>> point_kinds = {
        {"distance", {Node::Distance, 2}}, {"offset", {Node::Offset, 2}}, {"tilt", {Node::Tilt, 2}},
        {"line_distance", {Node::LineDistance, 3}}};
    static const std::map<std::string, Node::Kind> combine_kinds = {
        {"mean", Node::Mean}, {"sum", Node::Sum}, {"ratio", Node::Ratio}, {"geomean", Node::GeoMean}};
    if (auto it = point_kinds.find(type); it != point_kinds.end()) {
      node->kind = it->second.first;
      const Json& pts = m.contains("points") ? m["points"] : Json();
      if (!pts.is_array() || static_cast<int>(pts.size()) != it->second.second)
        fail(id, "'" + type + "' needs " + std::to_string(it->second.second) + " points");
      for (const Json& p : pts) node->points.push_back(resolve_point(id, p));
      if (node->kind == Node::Offset) {
        std::string axis = json_field<std::string>(m, "axis", source_ + " measurement '" + id + "'");
        if (axis != "x" && axis != "y" && axis != "z") fail(id, "axis must be x, y or z");
        node->axis = axis[0] - 'x';
      }
    } else if (auto ct = combine_kinds.find(type); ct != combine_kinds.end()) {
      node->kind = ct->second;
      const Json& of = m.contains("of") ? m["of"] : Json();
      if (!of.is_array() || of.empty()) fail(id, "'" + type + "' needs a non-empty 'of' list");
      if (node->kind == Node::Ratio && of.size() != 2) fail(id, "'ratio' needs exactly 2 terms");
      for (const Json& term : of) node->children.push_back(term.is_string() ? named(term.get<std::string>()) : build(id, term));
    } else {
      fail(id, "unknown type '" + type + "'");
    }
    nodes_.push_back(std::move(node));
    return nodes_.back().get();
  }

  const FaceModel& model_;
  std::string source_;
  Json points_;
  std::map<std::string, Json> specs_;
  std::vector<std::string> order_;
  std::map<std::string, const Node*> built_;
  std::set<std::string> visiting_;
  std::set<long> vertices_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace

Measurements::~Measurements() = default;

std::shared_ptr<const Measurements> Measurements::load_default(const std::shared_ptr<const FaceModel>& model) {
  static std::mutex mutex;
  static std::map<const FaceModel*, std::weak_ptr<const Measurements>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto hit = cache[model.get()].lock()) return hit;
  auto m = load(model, require_resource("face/measurements.json"));
  cache[model.get()] = m;
  return m;
}

std::shared_ptr<const Measurements> Measurements::load(const std::shared_ptr<const FaceModel>& model,
                                                       const std::filesystem::path& definitions) {
  const std::string source = definitions.string();
  Builder builder(*model, source, load_json_file(definitions));
  std::shared_ptr<Measurements> out(new Measurements());
  std::vector<const Node*> roots;
  for (const std::string& id : builder.order()) {
    const Json& spec = builder.spec(id);
    MeasurementInfo info;
    info.id = id;
    info.label = json_field_or<std::string>(spec, "label", id, source);
    info.unit = json_field_or<std::string>(spec, "unit", "cm", source);
    info.regions = json_field_or<std::vector<std::string>>(spec, "regions", {}, source);
    out->infos_.push_back(info);
    roots.push_back(builder.named(id));
  }
  std::vector<long> required = builder.required();
  std::map<long, long> to_subset;
  for (std::size_t i = 0; i < required.size(); ++i) to_subset[required[i]] = static_cast<long>(i);
  builder.remap(to_subset);
  out->nodes_ = builder.take_nodes();
  out->roots_ = roots;
  out->required_ = at::tensor(required, at::kLong);
  return out;
}

int Measurements::index(const std::string& id) const {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < infos_.size(); ++i) {
    if (infos_[i].id == id) return static_cast<int>(i);
    ids.push_back(infos_[i].id);
  }
  auto near = closest_words(id, ids, 3, 4);
  throw InputError("unknown measurement '" + id + "'" + (near.empty() ? "" : " (did you mean " + join(near, ", ") + "?)"));
}

at::Tensor Measurements::compute_from_subset(const at::Tensor& subset) const {
  const bool batched = subset.dim() == 3;
  at::Tensor pos = batched ? subset : subset.unsqueeze(0);
  std::vector<at::Tensor> values;
  values.reserve(roots_.size());
  for (const Node* node : roots_) values.push_back(node->eval(pos));
  at::Tensor out = at::stack(values, 1);
  return batched ? out : out.squeeze(0);
}

at::Tensor Measurements::compute(const at::Tensor& vertices) const {
  return compute_from_subset(vertices.index_select(vertices.dim() - 2, required_));
}

}  // namespace likeness::face
