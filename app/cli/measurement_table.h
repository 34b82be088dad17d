#pragma once
// Measurements of a head as a table or JSON, with each value's population percentile.
#include <ATen/core/Tensor.h>

#include <ostream>

#include <nlohmann/json.hpp>

namespace likeness::face {
class Measurements;
class Population;
}  // namespace likeness::face

namespace likeness::cli {

/// JSON rows {id, label, value, unit, percentile} for measured values [M].
nlohmann::json measurement_rows(const face::Measurements& measurements, const face::Population& population,
                                const at::Tensor& values);

/// Prints rows as an aligned table.
void print_measurement_table(std::ostream& out, const nlohmann::json& rows);

}  // namespace likeness::cli
