#include "engine/neural/options.h"

#include "engine/core/error.h"

namespace likeness::neural {

const char* prediction_type_name(PredictionType type) {
  return type == PredictionType::VPrediction ? "v_prediction" : "epsilon";
}

PredictionType parse_prediction_type(const std::string& name, const std::string& source) {
  if (name == "epsilon") return PredictionType::Epsilon;
  if (name == "v_prediction") return PredictionType::VPrediction;
  throw InputError(source + ": prediction_type '" + name + "' is not supported (epsilon, v_prediction)");
}

at::ScalarType compute_dtype(const ModelOptions& options) {
  const bool cuda = options.device.is_cuda();
  const at::ScalarType dtype = options.dtype.value_or(cuda ? at::kHalf : at::kFloat);
  switch (dtype) {
    case at::kFloat:
    case at::kDouble: return dtype;
    case at::kHalf:
    case at::kBFloat16:
      if (!cuda)
        throw InputError(std::string("compute dtype ") + c10::toString(dtype) +
                         " needs a CUDA device; on the CPU use float32 (F16/BF16 weights are upcast on load)");
      return dtype;
    default: throw InputError(std::string("compute dtype ") + c10::toString(dtype) + " is not a floating-point type");
  }
}

}  // namespace likeness::neural
