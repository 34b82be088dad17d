#include "engine/face/face_model.h"

#include <ATen/ATen.h>

#include <mutex>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"
#include "engine/io/obj_reader.h"
#include "engine/io/safetensors.h"

namespace likeness::face {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> names_from_metadata(const io::SafetensorsFile& file, const std::string& key) {
  auto it = file.metadata().find(key);
  if (it == file.metadata().end()) return {};
  Json list = parse_json(it->second, file.path() + " __metadata__." + key);
  if (!list.is_array()) throw InputError(file.path() + ": __metadata__." + key + " is not a JSON list");
  return list.get<std::vector<std::string>>();
}

}  // namespace

std::shared_ptr<const FaceModel> FaceModel::load_default() {
  static std::mutex mutex;
  static std::shared_ptr<const FaceModel> cached;
  std::lock_guard<std::mutex> lock(mutex);
  if (!cached) cached = load(require_asset("ict-facekit/ict_facekit_shapes.safetensors").parent_path());
  return cached;
}

std::shared_ptr<const FaceModel> FaceModel::load(const fs::path& folder) {
  const fs::path shapes_path = folder / "ict_facekit_shapes.safetensors";
  const fs::path mesh_path = folder / "generic_neutral_mesh.obj";
  const fs::path config_path = folder / "vertex_indices.json";
  for (const fs::path& p : {shapes_path, mesh_path, config_path})
    if (!fs::exists(p)) throw AssetError("head model file missing: " + p.string());

  std::shared_ptr<FaceModel> model(new FaceModel());
  io::SafetensorsFile shapes = io::SafetensorsFile::open(shapes_path);
  model->neutral_ = shapes.tensor_checked("neutral", {-1, 3}).to(at::kFloat);
  model->vertex_count_ = static_cast<int>(model->neutral_.size(0));
  const long v = model->vertex_count_;
  model->identity_basis_ = shapes.tensor_checked("identity", {-1, v, 3}).to(at::kFloat);
  model->expression_basis_ = shapes.tensor_checked("expression", {-1, v, 3}).to(at::kFloat);
  model->identity_matrix_ = model->identity_basis_.reshape({model->identity_basis_.size(0), v * 3});
  model->expression_matrix_ = model->expression_basis_.reshape({model->expression_basis_.size(0), v * 3});

  const Json config = load_json_file(config_path);
  model->expression_names_ = json_field<std::vector<std::string>>(config, "expressions", config_path.string());
  if (static_cast<long>(model->expression_names_.size()) != model->expression_basis_.size(0))
    throw InputError(config_path.string() + ": lists " + std::to_string(model->expression_names_.size()) +
                     " expressions but " + shapes_path.string() + " holds " +
                     std::to_string(model->expression_basis_.size(0)));
  auto stored_names = names_from_metadata(shapes, "expression_names");
  if (!stored_names.empty() && stored_names != model->expression_names_)
    throw InputError(shapes_path.string() + ": expression order differs from " + config_path.string());
  auto landmarks = json_field<std::vector<int>>(config, "idx_to_landmark_verts", config_path.string());
  if (landmarks.size() != 68)
    throw InputError(config_path.string() + ": field 'idx_to_landmark_verts' has " + std::to_string(landmarks.size()) +
                     " entries, expected 68");
  for (std::size_t i = 0; i < 68; ++i) {
    if (landmarks[i] < 0 || landmarks[i] >= model->vertex_count_)
      throw InputError(config_path.string() + ": landmark " + std::to_string(i) + " vertex out of range");
    model->landmarks_[i] = landmarks[i];
  }
  model->landmark_index_ = at::tensor(std::vector<std::int64_t>(landmarks.begin(), landmarks.end()), at::kLong);

  io::ObjMesh mesh = io::read_obj(mesh_path);
  if (static_cast<long>(mesh.positions.size()) != v)
    throw InputError(mesh_path.string() + ": " + std::to_string(mesh.positions.size()) + " vertices, but " +
                     shapes_path.string() + " has " + std::to_string(v));
  model->topology_ = Topology::from_obj(mesh);

  // The part table describes the ICT topology; a model of another vertex count (a synthetic test
  // model, say) has no parts.
  const fs::path parts_path = require_resource("face/ict_model.json");
  const Json parts = load_json_file(parts_path);
  const bool ict_topology = json_field<int>(parts, "vertex_count", parts_path.string()) == model->vertex_count_;
  for (const Json& p : ict_topology ? json_field<Json>(parts, "parts", parts_path.string()) : Json::array()) {
    Part part;
    part.name = json_field<std::string>(p, "name", parts_path.string());
    part.vertex_begin = json_field<int>(p, "begin", parts_path.string());
    part.vertex_end = json_field<int>(p, "end", parts_path.string());
    if (part.vertex_begin < 0 || part.vertex_end > model->vertex_count_ || part.vertex_begin >= part.vertex_end)
      throw InputError(parts_path.string() + ": part '" + part.name + "' has an invalid vertex range");
    model->parts_.push_back(part);
  }
  return model;
}

