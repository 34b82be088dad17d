#pragma once
// Hair strands drawn once into a tile's texels (brows, beard, moustache, stubble, scalp hair):
// short anti-aliased curves that follow a 3D growth direction projected into UV, each with a
// random rank in [0, 1). At generation time a density d shows the strands whose rank is below d
// (a smooth step, so d has a gradient). Each texel keeps the two lowest-ranked strands covering
// it. Private to engine/appearance.
#include <cstdint>
#include <vector>

#include "engine/appearance/detail/texel_domain.h"

namespace likeness::appearance::detail {

struct StrandStyle {
  float length_cm = 0.8f;      ///< mean strand length (+-40% per strand)
  float width_cm = 0.008f;     ///< hair diameter; drawn at least one texel wide
  float coverage = 2.0f;       ///< strands drawn = coverage * support area / strand area
  float opacity = 0.9f;        ///< at the root; tips fade to 35%
  float curl = 0.15f;          ///< random turning per step (radians)
  float follow = 0.35f;        ///< how strongly each step turns toward the direction field
};

/// Per texel of the domain: the two lowest-ranked strands (rank 1 and coverage 0 where none).
struct StrandField {
  std::vector<float> rank[2];
  std::vector<float> alpha[2];
  std::vector<float> shade[2];  ///< per-strand brightness variation in [0, 1)
  std::vector<float> tilt[2];   ///< N * 2 tangent-space normal tilt (x along +u, y along +v)
};

/// Draws strands over the domain where `support` > 0 (start points drawn in proportion to it),
/// growing along `direction` (N * 3 unit 3D vectors).
StrandField draw_strands(const TexelDomain& domain, const std::vector<float>& support, const std::vector<float>& direction,
                         const StrandStyle& style, std::uint64_t seed);

}  // namespace likeness::appearance::detail
