// likeness edit: applies a text edit to a project's current step (appending the result as a new
// step) or to a face written by `likeness generate --out` (writing the edited face into a folder).
#include "app/cli/cli.h"
#include "app/cli/face_output.h"
#include "app/cli/progress_printer.h"
#include "app/cli/project_util.h"
#include "engine/core/error.h"
#include "engine/doc/document.h"
#include "engine/optim/pipeline.h"
#include "engine/optim/step_record.h"
#include "engine/state/face_state.h"

namespace likeness::cli {
namespace {

int run_edit(const Args& args, Output& out) {
  const std::filesystem::path target = args.positional(0, "PROJECT_OR_FACE");
  const std::string instruction = args.positional(1, "INSTRUCTION");
  const std::string dir = args.get("out");
  optim::EditOptions options;
  try {
    options.scope = optim::edit_scope_from_string(args.get("scope", "both"));
    options.mask = optim::mask_source_from_string(args.get("mask", "attention"));
  } catch (const InputError& e) {
    throw UsageError(e.what());
  }
  options.strength = args.get_double("strength", 1.0, 0.1, 10.0);
  options.steps = static_cast<int>(args.get_int("steps", 0, 0, 100000));

  std::optional<doc::Document> document;
  state::FaceState current;
  std::filesystem::path input;
  if (is_project_path(target)) {
    document = open_project(target.string());
    current = document->current_state();
    input = target;
  } else {
    if (dir.empty()) throw UsageError("--out DIR is required when editing a face folder or state file");
    input = state_file_of(target);
    current = state::load_state(input.string());
  }
  optim::PipelineOptions po;
  po.texture_resolution = current.texture_resolution;
  optim::Pipeline pipeline(po);
  ProgressPrinter printer(out, args.flag("quiet"), args.flag("verbose"));
  optim::Outcome outcome = pipeline.edit(current, instruction, options, nullptr, printer.callback());

  nlohmann::json report;
  if (!dir.empty()) {
    FaceFolderOptions folder;
    folder.textures = !args.flag("no-textures");
    folder.preview_size = args.flag("no-preview") ? 0 : 384;
    report = write_face_folder(dir, pipeline, outcome, folder, "edit");
  } else {
    report = face_report(pipeline, outcome, "edit");
  }
  report["input"] = input.string();
  if (document) {
    const int step = document->commit_step(doc::StepKind::Edit, outcome.state, optim::edit_cause(outcome, options),
                                           optim::thumbnail_png(pipeline, outcome.state));
    document->save();
    report["project"] = {{"file", target.string()}, {"step", step}, {"steps", document->step_count()}};
  }
  if (out.json) {
    print_json(out, report);
  } else {
    print_outcome_summary(*out.out, outcome, report);
    if (!dir.empty()) *out.out << "Edited face written to " << dir << "\n";
    if (document) *out.out << "Step " << report["project"]["step"].get<int>() << " of " << target.string() << "\n";
  }
  return 0;
}

LIKENESS_COMMAND({"edit", "PROJECT_OR_FACE INSTRUCTION", "Apply a text edit to a project or a generated face",
                  "Understands INSTRUCTION (\"make the nose narrower\", \"give him a grey stubble\", \"she is "
                  "smiling\") relative to the current face and optimizes only what it names: the consistency weights "
                  "come from the instruction's attention over face regions, the painted mask stored in the state, or "
                  "both, and keep everything else as it was. PROJECT_OR_FACE is a project file (.likeness: the current "
                  "step is edited and the result appended as a new step, then saved) or a folder written by `likeness "
                  "generate --out` or its state.safetensors (the edited face is written into --out DIR).",
                  {{"out", "DIR", "output folder (required for a face folder; optional for a project)", ""},
                   {"scope", "WHAT", "geometry, texture or both", "both"},
                   {"mask", "SOURCE", "consistency weights from attention, painted or both", "attention"},
                   {"strength", "S", "how far the edit may go against the consistency terms (0.1..10)", "1"},
                   {"steps", "N", "optimization steps (0: the default of 60)", "0"},
                   {"no-textures", "", "geometry only (no texture maps)", ""},
                   {"no-preview", "", "do not render preview.png", ""},
                   {"quiet", "", "no progress lines", ""},
                   {"verbose", "", "a progress line at every step, with the loss terms", ""},
                   {"json", "", "print the report as JSON", ""}},
                  run_edit});

}  // namespace
}  // namespace likeness::cli
