#include "app/cli/progress_printer.h"

#include <iomanip>

#include "engine/core/strings.h"
#include "engine/optim/pipeline.h"

namespace likeness::cli {

optim::ProgressCallback ProgressPrinter::callback() {
  return [this](const optim::Progress& p) {
    if (quiet_) return;
    const int stage = static_cast<int>(p.stage);
    if (verbose_ || stage != last_stage_ || p.step % 20 == 0 || p.step == p.total_steps) {
      const int width = 24;
      const int filled = p.total_steps > 0 ? width * p.step / p.total_steps : 0;
      *err_ << "  [" << std::string(static_cast<std::size_t>(filled), '#') << std::string(static_cast<std::size_t>(width - filled), '.')
            << "] " << std::setw(4) << p.step << "/" << p.total_steps << "  " << std::setw(10) << std::left
            << guidance::to_string(p.stage) << std::right << "  loss " << format_number(p.loss, 4) << "  "
            << format_number(p.elapsed_seconds, 2) << " s";
      if (verbose_)
        for (const guidance::Term& t : p.terms) *err_ << "  " << t.name << "=" << format_number(t.value, 4);
      *err_ << "\n";
      last_stage_ = stage;
    }
  };
}

void print_outcome_summary(std::ostream& out, const optim::Outcome& outcome, const nlohmann::json& report) {
  for (const text::Warning& w : outcome.understanding.parsed.warnings) out << "warning: " << w.message << "\n";
  const nlohmann::json& t = report["targets"];
  if (!t["measurements"].empty()) {
    out << "Measurements (target -> reached, population percentile):\n";
    for (const auto& m : t["measurements"])
      out << "  " << std::left << std::setw(24) << m["id"].get<std::string>() << std::right << format_number(m["target"].get<double>(), 3)
          << " -> " << format_number(m["achieved"].get<double>(), 3) << "  (p" << format_number(m["target_percentile"].get<double>(), 0)
          << " -> p" << format_number(m["achieved_percentile"].get<double>(), 0) << ")   \"" << m["phrase"].get<std::string>()
          << "\"\n";
  }
  if (!t["appearance"].empty()) {
    out << "Appearance (target -> reached):\n";
    for (const auto& a : t["appearance"]) {
      auto list = [](const nlohmann::json& v) {
        std::string s;
        for (const auto& x : v) {
          if (!s.empty()) s += ' ';
          s += format_number(x.get<double>(), 2);
        }
        return s;
      };
      out << "  " << std::left << std::setw(24) << a["id"].get<std::string>() << std::right << list(a["target"]) << " -> "
          << list(a["achieved"]) << "   \"" << a["phrase"].get<std::string>() << "\"\n";
    }
  }
  if (!t["expressions"].empty()) {
    out << "Expressions (target -> reached):\n";
    for (const auto& e : t["expressions"])
      out << "  " << std::left << std::setw(24) << e["name"].get<std::string>() << std::right << format_number(e["target"].get<double>(), 2)
          << " -> " << format_number(e["achieved"].get<double>(), 2) << "\n";
  }
  const optim::SessionResult& s = outcome.session;
  out << "Optimized " << s.steps_run << " steps in " << format_number(s.seconds, 2) << " s (best at step " << s.best_step
      << ", loss " << format_number(s.loss, 4) << ")\n";
}

}  // namespace likeness::cli
