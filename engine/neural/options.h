#pragma once
// How a neural module is loaded and run: device, compute dtype, attention slicing, and the
// overrides a single-file checkpoint may need.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace likeness::neural {

/// What the UNet predicts: the noise (SD 1.x, SD 2.x base) or v = sqrt(a) eps - sqrt(1-a) x0
/// (SD 2.x 768-v).
enum class PredictionType { Epsilon, VPrediction };

/// "epsilon" / "v_prediction".
const char* prediction_type_name(PredictionType type);

/// Parses "epsilon" or "v_prediction"; InputError naming `source` otherwise.
PredictionType parse_prediction_type(const std::string& name, const std::string& source);

/// Intermediate outputs by module path ("down_blocks.0", "encoder.mid_block", ...), recorded when
/// a caller passes one to a forward pass: how a port is compared with its reference block by block.
using Trace = std::map<std::string, at::Tensor>;

struct ModelOptions {
  /// Where the weights live and the forward pass runs.
  at::Device device = at::Device(at::kCPU);
  /// Compute dtype. Unset: float32 on the CPU, float16 on CUDA. float16/bfloat16 need CUDA
  /// (F16/BF16 weight files are upcast on the CPU); float64 is for numerical checks.
  std::optional<at::ScalarType> dtype;
  /// Parameters require gradients (fine-tuning). Off for guidance, which needs input gradients
  /// only; gradients always flow to the inputs.
  bool trainable = false;
  /// Attention is computed in query slices whenever one score matrix (batch x heads x queries x
  /// keys) would exceed this many elements; 0 never slices.
  std::int64_t attention_slice_elements = std::int64_t(1) << 26;
  /// For single-file checkpoints, which carry no config: the config.json of the architecture.
  /// Unset, the architecture is inferred from the tensor shapes (SD 1.x/2.x conventions).
  std::optional<std::filesystem::path> config_file;
  /// Overrides the prediction type read from scheduler/scheduler_config.json (default epsilon).
  std::optional<PredictionType> prediction_type;
};

/// The dtype a module computes in under `options`; InputError for a dtype the device cannot run.
at::ScalarType compute_dtype(const ModelOptions& options);

}  // namespace likeness::neural
