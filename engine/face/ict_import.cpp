#include "engine/face/ict_import.h"

#include <ATen/ATen.h>

#include <cstdio>
#include <utility>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/io/obj_reader.h"
#include "engine/io/safetensors.h"

namespace likeness::face {
namespace fs = std::filesystem;
namespace {

at::Tensor read_positions(const fs::path& path, long expected_vertices) {
  io::ObjMesh mesh = io::read_obj(path, {true});
  if (expected_vertices >= 0 && static_cast<long>(mesh.positions.size()) != expected_vertices)
    throw InputError(path.string() + ": " + std::to_string(mesh.positions.size()) + " vertices, expected " +
                     std::to_string(expected_vertices) + " (the neutral mesh's count)");
  at::Tensor t = at::empty({static_cast<long>(mesh.positions.size()), 3}, at::kFloat);
  std::memcpy(t.data_ptr<float>(), mesh.positions.data(), mesh.positions.size() * sizeof(float) * 3);
  return t;
}

std::string shape_name(int index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "identity%03d", index);
  return buf;
}

}  // namespace

IctImportReport import_ict(const fs::path& dir, const fs::path& out, const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  if (!fs::is_directory(dir)) throw InputError(dir.string() + ": not a folder (expected ICT-FaceKit's FaceXModel folder)");
  const fs::path neutral_path = dir / "generic_neutral_mesh.obj";
  const fs::path config_path = dir / "vertex_indices.json";
  for (const fs::path& p : {neutral_path, config_path})
    if (!fs::exists(p)) throw InputError(p.string() + ": missing (is this ICT-FaceKit's FaceXModel folder?)");

  // Validate the neutral mesh fully (it is copied as the topology).
  io::ObjMesh neutral_mesh = io::read_obj(neutral_path);
  const long v = static_cast<long>(neutral_mesh.positions.size());
  if (v == 0) throw InputError(neutral_path.string() + ": no vertices");
  at::Tensor neutral = read_positions(neutral_path, v);
  const Json config = load_json_file(config_path);
  const auto expressions = json_field<std::vector<std::string>>(config, "expressions", config_path.string());
  json_field<std::vector<int>>(config, "idx_to_landmark_verts", config_path.string());

  std::vector<at::Tensor> identity;
  std::vector<std::string> identity_names;
  for (int i = 0;; ++i) {
    fs::path p = dir / (shape_name(i) + ".obj");
    if (!fs::exists(p)) break;
    say("identity " + shape_name(i));
    identity.push_back(read_positions(p, v) - neutral);
    identity_names.push_back(shape_name(i));
  }
  if (identity.empty()) throw InputError((dir / "identity000.obj").string() + ": missing: no identity modes found");

  std::vector<at::Tensor> expression;
  for (const std::string& name : expressions) {
    fs::path p = dir / (name + ".obj");
    if (!fs::exists(p)) throw InputError(p.string() + ": missing, but vertex_indices.json lists expression '" + name + "'");
    say("expression " + name);
    expression.push_back(read_positions(p, v) - neutral);
  }
  std::vector<at::Tensor> pupil;
  std::vector<std::string> pupil_names;
  for (const char* name : {"PupilDilate_L", "PupilDilate_R"}) {
    fs::path p = dir / (std::string(name) + ".obj");
    if (!fs::exists(p)) continue;
    pupil.push_back(read_positions(p, v) - neutral);
    pupil_names.push_back(name);
  }

  std::vector<std::pair<std::string, at::Tensor>> tensors = {{"neutral", neutral}, {"identity", at::stack(identity)}};
  tensors.emplace_back("expression", expression.empty() ? at::zeros({0, v, 3}) : at::stack(expression));
  if (!pupil.empty()) tensors.emplace_back("pupil", at::stack(pupil));
  std::map<std::string, std::string> metadata = {
      {"source", "ICT-FaceKit FaceXModel, packed by likeness assets import-ict from " + fs::absolute(dir).string()},
      {"license", "MIT, Copyright (c) 2020 USC Institute for Creative Technologies"},
      {"identity_names", Json(identity_names).dump()},
      {"expression_names", Json(expressions).dump()},
      {"pupil_names", Json(pupil_names).dump()},
      {"units", "centimetres, as in the upstream OBJs"},
      {"layout", "deltas are shape minus generic_neutral_mesh, vertex order of generic_neutral_mesh.obj"}};

  fs::create_directories(out);
  say("writing " + (out / "ict_facekit_shapes.safetensors").string());
  io::save_safetensors(out / "ict_facekit_shapes.safetensors", tensors, metadata);
  write_file_atomic(out / "generic_neutral_mesh.obj", read_file(neutral_path));
  write_file_atomic(out / "vertex_indices.json", read_file(config_path));
  // The materials, the licence and upstream's README (as UPSTREAM_README.md): in FaceXModel or in
  // the repository root above it, where upstream keeps the last two.
  const std::pair<const char*, const char*> extras[] = {
      {"ICTFaceModelMaterial.mtl", "ICTFaceModelMaterial.mtl"}, {"LICENSE", "LICENSE"}, {"README.md", "UPSTREAM_README.md"}};
  for (const auto& [name, as] : extras)
    if (fs::exists(dir / name)) write_file_atomic(out / as, read_file(dir / name));
    else if (fs::exists(dir.parent_path() / name)) write_file_atomic(out / as, read_file(dir.parent_path() / name));
  write_file_atomic(out / "README.md",
                    "# ICT Face Model Light, packed by Likeness\n\nPacked from " + fs::absolute(dir).string() +
                        " by `likeness assets import-ict`. Layout as in Likeness's docs/formats.md: "
                        "ict_facekit_shapes.safetensors holds neutral [V,3], identity [K,V,3], expression [E,V,3] and "
                        "pupil [2,V,3] deltas (shape minus neutral, centimetres). MIT licence (see LICENSE); upstream "
                        "documentation in UPSTREAM_README.md.\n");
  IctImportReport report;
  report.vertices = static_cast<int>(v);
  report.identity_modes = static_cast<int>(identity.size());
  report.expressions = static_cast<int>(expression.size());
  report.pupil_shapes = static_cast<int>(pupil.size());
  report.output = out;
  return report;
}

}  // namespace likeness::face
