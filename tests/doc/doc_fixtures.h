#pragma once
// States and files shared by the document tests and the save worker they kill.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "engine/state/face_state.h"

namespace likeness::test {

inline constexpr int kIdentity = 100, kExpressions = 53, kVertices = 26719;

/// A deterministic state for step `k` with a residual texture of `resolution` (0: none). Every
/// field depends on k, so states of different steps differ everywhere.
inline state::FaceState step_state(int k, int resolution = 64) {
  state::FaceState s = state::FaceState::neutral(kIdentity, kExpressions, kVertices);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<std::uint64_t>(1000 + k));
  s.identity = at::randn({kIdentity}, gen, at::kFloat);
  s.expression = at::rand({kExpressions}, gen, at::kFloat);
  s.displacement = at::randn({kVertices, 3}, gen, at::kFloat) * 0.01;
  s.appearance = at::rand({4}, gen, at::kFloat);
  s.appearance_names = {"skin.melanin", "iris.color.r", "iris.color.g", "iris.color.b"};
  if (resolution > 0) s.albedo_residual = at::randn({8, resolution, resolution, 3}, gen, at::kFloat) * 0.05;
  s.seed = static_cast<std::uint64_t>(k);
  s.texture_resolution = resolution > 0 ? resolution : 1024;
  return s;
}

/// A tiny valid PNG-signature thumbnail payload for step `k`.
inline std::string fake_png(int k) {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  png += "thumbnail-" + std::to_string(k);
  return png;
}

}  // namespace likeness::test
