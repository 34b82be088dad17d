#include "engine/neural/schedule.h"

#include <ATen/ATen.h>

#include <cmath>

#include "engine/core/error.h"
#include "engine/neural/detail/config_fields.h"

namespace likeness::neural {

ScheduleConfig ScheduleConfig::from_json(const nlohmann::json& j, const std::string& source) {
  using namespace detail;
  ScheduleConfig c;
  c.num_train_timesteps = get_int(j, "num_train_timesteps", c.num_train_timesteps, source);
  c.beta_start = get_double(j, "beta_start", c.beta_start, source);
  c.beta_end = get_double(j, "beta_end", c.beta_end, source);
  require_one_of(j, "beta_schedule", {"scaled_linear", "linear"}, source);
  c.beta_schedule = get_string(j, "beta_schedule", c.beta_schedule, source);
  c.prediction_type = parse_prediction_type(get_string(j, "prediction_type", "epsilon", source), source);
  if (c.num_train_timesteps < 2) throw InputError(source + ": field 'num_train_timesteps' must be at least 2");
  if (!(c.beta_start > 0 && c.beta_end < 1 && c.beta_start <= c.beta_end))
    throw InputError(source + ": field 'beta_start'/'beta_end' must satisfy 0 < beta_start <= beta_end < 1");
  return c;
}

NoiseSchedule::NoiseSchedule(const ScheduleConfig& config) : config_(config) {
  const std::int64_t n = config.num_train_timesteps;
  if (n < 2) throw InputError("noise schedule: num_train_timesteps must be at least 2");
  at::Tensor betas = config.beta_schedule == "linear"
                         ? at::linspace(config.beta_start, config.beta_end, n, at::kFloat)
                         : at::linspace(std::sqrt(config.beta_start), std::sqrt(config.beta_end), n, at::kFloat).pow(2);
  at::Tensor cumprod = at::cumprod(1.0 - betas, 0);
  betas = betas.to(at::kDouble);
  cumprod = cumprod.to(at::kDouble);
  betas_.assign(betas.data_ptr<double>(), betas.data_ptr<double>() + n);
  alphas_cumprod_.assign(cumprod.data_ptr<double>(), cumprod.data_ptr<double>() + n);
}

double NoiseSchedule::alpha_cumprod(std::int64_t t) const {
  if (t < 0 || t >= num_timesteps())
    throw InputError("timestep " + std::to_string(t) + " is outside [0, " + std::to_string(num_timesteps() - 1) + "]");
  return alphas_cumprod_[static_cast<std::size_t>(t)];
}

at::Tensor NoiseSchedule::per_item(const at::Tensor& t, const at::Tensor& like, double (*f)(double)) const {
  at::Tensor steps = t.to(at::kCPU, at::kLong).reshape({-1});
  const std::int64_t batch = like.size(0);
  if (steps.numel() != 1 && steps.numel() != batch)
    throw InputError("timesteps: " + std::to_string(steps.numel()) + " given for a batch of " + std::to_string(batch));
  std::vector<double> values;
  for (std::int64_t i = 0; i < steps.numel(); ++i) values.push_back(f(alpha_cumprod(steps[i].item<std::int64_t>())));
  at::Tensor out = at::tensor(values, at::kDouble).to(like.device(), like.scalar_type());
  std::vector<std::int64_t> shape(static_cast<std::size_t>(like.dim()), 1);
  shape[0] = static_cast<std::int64_t>(values.size());
  return out.reshape(shape);
}

namespace {
double sqrt_a(double a) { return std::sqrt(a); }
double sqrt_one_minus_a(double a) { return std::sqrt(1.0 - a); }
double one_minus_a(double a) { return 1.0 - a; }
double one(double) { return 1.0; }
double sqrt_a_one_minus_a(double a) { return std::sqrt(a) * (1.0 - a); }
}  // namespace

at::Tensor NoiseSchedule::add_noise(const at::Tensor& x0, const at::Tensor& noise, const at::Tensor& t) const {
  return per_item(t, x0, sqrt_a) * x0 + per_item(t, x0, sqrt_one_minus_a) * noise;
}

at::Tensor NoiseSchedule::velocity(const at::Tensor& x0, const at::Tensor& noise, const at::Tensor& t) const {
  return per_item(t, x0, sqrt_a) * noise - per_item(t, x0, sqrt_one_minus_a) * x0;
}

at::Tensor NoiseSchedule::epsilon_from_output(const at::Tensor& output, const at::Tensor& x_t, const at::Tensor& t) const {
  if (prediction_type() == PredictionType::Epsilon) return output;
  return per_item(t, x_t, sqrt_a) * output + per_item(t, x_t, sqrt_one_minus_a) * x_t;
}

at::Tensor NoiseSchedule::x0_from_output(const at::Tensor& output, const at::Tensor& x_t, const at::Tensor& t) const {
  if (prediction_type() == PredictionType::Epsilon)
    return (x_t - per_item(t, x_t, sqrt_one_minus_a) * output) / per_item(t, x_t, sqrt_a);
  return per_item(t, x_t, sqrt_a) * x_t - per_item(t, x_t, sqrt_one_minus_a) * output;
}

at::Tensor NoiseSchedule::sds_weight(const at::Tensor& t, SdsWeighting weighting, const at::Tensor& like) const {
  switch (weighting) {
    case SdsWeighting::OneMinusAlphaBar: return per_item(t, like, one_minus_a);
    case SdsWeighting::Constant: return per_item(t, like, one);
    case SdsWeighting::SqrtAlphaBar: return per_item(t, like, sqrt_a_one_minus_a);
  }
  return per_item(t, like, one);
}

}  // namespace likeness::neural
