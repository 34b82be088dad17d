#pragma once
// The ICT-FaceKit linear morphable head model: topology, identity and expression bases, parts,
// landmarks, and a differentiable evaluation of vertex positions.
//
// Shape = neutral + sum_i identity[i] * a[i] + sum_j expression[j] * e[j]   (centimetres,
// +y up, +z out of the face). Identity weights are a priori N(0, 1); expression weights in [0, 1].
// Rigid pose (rotation, translation) is separate: see pose.h.
#include <ATen/core/Tensor.h>

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/face/topology.h"

namespace likeness::face {

/// A geometric part of the head by vertex range (from the upstream model's documentation).
struct Part {
  std::string name;       ///< "face", "head_neck", "mouth_socket", "iris_left", ...
  int vertex_begin = 0;   ///< first vertex
  int vertex_end = 0;     ///< one past the last vertex
  bool contains(int vertex) const { return vertex >= vertex_begin && vertex < vertex_end; }
};

class FaceModel {
public:
  /// Loads the packed ICT model from the asset search path ("ict-facekit/"), once per process.
  /// Throws AssetError naming the folders searched if it is not there.
  static std::shared_ptr<const FaceModel> load_default();

  /// Loads the packed ICT model from a folder laid out as ../shared/assets/ict-facekit/README.md.
  static std::shared_ptr<const FaceModel> load(const std::filesystem::path& folder);

  const Topology& topology() const { return topology_; }
  int vertex_count() const { return vertex_count_; }
  int identity_count() const { return static_cast<int>(identity_basis_.size(0)); }
  int expression_count() const { return static_cast<int>(expression_names_.size()); }

  /// The 53 ARKit-style expression names in basis order ("browDown_L", ...).
  const std::vector<std::string>& expression_names() const { return expression_names_; }
  /// Index of an expression by name, or -1.
  int expression_index(const std::string& name) const;

  const std::vector<Part>& parts() const { return parts_; }
  /// A part by name; throws InputError listing the names if unknown.
  const Part& part(const std::string& name) const;

  /// The 68 landmark vertex indices in Multi-PIE order (0-16 jaw, 17-26 brows, 27-35 nose,
  /// 36-47 eyes, 48-67 mouth).
  const std::array<int, 68>& landmarks() const { return landmarks_; }

  /// Neutral positions [V, 3], identity basis [K, V, 3], expression basis [E, V, 3] (float32).
  const at::Tensor& neutral() const { return neutral_; }
  const at::Tensor& identity_basis() const { return identity_basis_; }
  const at::Tensor& expression_basis() const { return expression_basis_; }

  /// Vertex positions for identity [K] and expression [E] coefficients -> [V, 3]; batched
  /// [B, K] and [B, E] -> [B, V, 3]. Differentiable w.r.t. both (LibTorch autograd). Passing fewer
  /// than K identity coefficients uses the leading modes.
  at::Tensor vertices(const at::Tensor& identity, const at::Tensor& expression) const;

  /// Neutral expression, identity only.
  at::Tensor vertices(const at::Tensor& identity) const;

  /// Area-weighted vertex normals [V, 3] (or [B, V, 3]) of positions on this topology,
  /// differentiable. Vertices on no triangle get (0, 0, 1).
  at::Tensor vertex_normals(const at::Tensor& vertices) const;

  /// Landmark positions [68, 3] (or [B, 68, 3]) of given vertex positions.
  at::Tensor landmark_positions(const at::Tensor& vertices) const;

  /// Zero coefficient tensors of the right sizes (float32).
  at::Tensor zero_identity() const;
  at::Tensor zero_expression() const;

private:
  FaceModel() = default;
  Topology topology_;
  int vertex_count_ = 0;
  std::vector<std::string> expression_names_;
  std::vector<Part> parts_;
  std::array<int, 68> landmarks_{};
  at::Tensor neutral_;
  at::Tensor identity_basis_;    // [K, V, 3]
  at::Tensor identity_matrix_;   // [K, V*3] view for matmul
  at::Tensor expression_basis_;  // [E, V, 3]
  at::Tensor expression_matrix_; // [E, V*3]
  at::Tensor landmark_index_;    // [68] int64
};

}  // namespace likeness::face
