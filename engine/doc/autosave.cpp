#include "engine/doc/autosave.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>

#include "engine/core/paths.h"

namespace likeness::doc {
namespace fs = std::filesystem;

fs::path autosave_path_for(const fs::path& project) {
  return project.parent_path() / ("." + project.filename().string() + ".autosave");
}

fs::path untitled_autosave_folder() { return user_data_dir() / "autosave"; }

fs::path untitled_autosave_path(const fs::path& folder) {
  static std::atomic<unsigned> counter{0};
  const fs::path dir = folder.empty() ? untitled_autosave_folder() : folder;
  return dir / ("untitled-" + std::to_string(std::time(nullptr)) + "-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter++) + kProjectExtension);
}

namespace {

std::optional<AutosaveInfo> read_info(const fs::path& path) {
  try {
    ProjectFileContents contents = read_project_file(path);
    AutosaveInfo info;
    info.path = path;
    info.autosave_of = contents.manifest.value("autosave_of", std::string());
    info.saved_at = contents.manifest.value("saved_at", std::string());
    if (contents.manifest.contains("steps") && contents.manifest["steps"].is_array())
      info.steps = static_cast<int>(contents.manifest["steps"].size());
    return info;
  } catch (const InputError&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<AutosaveInfo> find_autosave(const fs::path& project) {
  const fs::path autosave = autosave_path_for(project);
  std::error_code ec;
  if (!fs::exists(autosave, ec)) return std::nullopt;
  if (fs::exists(project, ec) && fs::last_write_time(autosave, ec) < fs::last_write_time(project, ec)) return std::nullopt;
  auto info = read_info(autosave);
  if (info && info->autosave_of.empty()) info->autosave_of = project.string();
  return info;
}

std::vector<AutosaveInfo> list_autosaves(const fs::path& folder) {
  std::vector<std::pair<fs::file_time_type, AutosaveInfo>> found;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool untitled = name.rfind("untitled-", 0) == 0 && it->path().extension() == kProjectExtension;
    const bool beside = name.size() > 9 && name.compare(name.size() - 9, 9, ".autosave") == 0;
    if (!untitled && !beside) continue;
    if (auto info = read_info(it->path())) found.emplace_back(fs::last_write_time(it->path(), ec), *info);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<AutosaveInfo> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

Document restore_autosave(const AutosaveInfo& autosave) {
  Document doc = Document::open(autosave.path);
  if (!autosave.autosave_of.empty()) doc.set_path(autosave.autosave_of);
  else doc.set_path({});
  return doc;
}

Autosaver::Autosaver(Document& document, fs::path path, std::chrono::milliseconds interval)
    : document_(document), path_(std::move(path)), interval_(interval) {}

Autosaver::~Autosaver() { stop(); }

void Autosaver::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void Autosaver::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Autosaver::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (cv_.wait_for(lock, interval_, [this] { return stop_; })) break;
    lock.unlock();
    save_now();
    lock.lock();
  }
}

bool Autosaver::save_now() {
  std::lock_guard save_lock(save_mutex_);
  try {
    if (!document_.modified()) {
      std::error_code ec;
      fs::remove(path_, ec);
      std::lock_guard lock(mutex_);
      saved_revision_ = 0;
      return false;
    }
    auto snap = document_.snapshot();
    {
      std::lock_guard lock(mutex_);
      if (snapshot_revision(*snap) == saved_revision_) return false;
    }
    write_project(*snap, path_, document_.path().string());
    std::lock_guard lock(mutex_);
    saved_revision_ = snapshot_revision(*snap);
    ++saves_;
    error_.clear();
    return true;
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    error_ = e.what();
    return false;
  }
}

void Autosaver::discard() {
  std::lock_guard save_lock(save_mutex_);
  std::error_code ec;
  fs::remove(path_, ec);
  std::lock_guard lock(mutex_);
  saved_revision_ = 0;
}

std::string Autosaver::last_error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

std::uint64_t Autosaver::saves() const {
  std::lock_guard lock(mutex_);
  return saves_;
}

}  // namespace likeness::doc
