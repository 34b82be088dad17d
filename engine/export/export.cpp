#include "engine/export/export.h"

#include <cctype>

#include "engine/core/error.h"
#include "engine/export/fbx_export.h"
#include "engine/export/gltf_export.h"
#include "engine/export/obj_export.h"

namespace likeness::exporter {

const char* to_string(ExportFormat format) {
  switch (format) {
    case ExportFormat::Glb: return "glb";
    case ExportFormat::Fbx: return "fbx";
    case ExportFormat::Obj: return "obj";
  }
  return "?";
}

ExportFormat format_by_name(const std::string& name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "glb" || lower == "gltf") return ExportFormat::Glb;
  if (lower == "fbx") return ExportFormat::Fbx;
  if (lower == "obj") return ExportFormat::Obj;
  throw InputError("unknown export format '" + name + "' (expected glb, fbx or obj)");
}

ExportResult export_scene(const ExportScene& input, ExportFormat format, const std::filesystem::path& folder, const ExportOptions& options) {
  input.validate();
  ExportScene scene = input;
  bake_textures(scene, options.bake);
  const std::string stem = options.stem.empty() ? scene.name : options.stem;
  if (stem.empty() || stem.find_first_of("/\\") != std::string::npos) throw InputError("export: file stem '" + stem + "' is not a plain name");
  std::filesystem::create_directories(folder);
  ExportResult result;
  switch (format) {
    case ExportFormat::Glb: {
      result.main = folder / (stem + ".glb");
      write_glb(scene, result.main);
      result.files = {result.main};
      break;
    }
    case ExportFormat::Fbx: {
      FbxOptions fbx;
      fbx.preset = options.preset;
      fbx.embed_textures = options.embed_textures;
      result.files = write_fbx(scene, folder / (stem + ".fbx"), fbx);
      result.main = result.files.front();
      break;
    }
    case ExportFormat::Obj: {
      ObjSceneOptions obj;
      obj.preset = options.preset;
      obj.write_shapes = options.obj_shapes;
      result.files = write_obj_scene(folder, stem, scene, obj);
      result.main = result.files.front();
      break;
    }
  }
  return result;
}

}  // namespace likeness::exporter
