#include "tests/neural/neural_ref.h"

#include <ATen/ATen.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "engine/core/json_util.h"
#include "engine/core/strings.h"
#include "engine/io/runtime.h"
#include "likeness_build_config.h"

namespace likeness::neural::test {

namespace fs = std::filesystem;

namespace {
// Several intra-op threads, as the studio runs ($LIKENESS_THREADS, else one per core: 2 on the
// target machine): results then differ from the single-threaded reference by summation order,
// which the tolerances must absorb. On a machine shared by many processes LIKENESS_THREADS=1
// avoids OpenMP threads waiting on each other (the suite then takes a fraction of the time).
class ThreadsEnvironment : public ::testing::Environment {
public:
  void SetUp() override { likeness::init_runtime(); }
};
const auto* const threads_environment = ::testing::AddGlobalTestEnvironment(new ThreadsEnvironment);
}  // namespace

fs::path neural_ref_dir() {
  fs::path dir;
  if (const char* env = std::getenv("LIKENESS_NEURAL_REF"); env && *env)
    dir = env;
  else
    dir = fs::path(LIKENESS_SOURCE_DIR) / ".." / "shared" / "neural-ref";
  dir = dir.lexically_normal();
  if (!fs::is_regular_file(dir / "manifest.json"))
    throw std::runtime_error("neural reference data not found at " + dir.string() +
                             " (set LIKENESS_NEURAL_REF or place shared/neural-ref beside the checkout); "
                             "the neural tests need it and must not be skipped");
  return dir;
}

Reference::Reference(const std::string& model)
    : dir_(neural_ref_dir() / model), file_(io::SafetensorsFile::open(neural_ref_dir() / model / "reference.safetensors")) {
  const Json manifest = load_json_file(neural_ref_dir() / "manifest.json");
  manifest_ = manifest.at("models").at(model);
}

std::vector<std::string> Reference::names_with_prefix(const std::string& prefix) const {
  std::vector<std::string> out;
  for (const auto& n : file_.names())
    if (starts_with(n, prefix)) out.push_back(n);
  return out;
}

double Reference::fp64_gap(const std::string& name) const {
  const auto& tensors = manifest_.at("reference_tensors");
  if (!tensors.contains(name) || !tensors.at(name).contains("fp64_max_abs_diff")) return -1;
  return tensors.at(name).at("fp64_max_abs_diff").get<double>();
}

double Reference::max_fp64_gap() const {
  double best = 0;
  for (const auto& [name, entry] : manifest_.at("reference_tensors").items())
    if (entry.contains("fp64_max_abs_diff")) best = std::max(best, entry.at("fp64_max_abs_diff").get<double>());
  return best;
}

::testing::AssertionResult close(const at::Tensor& actual, const at::Tensor& expected, double tolerance) {
  if (!actual.defined()) return ::testing::AssertionFailure() << "result is undefined";
  if (actual.sizes() != expected.sizes())
    return ::testing::AssertionFailure() << "shape " << actual.sizes() << ", expected " << expected.sizes();
  const at::Tensor diff = (actual.detach().to(at::kCPU, at::kDouble) - expected.to(at::kDouble)).abs();
  const double worst = diff.max().item<double>();
  if (!(worst <= tolerance))
    return ::testing::AssertionFailure() << "max |error| " << worst << " > tolerance " << tolerance << " (at flat index "
                                         << diff.reshape({-1}).argmax().item<std::int64_t>() << ")";
  if (std::getenv("LIKENESS_NEURAL_VERBOSE"))
    std::printf("  max |error| %.3g (tolerance %.3g, %.2f of it)\n", worst, tolerance, worst / tolerance);
  return ::testing::AssertionSuccess() << "max |error| " << worst;
}

double tolerance_for(const Reference& ref, const std::string& name, double factor, double floor) {
  double gap = ref.fp64_gap(name);
  if (gap < 0) gap = ref.max_fp64_gap();
  return std::max(floor, factor * gap);
}

fs::path temp_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("likeness_neural_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace likeness::neural::test
