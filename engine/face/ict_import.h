#pragma once
// Packs an upstream ICT-FaceKit FaceXModel folder (one OBJ per shape, about 400 MB) into the
// layout Likeness loads (see ../shared/assets/ict-facekit/README.md): the neutral OBJ, the
// materials, vertex_indices.json, and ict_facekit_shapes.safetensors holding neutral, identity,
// expression and pupil deltas (shape minus neutral) with their names in __metadata__.
#include <filesystem>
#include <functional>
#include <string>

namespace likeness::face {

struct IctImportReport {
  int vertices = 0;
  int identity_modes = 0;
  int expressions = 0;
  int pupil_shapes = 0;
  std::filesystem::path output;
};

/// Packs `facexmodel_dir` into `output_dir` (created; files written atomically). Identity modes
/// are identity000.obj, identity001.obj, ... up to the first missing; expressions follow the
/// "expressions" list of vertex_indices.json; PupilDilate_L/R.obj are optional. Throws InputError
/// naming the file at fault (missing shape, wrong vertex count, malformed OBJ).
IctImportReport import_ict(const std::filesystem::path& facexmodel_dir, const std::filesystem::path& output_dir,
                           const std::function<void(const std::string&)>& progress = {});

}  // namespace likeness::face
