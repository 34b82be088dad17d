#include "engine/face/regions.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>
#include <set>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"
#include "engine/core/strings.h"
#include "engine/face/face_model.h"
#include "engine/face/uv_bake.h"

namespace likeness::face {
namespace {

using Vec3 = std::array<float, 3>;
using Values = std::vector<float>;

float soft_step(float signed_distance, float falloff) {
  if (falloff <= 0) return signed_distance >= 0 ? 1.0f : 0.0f;
  float t = std::clamp(0.5f + signed_distance / falloff, 0.0f, 1.0f);
  return t * t * (3.0f - 2.0f * t);
}

Vec3 sample_position(const RegionSamples& s, std::size_t i) {
  return {s.position[3 * i], s.position[3 * i + 1], s.position[3 * i + 2]};
}
Vec3 sample_normal(const RegionSamples& s, std::size_t i) {
  return {s.normal[3 * i], s.normal[3 * i + 1], s.normal[3 * i + 2]};
}

}  // namespace

/// One node of a region definition, evaluated over all samples at once.
struct RegionSet::Node {
  virtual ~Node() = default;
  virtual Values eval(const RegionSamples& s) const = 0;
};

namespace {

using Node = RegionSet::Node;
using NodePtr = std::unique_ptr<Node>;

struct Polygon : Node {
  std::vector<std::array<float, 2>> pts;
  int ax = 0, ay = 1;  // projected axes
  float falloff = 0;
  Values eval(const RegionSamples& s) const override {
    Values out(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      Vec3 p = sample_position(s, i);
      float x = p[static_cast<std::size_t>(ax)], y = p[static_cast<std::size_t>(ay)];
      bool inside = false;
      float best = 1e30f;
      for (std::size_t a = 0, b = pts.size() - 1; a < pts.size(); b = a++) {
        const auto& pa = pts[a];
        const auto& pb = pts[b];
        if ((pa[1] > y) != (pb[1] > y) && x < (pb[0] - pa[0]) * (y - pa[1]) / (pb[1] - pa[1]) + pa[0]) inside = !inside;
        float ex = pb[0] - pa[0], ey = pb[1] - pa[1];
        float len2 = ex * ex + ey * ey;
        float t = len2 > 0 ? std::clamp(((x - pa[0]) * ex + (y - pa[1]) * ey) / len2, 0.0f, 1.0f) : 0.0f;
        float dx = x - (pa[0] + t * ex), dy = y - (pa[1] + t * ey);
        best = std::min(best, dx * dx + dy * dy);
      }
      float d = std::sqrt(best);
      out[i] = soft_step(inside ? d : -d, falloff);
    }
    return out;
  }
};

struct Capsule : Node {
  std::vector<Vec3> pts;
  float radius = 0, falloff = 0;
  int drop_axis = -1;  // with a view, distances ignore this axis (2D capsule)
  Values eval(const RegionSamples& s) const override {
    Values out(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      Vec3 p = sample_position(s, i);
      if (drop_axis >= 0) p[static_cast<std::size_t>(drop_axis)] = 0.0f;
      float best = 1e30f;
      for (std::size_t k = 0; k + 1 < pts.size() || (pts.size() == 1 && k == 0); ++k) {
        const Vec3& a = pts[k];
        const Vec3& b = pts.size() == 1 ? pts[k] : pts[k + 1];
        Vec3 e{b[0] - a[0], b[1] - a[1], b[2] - a[2]};
        float len2 = e[0] * e[0] + e[1] * e[1] + e[2] * e[2];
        float t = len2 > 0 ? std::clamp(((p[0] - a[0]) * e[0] + (p[1] - a[1]) * e[1] + (p[2] - a[2]) * e[2]) / len2, 0.0f, 1.0f) : 0.0f;
        float dx = p[0] - (a[0] + t * e[0]), dy = p[1] - (a[1] + t * e[1]), dz = p[2] - (a[2] + t * e[2]);
        best = std::min(best, dx * dx + dy * dy + dz * dz);
        if (pts.size() == 1) break;
      }
      out[i] = soft_step(radius - std::sqrt(best), falloff);
    }
    return out;
  }
};

struct Ellipsoid : Node {
  Vec3 center{}, radii{1, 1, 1};
  float falloff = 0;
  Values eval(const RegionSamples& s) const override {
    Values out(s.size());
    const float r_min = std::min({radii[0], radii[1], radii[2]});
    for (std::size_t i = 0; i < s.size(); ++i) {
      Vec3 p = sample_position(s, i);
      float q = 0;
      for (int k = 0; k < 3; ++k) {
        float d = (p[static_cast<std::size_t>(k)] - center[static_cast<std::size_t>(k)]) / radii[static_cast<std::size_t>(k)];
        q += d * d;
      }
      out[i] = soft_step((1.0f - std::sqrt(q)) * r_min, falloff);
    }
    return out;
  }
};

struct Halfspace : Node {
  Vec3 point{}, normal{0, 1, 0};
  float falloff = 0;
  Values eval(const RegionSamples& s) const override {
    Values out(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      Vec3 p = sample_position(s, i);
      float d = (p[0] - point[0]) * normal[0] + (p[1] - point[1]) * normal[1] + (p[2] - point[2]) * normal[2];
      out[i] = soft_step(d, falloff);
    }
    return out;
  }
};

struct Facing : Node {
  Vec3 direction{0, 0, 1};
  float min_cos = 0, falloff = 0;
  Values eval(const RegionSamples& s) const override {
    Values out(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      Vec3 n = sample_normal(s, i);
      out[i] = soft_step(n[0] * direction[0] + n[1] * direction[1] + n[2] * direction[2] - min_cos, falloff);
    }
    return out;
  }
};

struct Parts : Node {
  std::uint32_t mask = 0;
  Values eval(const RegionSamples& s) const override {
    Values out(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) out[i] = (s.parts[i] & mask) ? 1.0f : 0.0f;
    return out;
  }
};

struct Combine : Node {
  enum Op { All, Any, Minus } op = All;
  std::vector<NodePtr> children;
  Values eval(const RegionSamples& s) const override {
    Values out = children[0]->eval(s);
    for (std::size_t c = 1; c < children.size(); ++c) {
      Values v = children[c]->eval(s);
      for (std::size_t i = 0; i < out.size(); ++i) {
        if (op == All) out[i] *= v[i];
        else if (op == Any) out[i] = std::max(out[i], v[i]);
        else out[i] *= 1.0f - v[i];
      }
    }
    return out;
  }
};

struct Not : Node {
  NodePtr child;
  Values eval(const RegionSamples& s) const override {
    Values out = child->eval(s);
    for (float& v : out) v = 1.0f - v;
    return out;
  }
};

struct Scale : Node {
  NodePtr child;
  float factor = 1;
  Values eval(const RegionSamples& s) const override {
    Values out = child->eval(s);
    for (float& v : out) v = std::clamp(v * factor, 0.0f, 1.0f);
    return out;
  }
};

struct Mirror : Node {
  NodePtr child;
  Values eval(const RegionSamples& s) const override {
    Values out = child->eval(s);
    RegionSamples m = s;
    for (std::size_t i = 0; i < m.size(); ++i) {
      m.position[3 * i] = -m.position[3 * i];
      m.normal[3 * i] = -m.normal[3 * i];
    }
    Values mirrored = child->eval(m);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = std::max(out[i], mirrored[i]);
    return out;
  }
};

struct RegionRef : Node {
  const Node* target = nullptr;
  Values eval(const RegionSamples& s) const override { return target->eval(s); }
};

/// Turns region JSON into nodes; errors name the file and the region.
class Parser {
public:
  Parser(const FaceModel& model, const at::Tensor& normals, std::string source, const Json& regions)
      : model_(model), normals_(normals), source_(std::move(source)), regions_(regions) {}

