#pragma once
// The step tree of a document. Every change an artist makes is a step with a parent; undo moves to
// the parent, redo to the child last visited, checkout to any step. A new step after an undo does
// not drop the steps that were undone: it starts a sibling branch, so nothing is ever lost (redo
// then follows the newest branch; `likeness history` shows the others).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/json_util.h"
#include "engine/doc/state_codec.h"

namespace likeness::doc {

/// What kind of change made a step.
enum class StepKind {
  Create,     ///< the document's first state
  Generate,   ///< text-to-face generation
  Edit,       ///< a text instruction applied to the face
  Slider,     ///< a direct parameter change (identity, expression, appearance)
  MaskPaint,  ///< painting the edit mask
  Import,     ///< a state loaded from elsewhere
};

/// "create", "generate", "edit", "slider", "mask", "import".
const char* to_string(StepKind kind);
/// The kind by its name, or nullopt.
std::optional<StepKind> step_kind_from_name(const std::string& name);

/// A step as callers see it.
struct StepInfo {
  int id = 0;
  int parent = -1;            ///< -1 for the first step
  StepKind kind = StepKind::Create;
  std::string label;          ///< one line for lists (the prompt, instruction, or slider)
  Json cause;                 ///< what caused it: prompt/instruction, settings, seed, guidance...
  std::string time;           ///< when it was made, ISO 8601 UTC
  bool has_thumbnail = false;
  std::vector<int> children;  ///< steps made from this one, oldest first
};

/// A step as history stores it.
struct StepRecord {
  StepInfo info;
  StoredState state;
  std::uint64_t thumbnail = 0;  ///< block id of the PNG bytes (0: none)
  int redo_child = -1;          ///< the child redo goes to (the last one made or visited)
};

/// The step tree and the current position in it. Step ids are their index.
class History {
public:
  const std::vector<StepRecord>& steps() const { return steps_; }
  const StepRecord& step(int id) const;  ///< InputError if `id` is not a step
  int current() const { return current_; }
  bool empty() const { return steps_.empty(); }

  /// Adds a step whose parent is the current step (none for the first) and makes it current.
  /// Fills in id, parent and children; returns the id.
  int append(StepRecord record);

  bool can_undo() const;
  bool can_redo() const;
  /// Moves to the parent; returns false (and stays) at the first step.
  bool undo();
  /// Moves to the remembered child; returns false (and stays) where there is none.
  bool redo();
  /// Moves to any step; InputError naming the id if there is none. Redo from each ancestor then
  /// leads back here.
  void checkout(int id);

  /// The steps from the first to `id`, in order.
  std::vector<int> lineage(int id) const;

  /// Rebuilds a history from records whose ids are 0..n-1 and whose parents come before them;
  /// InputError starting with `source` if they do not form such a tree.
  static History from_records(std::vector<StepRecord> records, int current, const std::string& source);

private:
  std::vector<StepRecord> steps_;
  int current_ = -1;
};

/// The label a step gets from its cause: "label", else "prompt", else "instruction", else the
/// kind's name with the keys of "changes" or "parameters".
std::string label_from_cause(StepKind kind, const Json& cause);

/// The current UTC time as ISO 8601 ("2024-05-01T12:00:00Z").
std::string utc_now_iso8601();

}  // namespace likeness::doc
