#pragma once
// Rigid head pose, kept separate from identity and expression: a rotation (yaw about +y, pitch
// about +x, roll about +z, degrees, applied roll then pitch then yaw) and a translation (cm).
#include <ATen/core/Tensor.h>

namespace likeness::face {

/// Rotation matrix [3, 3] from yaw, pitch, roll in degrees ([3] tensor); differentiable.
at::Tensor rotation_matrix(const at::Tensor& yaw_pitch_roll_degrees);

/// Applies rotation about `pivot` [3] then translation [3] to vertices [V, 3] or [B, V, 3].
at::Tensor apply_pose(const at::Tensor& vertices, const at::Tensor& yaw_pitch_roll_degrees, const at::Tensor& translation,
                      const at::Tensor& pivot);

}  // namespace likeness::face