  NodePtr parse(const std::string& region, const Json& shape, std::map<std::string, std::unique_ptr<Node>>& done,
                std::set<std::string>& visiting) {
    region_ = region;
    if (!shape.is_object() || shape.empty()) fail("a shape must be a non-empty object, found " + shape.dump());
    if (shape.contains("polygon")) {
      auto node = std::make_unique<Polygon>();
      std::string view = shape.value("view", "front");
      if (view == "front") node->ax = 0, node->ay = 1;
      else if (view == "side") node->ax = 2, node->ay = 1;
      else if (view == "top") node->ax = 0, node->ay = 2;
      else fail("view '" + view + "' is not front, side or top");
      for (const Json& p : shape["polygon"]) {
        Vec3 q = point(p);
        node->pts.push_back({q[static_cast<std::size_t>(node->ax)], q[static_cast<std::size_t>(node->ay)]});
      }
      if (node->pts.size() < 3) fail("a polygon needs at least 3 points");
      node->falloff = number(shape, "falloff", 0.5f);
      return node;
    }
    if (shape.contains("capsule")) {
      auto node = std::make_unique<Capsule>();
      if (shape.contains("view")) {
        std::string view = shape["view"].get<std::string>();
        node->drop_axis = view == "front" ? 2 : view == "side" ? 0 : view == "top" ? 1 : -2;
        if (node->drop_axis == -2) fail("view '" + view + "' is not front, side or top");
      }
      for (const Json& p : shape["capsule"]) {
        Vec3 q = point(p);
        if (node->drop_axis >= 0) q[static_cast<std::size_t>(node->drop_axis)] = 0.0f;
        node->pts.push_back(q);
      }
      if (node->pts.empty()) fail("a capsule needs at least 1 point");
      node->radius = number(shape, "radius", 0.5f);
      node->falloff = number(shape, "falloff", 0.5f);
      return node;
    }
    if (shape.contains("ellipsoid")) {
      auto node = std::make_unique<Ellipsoid>();
      node->center = point(shape["ellipsoid"]);
      const Json& r = shape.contains("radii") ? shape["radii"] : Json();
      if (!r.is_array() || r.size() != 3) fail("an ellipsoid needs radii [rx, ry, rz]");
      for (std::size_t k = 0; k < 3; ++k) {
        node->radii[k] = r[k].get<float>();
        if (node->radii[k] <= 0) fail("ellipsoid radii must be positive");
      }
      node->falloff = number(shape, "falloff", 0.5f);
      return node;
    }
    if (shape.contains("halfspace")) {
      auto node = std::make_unique<Halfspace>();
      node->point = point(shape["halfspace"]);
      node->normal = unit(shape, "normal");
      node->falloff = number(shape, "falloff", 0.5f);
      return node;
    }
    if (shape.contains("facing")) {
      auto node = std::make_unique<Facing>();
      node->direction = unit(shape, "facing");
      node->min_cos = number(shape, "min", 0.0f);
      node->falloff = number(shape, "falloff", 0.2f);
      return node;
    }
    if (shape.contains("parts")) {
      auto node = std::make_unique<Parts>();
      for (const Json& name : shape["parts"]) {
        bool found = false;
        for (std::size_t i = 0; i < model_.parts().size(); ++i)
          if (model_.parts()[i].name == name.get<std::string>()) {
            node->mask |= 1u << i;
            found = true;
          }
        if (!found) fail("unknown part '" + name.get<std::string>() + "'");
      }
      return node;
    }
    for (auto [key, op] : {std::pair{"all", Combine::All}, std::pair{"any", Combine::Any}, std::pair{"minus", Combine::Minus}}) {
      if (!shape.contains(key)) continue;
      auto node = std::make_unique<Combine>();
      node->op = op;
      if (!shape[key].is_array() || shape[key].empty()) fail(std::string("'") + key + "' needs a non-empty list");
      for (const Json& c : shape[key]) node->children.push_back(parse(region, c, done, visiting));
      region_ = region;
      return node;
    }
    if (shape.contains("not")) {
      auto node = std::make_unique<Not>();
      node->child = parse(region, shape["not"], done, visiting);
      return node;
    }
    if (shape.contains("mirror")) {
      auto node = std::make_unique<Mirror>();
      node->child = parse(region, shape["mirror"], done, visiting);
      return node;
    }
    if (shape.contains("scale")) {
      auto node = std::make_unique<Scale>();
      node->factor = number(shape, "scale", 1.0f);
      if (!shape.contains("of")) fail("'scale' needs 'of'");
      node->child = parse(region, shape["of"], done, visiting);
      return node;
    }
    if (shape.contains("region")) {
      std::string name = shape["region"].get<std::string>();
      auto node = std::make_unique<RegionRef>();
      node->target = resolve(name, done, visiting);
      region_ = region;
      return node;
    }
    fail("unknown shape " + shape.dump().substr(0, 80));
  }

