// likeness generate: a face from a description, written into a folder (state, OBJ + textures,
// preview, understanding report) and/or appended to a project file as a step.
#include <filesystem>
#include <iostream>

#include "app/cli/cli.h"
#include "app/cli/face_output.h"
#include "app/cli/progress_printer.h"
#include "app/cli/project_util.h"
#include "engine/core/error.h"
#include "engine/core/strings.h"
#include "engine/doc/document.h"
#include "engine/optim/pipeline.h"
#include "engine/optim/step_record.h"

namespace likeness::cli {
namespace {

int run_generate(const Args& args, Output& out) {
  const std::string prompt = args.positional(0, "PROMPT");
  const std::string dir = args.get("out");
  const std::string project = args.get("project");
  if (dir.empty() && project.empty()) throw UsageError("--out DIR or --project FILE is required");
  optim::GenerateOptions options;
  options.seed = static_cast<std::uint64_t>(args.get_int("seed", 0, 0, 1L << 40));
  options.steps = static_cast<int>(args.get_int("steps", 0, 0, 100000));
  optim::PipelineOptions po;
  po.texture_resolution = static_cast<int>(args.get_int("resolution", 1024, 512, 4096));
  // Open the project first, so that a bad file is reported before minutes of work.
  std::optional<doc::Document> document;
  if (!project.empty() && std::filesystem::exists(project)) document = open_project(project);

  optim::Pipeline pipeline(po);
  ProgressPrinter printer(out, args.flag("quiet"), args.flag("verbose"));
  optim::Outcome outcome = pipeline.generate(prompt, options, nullptr, printer.callback());

  nlohmann::json report;
  if (!dir.empty()) {
    FaceFolderOptions folder;
    folder.textures = !args.flag("no-textures");
    folder.exr = args.flag("exr");
    folder.preview_size = args.flag("no-preview") ? 0 : 384;
    report = write_face_folder(dir, pipeline, outcome, folder, "generate");
  } else {
    report = face_report(pipeline, outcome, "generate");
  }
  if (!project.empty()) {
    if (!document) {
      Json cause = {{"label", "new head"}, {"seed", options.seed}};
      document = doc::Document::create(pipeline.neutral_state(options.seed), cause);
    }
    const int step = document->commit_step(doc::StepKind::Generate, outcome.state, optim::generation_cause(outcome, options),
                                           optim::thumbnail_png(pipeline, outcome.state));
    if (document->path().empty()) document->save_as(project);
    else document->save();
    report["project"] = {{"file", project}, {"step", step}, {"steps", document->step_count()}};
  }
  if (out.json) {
    print_json(out, report);
  } else {
    print_outcome_summary(*out.out, outcome, report);
    if (!dir.empty())
      *out.out << "Face written to " << dir << " (state.safetensors, head.obj + head.mtl"
               << (args.flag("no-textures") ? "" : ", texture maps") << (args.flag("no-preview") ? "" : ", preview.png")
               << ", understanding.json)\n";
    if (!project.empty())
      *out.out << "Step " << report["project"]["step"].get<int>() << " of " << project << " (likeness history " << project
               << ")\n";
  }
  return 0;
}

LIKENESS_COMMAND({"generate", "PROMPT", "Generate a face from a description",
                  "Parses the description into facial attributes, starts from the population statistics and optimizes "
                  "the head model's identity and expression and the appearance model's parameters and residual "
                  "textures toward them (geometry, appearance, then joint stages). With --out, writes the result into "
                  "DIR: state.safetensors (an input of `likeness edit`), head.obj + head.mtl with UDIM albedo, normal "
                  "and roughness maps, preview.png (front, three-quarter, profile) and understanding.json (what the "
                  "text was understood as, each target with the value reached). With --project, appends the result "
                  "as a step to the project file (created with a neutral first step if it does not exist).",
                  {{"out", "DIR", "output folder", ""},
                   {"project", "FILE", "append the face as a step of this project (.likeness)", ""},
                   {"seed", "N", "random seed (appearance noise, free identity components)", "0"},
                   {"steps", "N", "total optimization steps (0: the default schedule of 140)", "0"},
                   {"resolution", "N", "texture size per tile written (512..4096)", "1024"},
                   {"no-textures", "", "geometry only (no texture maps)", ""},
                   {"no-preview", "", "do not render preview.png", ""},
                   {"exr", "", "also write linear EXR albedo maps", ""},
                   {"quiet", "", "no progress lines", ""},
                   {"verbose", "", "a progress line at every step, with the loss terms", ""},
                   {"json", "", "print the report as JSON", ""}},
                  run_generate});

}  // namespace
}  // namespace likeness::cli
