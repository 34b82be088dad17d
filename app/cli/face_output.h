#pragma once
// Writing a generated or edited face into a folder, the way `likeness generate` and `likeness edit`
// leave it: the editable state (state.safetensors, the input of the next `likeness edit`), the
// head as OBJ + MTL with its UDIM texture maps, a preview contact sheet (front, three-quarter,
// profile) and a report (understanding.json) of what the text was understood as and what the
// face now measures.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace likeness::state {
struct FaceState;
}
namespace likeness::optim {
class Pipeline;
struct Outcome;
}  // namespace likeness::optim

namespace likeness::cli {

struct FaceFolderOptions {
  bool textures = true;  ///< write texture maps (at the state's texture resolution)
  bool exr = false;      ///< also linear EXR albedo
  int preview_size = 384;  ///< side of each preview view; 0: no preview
};

/// Writes the folder (created if needed; every file atomically) and returns a JSON summary of the
/// files and figures (also saved as understanding.json).
nlohmann::json write_face_folder(const std::filesystem::path& folder, const optim::Pipeline& pipeline,
                                 const optim::Outcome& outcome, const FaceFolderOptions& options, const std::string& command);

/// The report alone (what was understood, each target and what was reached, the optimization's
/// figures), without writing anything.
nlohmann::json face_report(const optim::Pipeline& pipeline, const optim::Outcome& outcome, const std::string& command);

/// The conventional state file of a face folder (folder/state.safetensors), or `path` itself when
/// it is a file.
std::filesystem::path state_file_of(const std::filesystem::path& path);

}  // namespace likeness::cli
