// likeness new / history / undo / redo / checkout / recover: project files (.likeness) and their
// step history from the command line. Every command that moves in the history saves the project
// (atomically). Generation and editing append steps through the same Document API
// (engine/doc/document.h).
#include <filesystem>
#include <iostream>

#include "app/cli/cli.h"
#include "app/cli/project_util.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/doc/document.h"
#include "engine/face/face_model.h"
#include "engine/state/face_state.h"

namespace likeness::cli {
namespace {

namespace fs = std::filesystem;

Json step_json(const doc::StepInfo& s, int current, const std::vector<int>& lineage) {
  return {{"id", s.id},
          {"parent", s.parent},
          {"kind", doc::to_string(s.kind)},
          {"label", s.label},
          {"time", s.time},
          {"cause", s.cause},
          {"children", s.children},
          {"current", s.id == current},
          {"on_current_path", std::find(lineage.begin(), lineage.end(), s.id) != lineage.end()},
          {"thumbnail", s.has_thumbnail}};
}

void print_position(const doc::Document& d, const std::string& verb, Output& out) {
  const doc::StepInfo s = d.step(d.current_step());
  if (out.json) {
    print_json(out, {{"project", d.path().string()}, {"current_step", s.id}, {"steps", d.step_count()},
                     {"can_undo", d.can_undo()}, {"can_redo", d.can_redo()}, {"step", step_json(s, s.id, d.lineage(s.id))}});
  } else {
    *out.out << verb << " step " << s.id << " (" << doc::to_string(s.kind) << ": " << s.label << ") of " << d.step_count() << " in "
             << d.path().string() << "\n";
  }
}

int run_new(const Args& args, Output& out) {
  const std::string path = args.positional(0, "PROJECT");
  if (fs::exists(path) && !args.flag("force")) throw InputError(path + " already exists (use --force to replace it)");
  state::FaceState initial;
  Json cause = Json::object();
  if (args.has("from")) {
    initial = state::load_state(args.get("from"));
    cause["label"] = "imported " + fs::path(args.get("from")).filename().string();
    cause["source"] = args.get("from");
  } else {
    auto model = face::FaceModel::load_default();
    initial = state::FaceState::neutral(model->identity_count(), model->expression_count(), model->vertex_count());
    cause["label"] = "new head";
  }
  if (args.has("seed")) initial.seed = static_cast<std::uint64_t>(args.get_int("seed", 0, 0, 1L << 40));
  if (args.has("resolution")) initial.texture_resolution = static_cast<int>(args.get_int("resolution", 1024, 512, 4096));
  cause["seed"] = initial.seed;
  doc::Document d = doc::Document::create(initial, cause);
  d.save_as(path);
  print_position(d, "Created", out);
  return 0;
}

int run_history(const Args& args, Output& out) {
  const std::string path = args.positional(0, "PROJECT");
  const doc::Document d = open_project(path);
  const int current = d.current_step();
  const std::vector<int> lineage = d.lineage(current);
  const std::vector<doc::StepInfo> steps = d.steps();
  if (out.json) {
    Json list = Json::array();
    for (const doc::StepInfo& s : steps) list.push_back(step_json(s, current, lineage));
    print_json(out, {{"project", path}, {"current_step", current}, {"steps", list}});
    return 0;
  }
  // A tree: children indented under their parent, the current path marked.
  *out.out << path << ": " << steps.size() << " steps, at step " << current << "\n";
  std::vector<std::pair<int, int>> stack{{0, 0}};  // (step, depth)
  while (!stack.empty()) {
    const auto [id, depth] = stack.back();
    stack.pop_back();
    const doc::StepInfo& s = steps[static_cast<std::size_t>(id)];
    const bool on_path = std::find(lineage.begin(), lineage.end(), id) != lineage.end();
    *out.out << (id == current ? "* " : on_path ? "| " : "  ") << std::string(static_cast<std::size_t>(2 * depth), ' ') << id << "  "
             << doc::to_string(s.kind) << "  " << s.label << "  (" << s.time << ")\n";
    // Children: the first one continues at this depth, later ones (branches) are indented.
    for (std::size_t k = s.children.size(); k-- > 0;) stack.push_back({s.children[k], k == 0 ? depth : depth + 1});
  }
  return 0;
}

int run_move(const Args& args, Output& out, const std::string& what) {
  const std::string path = args.positional(0, "PROJECT");
  doc::Document d = open_project(path);
  if (what == "undo") {
    if (!d.undo()) throw InputError("nothing to undo: " + path + " is at its first step");
  } else if (what == "redo") {
    if (!d.redo()) throw InputError("nothing to redo: step " + std::to_string(d.current_step()) + " of " + path + " has no later step");
  } else {
    const std::string word = args.positional(1, "STEP");
    int id = -1;
    try {
      std::size_t used = 0;
      id = std::stoi(word, &used);
      if (used != word.size()) id = -1;
    } catch (const std::exception&) {
    }
    if (id < 0 || id >= d.step_count())
      throw InputError("step '" + word + "' is not a step of " + path + " (0.." + std::to_string(d.step_count() - 1) + ")");
    d.checkout(id);
  }
  d.save();
  print_position(d, what == "undo" ? "Undone to" : what == "redo" ? "Redone to" : "Checked out", out);
  return 0;
}

int run_recover(const Args& args, Output& out) {
  const std::string path = args.positional(0, "PROJECT");
  const std::string target = args.get("out");
  if (target.empty()) throw UsageError("--out NEW.likeness is required");
  if (fs::exists(target) && !args.flag("force")) throw InputError(target + " already exists (use --force to replace it)");
  doc::Recovery r = doc::recover_project(path);
  if (out.json) {
    print_json(out, {{"project", path}, {"problems", r.problems}, {"steps_found", r.steps_found}, {"steps_recovered", r.steps_recovered},
                     {"out", r.document ? target : std::string()}});
  } else {
    for (const std::string& p : r.problems) *out.out << "problem: " << p << "\n";
    *out.out << "recovered " << r.steps_recovered << " of " << r.steps_found << " steps\n";
  }
  if (!r.document) throw InputError("nothing in " + path + " could be recovered");
  r.document->save_as(target);
  if (!out.json) *out.out << "written to " << target << "\n";
  return 0;
}

LIKENESS_COMMAND({"new", "PROJECT", "Create a project file with a neutral head (or a saved state)",
                  "Writes PROJECT (.likeness): one step holding the neutral head of the model, or the state in a "
                  "safetensors file given with --from. Generation and edits then add steps.",
                  {{"from", "STATE", "start from a state file (.safetensors, as likeness generate writes)", ""},
                   {"seed", "N", "appearance noise seed of the state", ""},
                   {"resolution", "N", "texture resolution of the state (512..4096)", ""},
                   {"force", "", "replace an existing file", ""},
                   {"json", "", "print JSON", ""}},
                  run_new});

LIKENESS_COMMAND({"history", "PROJECT", "List the steps of a project as a tree",
                  "Prints every step (id, kind, label, time) with branches indented under the step they grew from; "
                  "'*' marks the current step and '|' the steps leading to it. --json adds each step's cause "
                  "(prompt or instruction, settings, seed, guidance).",
                  {{"json", "", "print JSON", ""}},
                  run_history});

LIKENESS_COMMAND({"undo", "PROJECT", "Move a project back to the step before the current one",
                  "Moves to the current step's parent and saves. Later steps are kept: redo returns to them.",
                  {{"json", "", "print JSON", ""}},
                  [](const Args& a, Output& o) { return run_move(a, o, "undo"); }});

LIKENESS_COMMAND({"redo", "PROJECT", "Move a project forward to the step last undone",
                  "Moves to the child step made or visited last and saves.",
                  {{"json", "", "print JSON", ""}},
                  [](const Args& a, Output& o) { return run_move(a, o, "redo"); }});

LIKENESS_COMMAND({"checkout", "PROJECT STEP", "Make any step of a project the current one",
                  "Moves to step STEP (an id from likeness history) and saves. A new step made from there starts a "
                  "branch; no step is ever dropped.",
                  {{"json", "", "print JSON", ""}},
                  [](const Args& a, Output& o) { return run_move(a, o, "checkout"); }});

LIKENESS_COMMAND({"recover", "PROJECT", "Salvage the intact steps of a damaged project file",
                  "Scans PROJECT chunk by chunk, keeps every step whose data passes its checksums (re-linked to "
                  "its nearest intact ancestor), lists what was wrong, and writes the result to --out.",
                  {{"out", "FILE", "where to write the recovered project", ""},
                   {"force", "", "replace an existing file", ""},
                   {"json", "", "print JSON", ""}},
                  run_recover});

}  // namespace
}  // namespace likeness::cli
