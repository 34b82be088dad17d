#pragma once
// A Wavefront OBJ reader for meshes with positions, UVs, polygons (any arity) and materials.
// Errors name the file and the line.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace likeness::io {

struct ObjMesh {
  std::vector<std::array<float, 3>> positions;
  std::vector<std::array<float, 2>> uvs;
  std::vector<std::array<float, 3>> normals;
  /// Polygons: face_offsets[f]..face_offsets[f+1] index into corner arrays.
  std::vector<std::uint32_t> face_offsets{0};
  std::vector<std::int32_t> corner_position;  ///< 0-based
  std::vector<std::int32_t> corner_uv;        ///< 0-based, -1 if none
  std::vector<std::int32_t> corner_normal;    ///< 0-based, -1 if none
  std::vector<std::int32_t> face_material;    ///< index into materials, -1 if none
  std::vector<std::string> materials;         ///< names in order of first `usemtl`
  std::string mtllib;

  std::size_t face_count() const { return face_offsets.size() - 1; }
};

struct ObjReadOptions {
  bool positions_only = false;  ///< skip everything but `v` lines (fast path for shape files)
};

/// Reads an OBJ file. Throws InputError "FILE:LINE: ..." on malformed input.
ObjMesh read_obj(const std::filesystem::path& path, const ObjReadOptions& options = {});

/// Parses OBJ text (`source` names it in errors).
ObjMesh parse_obj(const std::string& text, const std::string& source, const ObjReadOptions& options = {});

}  // namespace likeness::io
