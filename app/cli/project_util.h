#pragma once
// Project files from the command line: opening one with the recovery hint, and telling a project
// from a face folder or a state file.
#include <filesystem>
#include <string>

#include "engine/doc/document.h"

namespace likeness::cli {

/// Opens a project; a damaged one gets the `likeness recover` hint in its message.
doc::Document open_project(const std::string& path);

/// True if `path` names a project file: an existing file that starts with the project magic, or a
/// path ending in .likeness.
bool is_project_path(const std::filesystem::path& path);

}  // namespace likeness::cli
