#include "engine/optim/schedule.h"

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"

namespace likeness::optim {

using guidance::Stage;

int Schedule::total_steps() const {
  int total = 0;
  for (const StageSpec& s : stages) total += s.steps;
  return total;
}

Schedule Schedule::generation() {
  return {{{Stage::Geometry, 80, 0.08, 0.05, 0.0, 0.0},
           {Stage::Appearance, 40, 0.0, 0.0, 0.04, 0.01},
           {Stage::Joint, 20, 0.02, 0.02, 0.01, 0.004}}};
}

Schedule Schedule::edit() { return {{{Stage::Edit, 60, 0.06, 0.05, 0.04, 0.01}}}; }

Schedule Schedule::with_total_steps(int total) const {
  if (total < static_cast<int>(stages.size()))
    throw InputError("--steps " + std::to_string(total) + " is fewer than the " + std::to_string(stages.size()) + " stages");
  Schedule out = *this;
  const int current = total_steps();
  int assigned = 0;
  for (std::size_t i = 0; i < out.stages.size(); ++i) {
    int steps = i + 1 == out.stages.size()
                    ? total - assigned
                    : std::max(1, static_cast<int>(std::lround(static_cast<double>(stages[i].steps) * total / current)));
    steps = std::max(1, steps);
    out.stages[i].steps = steps;
    assigned += steps;
  }
  return out;
}

}  // namespace likeness::optim
