#pragma once
// A Likeness document: the face state and the full history of how it came to be, with undo, redo,
// checkout of any step, and one project file on disk.
//
//   auto doc = doc::Document::open("head.likeness");        // or Document::create(state)
//   state::FaceState s = doc.current_state();                // a copy the caller owns
//   ... optimize s ...
//   doc.commit_step(doc::StepKind::Edit, s, {{"instruction", "bigger nose"}, {"seed", 7}}, png);
//   doc.undo(); doc.redo(); doc.checkout(3);
//   doc.save();                                              // atomic: temp file, fsync, rename
//
// History never loses a step: a commit after an undo starts a new branch beside the old one
// (history.h). States are stored as blocks shared between steps (state_codec.h), so a step costs
// only what it changed; after a save, blocks live in the file and are read back on demand.
//
// Threads: every member is safe to call from any thread (one internal mutex); the intended use is
// mutations on the UI thread and saving on a background thread from a snapshot():
//   auto snap = doc.snapshot();                              // cheap, immutable
//   std::thread([snap, &doc] { auto saved = doc::write_project(*snap, path); doc.mark_saved(saved); });
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/json_util.h"
#include "engine/doc/history.h"
#include "engine/doc/project_file.h"
#include "engine/state/face_state.h"

namespace likeness::doc {

/// An immutable copy of a document's history (steps and the blocks they use) for saving on
/// another thread. Blocks are shared with the document, not copied.
class DocumentSnapshot;

/// What write_project() wrote, for Document::mark_saved.
struct SavedProject {
  std::filesystem::path path;
  std::uint64_t revision = 0;                 ///< the snapshot's revision
  std::shared_ptr<const FileSource> file;     ///< the written file, opened
  std::vector<ChunkRecord> blocks;            ///< where each block went
  std::uint64_t bytes = 0;                    ///< file size
};

/// Memory a document holds.
struct MemoryUse {
  std::size_t resident_blocks = 0;  ///< encoded history blocks held in memory
  std::size_t current_state = 0;    ///< the decoded current state
  std::size_t blocks = 0;           ///< number of distinct blocks (resident or in the file)
  std::size_t total() const { return resident_blocks + current_state; }
};

class Document {
public:
  /// A new, unsaved document whose first step (StepKind::Create) holds `initial`.
  static Document create(const state::FaceState& initial, Json cause = Json::object(), std::string thumbnail_png = {});

  /// Opens a project file. Throws ProjectError (an InputError) naming the file and what is wrong:
  /// not a project, newer format, truncated, bad checksum, missing block, malformed manifest or
  /// state. `recoverable()` on the error says whether recover_project() may salvage steps.
  static Document open(const std::filesystem::path& path);

  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  ~Document();

  /// The file this document was opened from or last saved to (empty if never saved).
  std::filesystem::path path() const;

  // --- History ---------------------------------------------------------------------------
  int current_step() const;
  int step_count() const;
  StepInfo step(int id) const;            ///< InputError if there is no such step
  std::vector<StepInfo> steps() const;    ///< all steps, by id
  std::vector<int> lineage(int id) const; ///< the steps from the first to `id`
  bool can_undo() const;
  bool can_redo() const;

  /// A deep copy of the current state, owned by the caller.
  state::FaceState current_state() const;
  /// The current state without copying: read-only (never modify its tensors in place).
  std::shared_ptr<const state::FaceState> current_state_view() const;
  /// A deep copy of any step's state. InputError if the step does not exist or its blocks are
  /// unreadable.
  state::FaceState state_at(int id) const;
  /// The PNG thumbnail bytes of a step (empty if it has none).
  std::string thumbnail(int id) const;

  /// Appends a step made from the current one and makes it current; returns its id. `state` is
  /// validated (InputError naming the field) and copied; `cause` says what made it (prompt or
  /// instruction, settings, seed, guidance; "label" overrides the one-line label);
  /// `thumbnail_png` must be PNG bytes or empty.
  int commit_step(StepKind kind, const state::FaceState& state, Json cause = Json::object(), std::string thumbnail_png = {});

  /// Moves to the parent step; false at the first step.
  bool undo();
  /// Moves to the child last made or visited; false where there is none.
  bool redo();
  /// Moves to any step (InputError if there is none).
  void checkout(int id);

  // --- Files -----------------------------------------------------------------------------
  /// Saves to path() (InputError if the document has no path yet: use save_as).
  void save();
  /// Saves to `path` and makes it the document's path.
  void save_as(const std::filesystem::path& path);
  /// Sets where save() writes without saving (a restored autosave goes back to its project);
  /// the document then counts as modified.
  void set_path(const std::filesystem::path& path);
  /// An immutable snapshot for write_project() on another thread.
  std::shared_ptr<const DocumentSnapshot> snapshot() const;
  /// Tells the document a snapshot was written to its own file: its blocks are then read from
  /// that file instead of memory, and it is no longer modified if nothing changed since.
  void mark_saved(const SavedProject& saved);

  /// Increases with every change (commit, undo, redo, checkout).
  std::uint64_t revision() const;
  /// True if changed since opened or last saved.
  bool modified() const;
  MemoryUse memory_use() const;

  /// Where the document came from when it was recovered or restored from an autosave (else empty).
  std::string origin_note() const;

private:
  struct Impl;
  explicit Document(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend struct DocumentAccess;
};

/// Writes a snapshot as a project file, atomically. Safe on any thread. `autosave_of`, when
/// given, is recorded in the manifest (the project an autosave belongs to).
SavedProject write_project(const DocumentSnapshot& snapshot, const std::filesystem::path& path,
                           const std::string& autosave_of = {});

/// The revision a snapshot was taken at.
std::uint64_t snapshot_revision(const DocumentSnapshot& snapshot);

/// What recover_project() salvaged from a damaged file.
struct Recovery {
  std::optional<Document> document;   ///< the intact steps (nullopt if none could be read)
  std::vector<std::string> problems;  ///< what was wrong, one line each
  int steps_found = 0;                ///< step records found in the file
  int steps_recovered = 0;            ///< of those, steps whose state could be rebuilt
};

/// Reads whatever is intact in a damaged project file: every step whose record and blocks pass
/// their checksums, re-linked to its nearest intact ancestor. The recovered document is unsaved
/// (save_as to keep it). Throws only if the file cannot be read at all or is of a newer format.
Recovery recover_project(const std::filesystem::path& path);

}  // namespace likeness::doc
