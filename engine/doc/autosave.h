#pragma once
// Autosave and crash recovery for the studio. An Autosaver writes a snapshot of a document every
// few seconds when it changed, on its own thread, to an autosave file beside the project
// (".NAME.likeness.autosave") or, for untitled documents, in the user data folder. A clean save
// makes the autosave redundant and the autosaver removes it; so an autosave that exists when a
// project is opened means the last session ended before saving, and the studio offers it.
//
//   if (auto found = doc::find_autosave(path)) { /* ask */ doc = doc::restore_autosave(*found); }
//   doc::Autosaver autosaver(doc, doc::autosave_path_for(path), std::chrono::seconds(30));
//   autosaver.start();
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/doc/document.h"

namespace likeness::doc {

/// The autosave file of a project: ".NAME.autosave" beside it.
std::filesystem::path autosave_path_for(const std::filesystem::path& project);

/// Where autosaves of untitled documents go: user_data_dir()/autosave.
std::filesystem::path untitled_autosave_folder();

/// A fresh autosave path for an untitled document in `folder` (default untitled_autosave_folder()).
std::filesystem::path untitled_autosave_path(const std::filesystem::path& folder = {});

/// What an autosave holds, read from its manifest.
struct AutosaveInfo {
  std::filesystem::path path;        ///< the autosave file
  std::string autosave_of;           ///< the project it belongs to (empty: an untitled document)
  std::string saved_at;              ///< ISO 8601 UTC
  int steps = 0;
};

/// The autosave of `project` if one exists and is readable and not older than the project.
std::optional<AutosaveInfo> find_autosave(const std::filesystem::path& project);

/// Every readable autosave in a folder (untitled documents left by a crash), newest first.
std::vector<AutosaveInfo> list_autosaves(const std::filesystem::path& folder);

/// Opens an autosave as a document whose path is the project it belongs to (nothing is written;
/// the document counts as modified). ProjectError if the autosave is unreadable.
Document restore_autosave(const AutosaveInfo& autosave);

class Autosaver {
public:
  /// Autosaves `document` (which must outlive this object) to `path` every `interval` once
  /// started.
  Autosaver(Document& document, std::filesystem::path path, std::chrono::milliseconds interval);
  ~Autosaver();  ///< stops the thread (without a last save)
  Autosaver(const Autosaver&) = delete;
  Autosaver& operator=(const Autosaver&) = delete;

  void start();
  void stop();

  /// Writes the autosave now if the document changed since the last autosave and has unsaved
  /// changes; removes the autosave file if it has none. Returns true if it wrote. Safe on any
  /// thread; errors are kept in last_error() rather than thrown.
  bool save_now();
  /// Removes the autosave file (after a clean save or on close).
  void discard();

  const std::filesystem::path& path() const { return path_; }
  std::string last_error() const;
  std::uint64_t saves() const;

private:
  void run();
  Document& document_;
  std::filesystem::path path_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::mutex save_mutex_;
  std::condition_variable cv_;
  std::thread thread_;
  bool stop_ = false;
  std::uint64_t saved_revision_ = 0;
  std::uint64_t saves_ = 0;
  std::string error_;
};

}  // namespace likeness::doc
