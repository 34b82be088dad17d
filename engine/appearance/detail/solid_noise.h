#pragma once
// Solid (3D) noise evaluated at texel positions on the neutral head, so that every pattern is
// continuous across UV seams, and random spots (freckles, moles, age spots) placed on the
// surface. Deterministic for a seed. Private to engine/appearance.
#include <cstdint>
#include <vector>

namespace likeness::appearance::detail {

/// Value noise in [-1, 1] at point p (cm) with lattice spacing `cell` cm (quintic smoothing).
float value_noise(const float* p, float cell, std::uint64_t seed);

/// Fractal sum of `octaves` value-noise octaves (cell halves per octave, weight 0.5^k),
/// normalised to about [-1, 1]. Octaves finer than `min_cell` cm are skipped (band limit).
/// `positions` is N * 3; returns N values.
std::vector<float> fbm(const std::vector<float>& positions, float cell, int octaves, float min_cell, std::uint64_t seed);

/// Random spots on the surface: each spot has a centre (a random sample of `positions`, picked
/// where `weight` > 0 with probability proportional to it), a radius in [r_min, r_max] cm and a
/// rank in [0, 1). Per sample: the strongest spot's coverage (smooth disc, edge roughened by
/// noise) and its rank, and the slope of its dome for the normal map is left to the caller.
struct SpotField {
  std::vector<float> alpha;  ///< N: coverage of the lowest-ranked spot covering the sample
  std::vector<float> rank;   ///< N: that spot's rank (1 where none)
  std::vector<float> shade;  ///< N: per-spot random in [0, 1) (darkness variation)
};

SpotField scatter_spots(const std::vector<float>& positions, const std::vector<float>& weight, int count, float r_min,
                        float r_max, std::uint64_t seed);

}  // namespace likeness::appearance::detail