  const Node* resolve(const std::string& name, std::map<std::string, std::unique_ptr<Node>>& done,
                      std::set<std::string>& visiting) {
    if (auto it = done.find(name); it != done.end()) return it->second.get();
    if (!regions_.contains(name)) fail("refers to unknown region '" + name + "'");
    if (!visiting.insert(name).second) fail("region '" + name + "' refers to itself");
    std::string saved = region_;
    NodePtr node = parse(name, json_field<Json>(regions_[name], "shape", source_ + " region '" + name + "'"), done, visiting);
    region_ = saved;
    visiting.erase(name);
    const Node* raw = node.get();
    done[name] = std::move(node);
    return raw;
  }

private:
  [[noreturn]] void fail(const std::string& message) const {
    throw InputError(source_ + ": region '" + region_ + "': " + message);
  }

  float number(const Json& shape, const char* key, float fallback) const {
    if (!shape.contains(key)) return fallback;
    if (!shape[key].is_number()) fail(std::string("'") + key + "' must be a number");
    return shape[key].get<float>();
  }

  Vec3 unit(const Json& shape, const char* key) const {
    if (!shape.contains(key) || !shape[key].is_array() || shape[key].size() != 3) fail(std::string("'") + key + "' must be [x, y, z]");
    Vec3 v{shape[key][0].get<float>(), shape[key][1].get<float>(), shape[key][2].get<float>()};
    float len = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (len <= 0) fail(std::string("'") + key + "' must not be zero");
    return {v[0] / len, v[1] / len, v[2] / len};
  }

