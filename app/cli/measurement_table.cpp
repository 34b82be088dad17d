#include "app/cli/measurement_table.h"

#include <ATen/ATen.h>

#include <cstdio>

#include "engine/face/measurements.h"
#include "engine/face/population.h"

namespace likeness::cli {

nlohmann::json measurement_rows(const face::Measurements& measurements, const face::Population& population,
                                const at::Tensor& values) {
  nlohmann::json rows = nlohmann::json::array();
  at::Tensor v = values.detach().to(at::kDouble);
  for (std::size_t i = 0; i < measurements.size(); ++i) {
    const auto& info = measurements.infos()[i];
    double value = v[static_cast<long>(i)].item<double>();
    rows.push_back({{"id", info.id}, {"label", info.label}, {"value", value}, {"unit", info.unit},
                    {"percentile", population.percentile_of(info.id, value)}});
  }
  return rows;
}

void print_measurement_table(std::ostream& out, const nlohmann::json& rows) {
  char line[160];
  std::snprintf(line, sizeof line, "%-40s %10s %-8s %10s\n", "measurement", "value", "unit", "percentile");
  out << line;
  for (const auto& r : rows) {
    std::snprintf(line, sizeof line, "%-40s %10.3f %-8s %10.1f\n", r["label"].get<std::string>().c_str(), r["value"].get<double>(),
                  r["unit"].get<std::string>().c_str(), r["percentile"].get<double>());
    out << line;
  }
}

}  // namespace likeness::cli
