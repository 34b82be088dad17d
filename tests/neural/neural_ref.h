#pragma once
// Test helpers: the reference data of ../shared/neural-ref (tiny models run by diffusers and
// transformers) and comparisons whose tolerance follows the manifest's float64 gap.
#include <ATen/core/Tensor.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/io/safetensors.h"

namespace likeness::neural::test {

/// $LIKENESS_NEURAL_REF, else <source>/../shared/neural-ref. Throws (failing the test) with a clear
/// message when it is missing: CI always has it.
std::filesystem::path neural_ref_dir();

/// One model's reference: its folder, reference.safetensors and manifest entry.
class Reference {
public:
  explicit Reference(const std::string& model);
  const std::filesystem::path& dir() const { return dir_; }
  at::Tensor get(const std::string& name) const { return file_.tensor(name); }
  bool has(const std::string& name) const { return file_.contains(name); }
  std::vector<std::string> names_with_prefix(const std::string& prefix) const;
  /// The manifest's fp64_max_abs_diff for `name`, or -1 when none is recorded.
  double fp64_gap(const std::string& name) const;
  /// The largest fp64 gap recorded for this model's outputs and gradients.
  double max_fp64_gap() const;

private:
  std::filesystem::path dir_;
  io::SafetensorsFile file_;
  nlohmann::json manifest_;
};

/// Passes when max |actual - expected| <= tolerance (shapes equal); reports the largest error.
::testing::AssertionResult close(const at::Tensor& actual, const at::Tensor& expected, double tolerance);

/// The tolerance for a reference tensor: `factor` times its fp64 gap (or the model's largest gap
/// for intermediates), but at least `floor`.
double tolerance_for(const Reference& ref, const std::string& name, double factor = 8.0, double floor = 2e-6);

/// A fresh temporary folder for one test.
std::filesystem::path temp_dir(const std::string& name);

}  // namespace likeness::neural::test