  Vec3 vertex(long index) const {
    if (index < 0 || index >= model_.vertex_count()) fail("vertex " + std::to_string(index) + " out of range");
    auto n = model_.neutral().accessor<float, 2>();
    return {n[index][0], n[index][1], n[index][2]};
  }

  Vec3 point(const Json& p) const {
    if (p.is_string()) {
      const std::string s = p.get<std::string>();
      try {
        if (starts_with(s, "lm")) {
          long i = std::stol(s.substr(2));
          if (i < 0 || i >= 68) fail("landmark " + s + " out of range (lm0..lm67)");
          return vertex(model_.landmarks()[static_cast<std::size_t>(i)]);
        }
        if (starts_with(s, "v")) return vertex(std::stol(s.substr(1)));
      } catch (const std::invalid_argument&) {
      }
      fail("point '" + s + "' is not lmN or vN");
    }
    if (p.is_array() && p.size() == 3 && p[0].is_number()) return {p[0].get<float>(), p[1].get<float>(), p[2].get<float>()};
    if (p.is_object() && p.contains("lerp")) {
      const Json& l = p["lerp"];
      if (!l.is_array() || l.size() != 3) fail("'lerp' needs [a, b, t]");
      Vec3 a = point(l[0]), b = point(l[1]);
      float t = l[2].get<float>();
      return {a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])};
    }
    if (p.is_object() && p.contains("at")) {
      Vec3 a = point(p["at"]);
      if (p.contains("offset")) {
        const Json& o = p["offset"];
        if (!o.is_array() || o.size() != 3) fail("'offset' needs [dx, dy, dz]");
        for (std::size_t k = 0; k < 3; ++k) a[k] += o[k].get<float>();
      }
      return a;
    }
    fail("cannot read point " + p.dump());
  }

  const FaceModel& model_;
  const at::Tensor& normals_;
  std::string source_;
  const Json& regions_;
  std::string region_;
};

}  // namespace

RegionSet::~RegionSet() = default;

