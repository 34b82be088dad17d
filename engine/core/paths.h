#pragma once
// Where Likeness finds its assets (head model, vocabularies, weights) and its own resources
// (lexicons, region definitions, shaders), and where it keeps user data.
//
// Asset search path, first match wins:
//   1. $LIKENESS_ASSETS (a colon-separated list of folders)
//   2. assets/ in the source checkout (ignored by git)
//   3. ../shared/assets beside the source checkout
//   4. the user data folder: $XDG_DATA_HOME/likeness/assets (default ~/.local/share/likeness/assets)
// With LIKENESS_ASSETS_ONLY=1 only the folders of $LIKENESS_ASSETS are searched.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace likeness {

namespace fs = std::filesystem;

/// The folders searched for assets, in order (existing or not).
std::vector<fs::path> asset_search_path();

/// Finds `relative` (e.g. "ict-facekit/generic_neutral_mesh.obj") on the asset search path.
std::optional<fs::path> find_asset(const fs::path& relative);

/// Like find_asset, but throws AssetError listing every folder searched.
fs::path require_asset(const fs::path& relative);

/// The folder that holds Likeness's own resources: $LIKENESS_RESOURCES, the checkout's
/// resources/, or the installed share/likeness/resources.
fs::path resource_dir();

/// resource_dir() / relative, throwing AssetError if it does not exist.
fs::path require_resource(const fs::path& relative);

/// The user data folder ($XDG_DATA_HOME/likeness or ~/.local/share/likeness).
fs::path user_data_dir();

/// The user config folder ($XDG_CONFIG_HOME/likeness or ~/.config/likeness).
fs::path user_config_dir();

/// The folder of the running executable (empty if unknown).
fs::path executable_dir();

}  // namespace likeness
