#include "engine/face/population.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"
#include "engine/face/face_model.h"
#include "engine/face/measurements.h"

namespace likeness::face {

std::shared_ptr<const Population> Population::load_default() {
  static std::mutex mutex;
  static std::shared_ptr<const Population> cached;
  std::lock_guard<std::mutex> lock(mutex);
  if (!cached) cached = load(require_resource("face/population.json"));
  return cached;
}

std::shared_ptr<const Population> Population::load(const std::filesystem::path& path) {
  const std::string source = path.string();
  const Json root = load_json_file(path);
  auto out = std::make_shared<Population>();
  out->samples_ = json_field<int>(root, "samples", source);
  out->identity_count_ = json_field<int>(root, "identity_count", source);
  out->seed_ = json_field<std::uint64_t>(root, "seed", source);
  const Json& ms = json_field<Json>(root, "measurements", source);
  for (const Json& m : ms) {
    MeasurementStats s;
    s.id = json_field<std::string>(m, "id", source);
    const std::string where = source + " measurement '" + s.id + "'";
    s.mean = json_field<double>(m, "mean", where);
    s.sd = json_field<double>(m, "sd", where);
    s.percentiles = json_field<std::vector<double>>(m, "percentiles", where);
    s.intercept = json_field<double>(m, "intercept", where);
    s.slope = json_field<std::vector<double>>(m, "slope", where);
    s.r2 = json_field<double>(m, "r2", where);
    if (s.percentiles.size() != 101) throw InputError(where + ": 'percentiles' must hold 101 values");
    if (!std::is_sorted(s.percentiles.begin(), s.percentiles.end())) throw InputError(where + ": percentiles not ascending");
    if (static_cast<int>(s.slope.size()) != out->identity_count_)
      throw InputError(where + ": 'slope' has " + std::to_string(s.slope.size()) + " values, expected " +
                       std::to_string(out->identity_count_));
    if (!(s.sd > 0)) throw InputError(where + ": 'sd' must be positive");
    out->stats_.push_back(std::move(s));
  }
  return out;
}

Population Population::compute(const FaceModel& model, const Measurements& measurements, int samples, std::uint64_t seed) {
  if (samples < 100) throw InputError("population statistics need at least 100 samples, got " + std::to_string(samples));
  const long k = model.identity_count();
  const at::Tensor& req = measurements.required_vertices();
  const long s = req.size(0);
  at::Tensor basis = model.identity_basis().index_select(1, req).reshape({k, s * 3}).to(at::kDouble);  // [K, S*3]
  at::Tensor neutral = model.neutral().index_select(0, req).reshape({s * 3}).to(at::kDouble);

  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  at::Tensor coeffs = at::randn({samples, k}, gen, at::kDouble);
  at::Tensor subset = (neutral + at::matmul(coeffs, basis)).reshape({samples, s, 3});
  at::Tensor values = measurements.compute_from_subset(subset);  // [N, M]

  // Least squares: values ~ [1, coeffs] @ beta.
  at::Tensor design = at::cat({at::ones({samples, 1}, at::kDouble), coeffs}, 1);
  at::Tensor gram = at::matmul(design.t(), design);
  at::Tensor beta = at::linalg_solve(gram, at::matmul(design.t(), values));  // [K+1, M]
  at::Tensor residual = values - at::matmul(design, beta);

  Population pop;
  pop.samples_ = samples;
  pop.identity_count_ = static_cast<int>(k);
  pop.seed_ = seed;
  for (std::size_t m = 0; m < measurements.size(); ++m) {
    at::Tensor column = values.select(1, static_cast<long>(m)).contiguous();
    at::Tensor sorted = std::get<0>(column.sort());
    MeasurementStats st;
    st.id = measurements.infos()[m].id;
    st.mean = column.mean().item<double>();
    st.sd = column.std().item<double>();
    auto sv = sorted.accessor<double, 1>();
    for (int p = 0; p <= 100; ++p) {
      double pos = p / 100.0 * (samples - 1);
      long lo = static_cast<long>(std::floor(pos));
      long hi = std::min<long>(lo + 1, samples - 1);
      st.percentiles.push_back(sv[lo] + (pos - static_cast<double>(lo)) * (sv[hi] - sv[lo]));
    }
    at::Tensor b = beta.select(1, static_cast<long>(m));
    st.intercept = b[0].item<double>();
    at::Tensor slope = b.narrow(0, 1, k).contiguous();
    st.slope.assign(slope.data_ptr<double>(), slope.data_ptr<double>() + k);
    double var = column.var().item<double>();
    st.r2 = var > 0 ? 1.0 - residual.select(1, static_cast<long>(m)).var().item<double>() / var : 0.0;
    pop.stats_.push_back(std::move(st));
  }
  return pop;
}

void Population::save(const std::filesystem::path& path) const {
  Json ms = Json::array();
  auto round6 = [](double v) { return std::round(v * 1e6) / 1e6; };
  for (const MeasurementStats& s : stats_) {
    Json p = Json::array(), sl = Json::array();
    for (double v : s.percentiles) p.push_back(round6(v));
    for (double v : s.slope) sl.push_back(round6(v));
    ms.push_back({{"id", s.id}, {"mean", round6(s.mean)}, {"sd", round6(s.sd)}, {"r2", round6(s.r2)},
                  {"intercept", round6(s.intercept)}, {"percentiles", p}, {"slope", sl}});
  }
  Json root = {{"about", "Measurement statistics of the ICT identity prior (coefficients ~ N(0,1)); generated by "
                         "'likeness stats generate'. percentiles: values at 0..100; slope: regression of the value on "
                         "the identity coefficients."},
               {"samples", samples_},
               {"seed", seed_},
               {"identity_count", identity_count_},
               {"measurements", ms}};
  save_json_file(path, root, 1);
}

const MeasurementStats& Population::stats(const std::string& id) const {
  for (const MeasurementStats& s : stats_)
    if (s.id == id) return s;
  throw InputError("no population statistics for measurement '" + id + "' (regenerate with 'likeness stats generate')");
}

double Population::value_at(const std::string& id, double percentile) const {
  const auto& p = stats(id).percentiles;
  double pos = std::clamp(percentile, 0.0, 100.0);
  int lo = static_cast<int>(std::floor(pos));
  int hi = std::min(lo + 1, 100);
  return p[static_cast<std::size_t>(lo)] + (pos - lo) * (p[static_cast<std::size_t>(hi)] - p[static_cast<std::size_t>(lo)]);
}

double Population::percentile_of(const std::string& id, double value) const {
  const auto& p = stats(id).percentiles;
  if (value <= p.front()) return 0.0;
  if (value >= p.back()) return 100.0;
  auto it = std::upper_bound(p.begin(), p.end(), value);
  std::size_t hi = static_cast<std::size_t>(it - p.begin());
  std::size_t lo = hi - 1;
  double span = p[hi] - p[lo];
  return static_cast<double>(lo) + (span > 0 ? (value - p[lo]) / span : 0.0);
}

at::Tensor Population::direction(const std::string& id) const {
  at::Tensor slope = at::tensor(stats(id).slope, at::kDouble);
  return (slope / slope.norm().clamp_min(1e-12)).to(at::kFloat);
}

at::Tensor Population::identity_for(const std::string& id, const at::Tensor& identity, double target) const {
  const MeasurementStats& s = stats(id);
  at::Tensor slope = at::tensor(s.slope, at::kDouble);
  at::Tensor a = identity.detach().to(at::kDouble);
  if (a.size(0) != slope.size(0))
    throw InputError("identity has " + std::to_string(a.size(0)) + " coefficients, statistics have " +
                     std::to_string(slope.size(0)));
  double current = s.intercept + at::dot(slope, a).item<double>();
  double norm2 = at::dot(slope, slope).item<double>();
  if (norm2 <= 0) return identity.clone();
  return (a + slope * ((target - current) / norm2)).to(identity.scalar_type());
}

}  // namespace likeness::face