std::shared_ptr<const RegionSet> RegionSet::load_default(const std::shared_ptr<const FaceModel>& model) {
  static std::mutex mutex;
  static std::map<const FaceModel*, std::weak_ptr<const RegionSet>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto hit = cache[model.get()].lock()) return hit;
  auto set = load(model, require_resource("face/regions.json"));
  cache[model.get()] = set;
  return set;
}

std::shared_ptr<const RegionSet> RegionSet::load(const std::shared_ptr<const FaceModel>& model,
                                                 const std::filesystem::path& definitions) {
  const std::string source = definitions.string();
  const Json root = load_json_file(definitions);
  const Json regions = json_field<Json>(root, "regions", source);
  if (!regions.is_object()) throw InputError(source + ": 'regions' must be an object");
  std::shared_ptr<RegionSet> set(new RegionSet());
  set->model_ = model;
  set->neutral_normals_ = model->vertex_normals(model->neutral());

  Parser parser(*model, set->neutral_normals_, source, regions);
  std::map<std::string, std::unique_ptr<Node>> done;
  std::set<std::string> visiting;
  // Keep file order: nlohmann's object is sorted, so read the order list if present.
  std::vector<std::string> order = json_field_or<std::vector<std::string>>(root, "order", {}, source);
  for (const auto& item : regions.items())
    if (std::find(order.begin(), order.end(), item.key()) == order.end()) order.push_back(item.key());
  for (const std::string& name : order) {
    if (!regions.contains(name)) throw InputError(source + ": 'order' names unknown region '" + name + "'");
    parser.resolve(name, done, visiting);
    set->kinds_[name] = json_field_or<std::string>(regions[name], "kind", "skin", source + " region '" + name + "'");
    set->names_.push_back(name);
  }
  set->shapes_ = std::move(done);
  const Json groups = json_field_or<Json>(root, "groups", Json::object(), source);
  for (const auto& g : groups.items()) {
    if (set->shapes_.count(g.key())) throw InputError(source + ": group '" + g.key() + "' has a region's name");
    auto members = g.value().get<std::vector<std::string>>();
    for (const std::string& m : members)
      if (!set->shapes_.count(m)) throw InputError(source + ": group '" + g.key() + "' names unknown region '" + m + "'");
    set->groups_[g.key()] = members;
    set->kinds_[g.key()] = "group";
    set->names_.push_back(g.key());
  }
  set->vertex_masks_ = set->evaluate(set->names_, set->vertex_samples());
  return set;
}

bool RegionSet::contains(const std::string& name) const { return shapes_.count(name) || groups_.count(name); }
bool RegionSet::is_group(const std::string& name) const { return groups_.count(name) > 0; }

std::vector<std::string> RegionSet::members(const std::string& name) const {
  index(name);
  if (auto it = groups_.find(name); it != groups_.end()) return it->second;
  return {name};
}

std::string RegionSet::kind(const std::string& name) const {
  index(name);
  return kinds_.at(name);
}

int RegionSet::index(const std::string& name) const {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<int>(i);
  auto near = closest_words(name, names_, 3);
  throw InputError("unknown region '" + name + "'" + (near.empty() ? "" : " (did you mean " + join(near, ", ") + "?)"));
}

at::Tensor RegionSet::vertex_mask(const std::string& name) const { return vertex_masks_.select(1, index(name)); }

at::Tensor RegionSet::vertex_map(const std::map<std::string, float>& weights) const {
  at::Tensor out = at::zeros({vertex_masks_.size(0)}, at::kFloat);
  for (const auto& [name, w] : weights) out = at::maximum(out, vertex_mask(name) * w);
  return out;
}

RegionSamples RegionSet::vertex_samples() const {
  RegionSamples s;
  const long v = model_->vertex_count();
  at::Tensor pos = model_->neutral().contiguous();
  at::Tensor nrm = neutral_normals_.contiguous();
  s.position.assign(pos.data_ptr<float>(), pos.data_ptr<float>() + v * 3);
  s.normal.assign(nrm.data_ptr<float>(), nrm.data_ptr<float>() + v * 3);
  s.parts.assign(static_cast<std::size_t>(v), 0);
  for (std::size_t p = 0; p < model_->parts().size(); ++p)
    for (int i = model_->parts()[p].vertex_begin; i < model_->parts()[p].vertex_end; ++i)
      s.parts[static_cast<std::size_t>(i)] |= 1u << p;
  return s;
}

