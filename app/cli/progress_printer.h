#pragma once
// Progress lines for long CLI commands (to stderr, so that --json output stays clean) and the
// human summary of a generation or an edit.
#include <ostream>

#include <nlohmann/json.hpp>

#include "app/cli/cli.h"
#include "engine/optim/session.h"

namespace likeness::optim {
struct Outcome;
}

namespace likeness::cli {

class ProgressPrinter {
public:
  ProgressPrinter(const Output& out, bool quiet, bool verbose = false) : err_(out.err), quiet_(quiet), verbose_(verbose) {}
  /// A callback printing a progress bar line at every stage change and every 20 steps (every
  /// step with `verbose`, with the loss terms).
  optim::ProgressCallback callback();

private:
  std::ostream* err_;
  bool quiet_;
  bool verbose_;
  int last_stage_ = -1;
};

/// Targets with the values reached, warnings of the parse, and the time taken.
void print_outcome_summary(std::ostream& out, const optim::Outcome& outcome, const nlohmann::json& report);

}  // namespace likeness::cli
