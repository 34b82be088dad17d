#pragma once
// The complete editable state of a face: what the optimizer produces, a document's history step
// stores, and the exporters and renderers consume. Geometry is identity + expression coefficients
// of the head model plus a per-vertex displacement field for local edits; appearance is the
// parameter vector of the appearance model plus optional per-texel residual textures; painted
// masks say where the artist allows edits.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace likeness::state {

struct FaceState {
  at::Tensor identity;      ///< [K] float32, prior N(0, 1)
  at::Tensor expression;    ///< [E] float32 in [0, 1], ICT expression order
  at::Tensor pose;          ///< [6] float32: yaw, pitch, roll (degrees), tx, ty, tz (cm)
  at::Tensor displacement;  ///< [V, 3] float32 cm: local geometry edits (zero: none)

  /// Appearance parameter values in the order of `appearance_names` (the appearance schema's
  /// entry names; colours take three entries "iris.color.r" ...). Names are stored so that a
  /// state survives a schema that gained or lost parameters.
  at::Tensor appearance;                 ///< [P] float32
  std::vector<std::string> appearance_names;

  at::Tensor albedo_residual;  ///< [8, R, R, 3] float32 linear, or undefined (none)
  at::Tensor normal_residual;  ///< [8, R, R, 3] float32, or undefined

  at::Tensor painted_mask;     ///< [V] float32 in [0, 1]: 1 where the artist allows edits; undefined: none
  std::uint64_t seed = 0;      ///< seed of the appearance model's noise
  int texture_resolution = 1024;

  /// A neutral state for a model with K identity modes, E expressions and V vertices.
  static FaceState neutral(int identity_count, int expression_count, int vertex_count);

  /// Deep copy (tensors cloned, detached).
  FaceState clone() const;

  /// Bytes of tensor data held (for memory budgets).
  std::size_t bytes() const;

  /// Every tensor by a stable name ("identity", "albedo_residual", ...), defined ones only.
  std::vector<std::pair<std::string, at::Tensor>> tensors() const;
  /// Scalar fields and names as JSON-ready values.
  std::map<std::string, std::string> metadata() const;

  /// Rebuilds from tensors() + metadata(). InputError naming the field if something is missing,
  /// malformed, or of the wrong shape. `source` names the file in messages.
  static FaceState from_parts(const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                              const std::map<std::string, std::string>& metadata, const std::string& source);

  /// Checks shapes and finiteness; InputError naming the field.
  void validate(const std::string& source) const;
};

/// True if every tensor is equal (exactly) and every scalar field matches.
bool equal(const FaceState& a, const FaceState& b);

/// Saves a state as one safetensors file (tensors + metadata), atomically; loads it back.
void save_state(const std::string& path, const FaceState& state);
FaceState load_state(const std::string& path);

}  // namespace likeness::state
