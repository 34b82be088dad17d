#include "engine/core/paths.h"

#include <cstdlib>
#include <sstream>

#include "engine/core/error.h"
#include "likeness_build_config.h"

namespace likeness {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

fs::path home_dir() {
  std::string home = env("HOME");
  return home.empty() ? fs::temp_directory_path() : fs::path(home);
}

std::vector<fs::path> split_path_list(const std::string& list) {
  std::vector<fs::path> out;
  std::stringstream stream(list);
  std::string item;
  while (std::getline(stream, item, ':'))
    if (!item.empty()) out.emplace_back(item);
  return out;
}

}  // namespace

fs::path executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

fs::path user_data_dir() {
  std::string xdg = env("XDG_DATA_HOME");
  return (xdg.empty() ? home_dir() / ".local" / "share" : fs::path(xdg)) / "likeness";
}

fs::path user_config_dir() {
  std::string xdg = env("XDG_CONFIG_HOME");
  return (xdg.empty() ? home_dir() / ".config" : fs::path(xdg)) / "likeness";
}

std::vector<fs::path> asset_search_path() {
  std::vector<fs::path> path = split_path_list(env("LIKENESS_ASSETS"));
  if (env("LIKENESS_ASSETS_ONLY") == "1") return path;
  const fs::path source(LIKENESS_SOURCE_DIR);
  path.push_back(source / "assets");
  path.push_back(source.parent_path() / "shared" / "assets");
  path.push_back(user_data_dir() / "assets");
  return path;
}

std::optional<fs::path> find_asset(const fs::path& relative) {
  std::error_code ec;
  for (const fs::path& dir : asset_search_path()) {
    fs::path candidate = dir / relative;
    if (fs::exists(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

fs::path require_asset(const fs::path& relative) {
  if (auto found = find_asset(relative)) return *found;
  std::string searched;
  for (const fs::path& dir : asset_search_path()) searched += "\n  " + dir.string();
  throw AssetError("asset '" + relative.string() + "' not found; searched:" + searched +
                   "\nSet LIKENESS_ASSETS, or run scripts/setup.sh to fetch the assets.");
}

fs::path resource_dir() {
  std::string override_dir = env("LIKENESS_RESOURCES");
  if (!override_dir.empty()) return override_dir;
  std::error_code ec;
  const fs::path source = fs::path(LIKENESS_SOURCE_DIR) / "resources";
  if (fs::exists(source / "README.md", ec)) return source;
  const fs::path beside_exe = executable_dir() / ".." / "share" / "likeness" / "resources";
  if (fs::exists(beside_exe, ec)) return fs::weakly_canonical(beside_exe);
  return fs::path(LIKENESS_INSTALL_DATADIR) / "resources";
}

fs::path require_resource(const fs::path& relative) {
  fs::path path = resource_dir() / relative;
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw AssetError("resource '" + relative.string() + "' not found in " + resource_dir().string() +
                     " (set LIKENESS_RESOURCES to the resources/ folder)");
  return path;
}

}  // namespace likeness