int FaceModel::expression_index(const std::string& name) const {
  for (std::size_t i = 0; i < expression_names_.size(); ++i)
    if (expression_names_[i] == name) return static_cast<int>(i);
  return -1;
}

const Part& FaceModel::part(const std::string& name) const {
  std::string known;
  for (const Part& p : parts_) {
    if (p.name == name) return p;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  throw InputError("unknown head part '" + name + "' (known: " + known + ")");
}

at::Tensor FaceModel::vertices(const at::Tensor& identity, const at::Tensor& expression) const {
  const bool batched = identity.dim() == 2;
  const long v3 = static_cast<long>(vertex_count_) * 3;
  const long k = identity.size(-1);
  if (k > identity_matrix_.size(0))
    throw InputError("identity has " + std::to_string(k) + " coefficients; the model has " +
                     std::to_string(identity_matrix_.size(0)));
  // Work in the coefficients' precision (float32 normally; float64 for gradient checks).
  const at::ScalarType dtype = identity.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
  auto in_dtype = [dtype](const at::Tensor& t) { return t.scalar_type() == dtype ? t : t.to(dtype); };
  at::Tensor flat = at::matmul(in_dtype(identity), in_dtype(identity_matrix_.narrow(0, 0, k)));
  if (expression.defined() && expression.numel() > 0) {
    const long e = expression.size(-1);
    if (e != expression_matrix_.size(0))
      throw InputError("expression has " + std::to_string(e) + " weights; the model has " +
                       std::to_string(expression_matrix_.size(0)));
    flat = flat + at::matmul(in_dtype(expression), in_dtype(expression_matrix_));
  }
  flat = flat + in_dtype(neutral_).reshape({v3});
  return batched ? flat.reshape({identity.size(0), vertex_count_, 3}) : flat.reshape({vertex_count_, 3});
}

at::Tensor FaceModel::vertices(const at::Tensor& identity) const { return vertices(identity, at::Tensor()); }

at::Tensor FaceModel::vertex_normals(const at::Tensor& vertices) const {
  const bool batched = vertices.dim() == 3;
  at::Tensor pos = batched ? vertices : vertices.unsqueeze(0);
  const at::Tensor& tris = topology_.triangles;
  at::Tensor p0 = pos.index_select(1, tris.select(1, 0));
  at::Tensor p1 = pos.index_select(1, tris.select(1, 1));
  at::Tensor p2 = pos.index_select(1, tris.select(1, 2));
  at::Tensor face_normal = at::cross(p1 - p0, p2 - p0, -1);  // length = 2 * area: area weighting
  at::Tensor accum = at::zeros_like(pos);
  for (int corner = 0; corner < 3; ++corner) accum = accum.index_add(1, tris.select(1, corner), face_normal);
  at::Tensor length = accum.norm(2, -1, true);
  at::Tensor fallback = at::zeros_like(accum);
  fallback.select(-1, 2).fill_(1.0);
  at::Tensor normals = at::where(length > 1e-12, accum / length.clamp_min(1e-12), fallback);
  return batched ? normals : normals.squeeze(0);
}

at::Tensor FaceModel::landmark_positions(const at::Tensor& vertices) const {
  return vertices.index_select(vertices.dim() - 2, landmark_index_);
}

at::Tensor FaceModel::zero_identity() const { return at::zeros({identity_basis_.size(0)}, at::kFloat); }
at::Tensor FaceModel::zero_expression() const { return at::zeros({expression_basis_.size(0)}, at::kFloat); }

}  // namespace likeness::face
