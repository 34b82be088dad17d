#include "app/cli/project_util.h"

#include <fstream>

#include "engine/core/error.h"

namespace likeness::cli {

doc::Document open_project(const std::string& path) {
  try {
    return doc::Document::open(path);
  } catch (const doc::ProjectError& e) {
    if (!e.recoverable()) throw;
    throw InputError(std::string(e.what()) + " (`likeness recover " + path + " --out NEW.likeness` salvages the intact steps)");
  }
}

bool is_project_path(const std::filesystem::path& path) {
  if (path.extension() == doc::kProjectExtension) return true;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char magic[12] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == static_cast<std::streamsize>(sizeof magic) && std::string(magic + 1, 11) == "LIKENESSPRJ";
}

}  // namespace likeness::cli