RegionSamples RegionSet::texel_samples(const UvRaster& raster) const {
  const Topology& topo = model_->topology();
  at::Tensor pos = bake_vertex_attribute(raster, topo, model_->neutral()).reshape({-1, 3}).contiguous();
  at::Tensor nrm = bake_vertex_attribute(raster, topo, neutral_normals_).reshape({-1, 3});
  nrm = (nrm / nrm.norm(2, 1, true).clamp_min(1e-8)).contiguous();
  RegionSamples s;
  s.position.assign(pos.data_ptr<float>(), pos.data_ptr<float>() + pos.numel());
  s.normal.assign(nrm.data_ptr<float>(), nrm.data_ptr<float>() + nrm.numel());
  // A texel's parts are those all three corners of its triangle share (the first corner's where
  // they share none), so triangles bridging two parts do not leak one part's regions into the other.
  RegionSamples vertices = vertex_samples();
  at::Tensor tri = raster.triangle.reshape({-1}).contiguous();
  auto tris = topo.triangles.accessor<std::int64_t, 2>();
  const std::int64_t* t = tri.data_ptr<std::int64_t>();
  s.parts.resize(static_cast<std::size_t>(tri.numel()));
  for (std::int64_t i = 0; i < tri.numel(); ++i)
  {
    if (t[i] < 0) {
      s.parts[static_cast<std::size_t>(i)] = 0u;
      continue;
    }
    std::uint32_t a = vertices.parts[static_cast<std::size_t>(tris[t[i]][0])];
    std::uint32_t shared = a & vertices.parts[static_cast<std::size_t>(tris[t[i]][1])] & vertices.parts[static_cast<std::size_t>(tris[t[i]][2])];
    s.parts[static_cast<std::size_t>(i)] = shared ? shared : a;
  }
  return s;
}

at::Tensor RegionSet::evaluate(const std::vector<std::string>& names, const RegionSamples& samples) const {
  const long n = static_cast<long>(samples.size());
  at::Tensor out = at::zeros({n, static_cast<long>(names.size())}, at::kFloat);
  auto acc = out.accessor<float, 2>();
  std::map<std::string, Values> computed;
  auto values_of = [&](const std::string& region) -> const Values& {
    auto it = computed.find(region);
    if (it == computed.end()) it = computed.emplace(region, shapes_.at(region)->eval(samples)).first;
    return it->second;
  };
  for (std::size_t k = 0; k < names.size(); ++k) {
    index(names[k]);
    for (const std::string& member : members(names[k])) {
      const Values& v = values_of(member);
      for (long i = 0; i < n; ++i) acc[i][static_cast<long>(k)] = std::max(acc[i][static_cast<long>(k)], v[static_cast<std::size_t>(i)]);
    }
  }
  return out;
}

at::Tensor RegionSet::uv_masks(const std::vector<std::string>& names, int tile, int resolution) const {
  UvRaster raster = rasterize_uv(model_->topology(), tile, resolution);
  at::Tensor values = evaluate(names, texel_samples(raster));  // [H*W, N]
  values = values * raster.coverage().reshape({-1, 1}).to(at::kFloat);
  return values.t().reshape({static_cast<long>(names.size()), resolution, resolution}).contiguous();
}

at::Tensor RegionSet::uv_map(const std::map<std::string, float>& weights, int tile, int resolution) const {
  std::vector<std::string> names;
  for (const auto& [name, w] : weights) names.push_back(name);
  at::Tensor masks = uv_masks(names, tile, resolution);
  at::Tensor out = at::zeros({resolution, resolution}, at::kFloat);
  long k = 0;
  for (const auto& [name, w] : weights) out = at::maximum(out, masks[k++] * w);
  return out;
}

}  // namespace likeness::face
