#pragma once
// Anthropometric measurements of the head (centimetres, ratios or degrees), computed from vertex
// positions as a differentiable LibTorch expression. Defined as data in
// resources/face/measurements.json: distances, axis offsets, tilts and point-to-line distances
// between landmarks and named vertices, and means, sums, ratios and geometric means of those.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace likeness::face {

class FaceModel;

struct MeasurementInfo {
  std::string id;                    ///< "nose_width"
  std::string label;                 ///< "Nose width (alar)"
  std::string unit;                  ///< "cm", "ratio" or "degrees"
  std::vector<std::string> regions;  ///< regions whose geometry this measurement depends on
};

class Measurements {
public:
  /// resources/face/measurements.json for a model (cached per model).
  static std::shared_ptr<const Measurements> load_default(const std::shared_ptr<const FaceModel>& model);
  /// Definitions from a file; InputError naming the file and measurement on any mistake.
  static std::shared_ptr<const Measurements> load(const std::shared_ptr<const FaceModel>& model,
                                                  const std::filesystem::path& definitions);
  ~Measurements();

  const std::vector<MeasurementInfo>& infos() const { return infos_; }
  std::size_t size() const { return infos_.size(); }
  /// Index of a measurement, or InputError "unknown measurement 'X' (did you mean ...)".
  int index(const std::string& id) const;
  const MeasurementInfo& info(const std::string& id) const { return infos_[static_cast<std::size_t>(index(id))]; }

  /// All measurements of vertices [V, 3] -> [M], or [B, V, 3] -> [B, M]. Differentiable.
  at::Tensor compute(const at::Tensor& vertices) const;

  /// The vertices the measurements read, and the measurements computed from just those
  /// positions ([S, 3] or [B, S, 3] in required_vertices() order): for fast population sampling.
  const at::Tensor& required_vertices() const { return required_; }
  at::Tensor compute_from_subset(const at::Tensor& subset) const;

  struct Node;

private:
  Measurements() = default;
  std::vector<MeasurementInfo> infos_;
  std::vector<std::unique_ptr<Node>> nodes_;  // every expression node (owned)
  std::vector<const Node*> roots_;            // one per info, same order
  at::Tensor required_;
};

}  // namespace likeness::face
