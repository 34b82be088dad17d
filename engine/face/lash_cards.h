#pragma once
// Eyelash coverage. The head's lashes are cards (strips of quads, three rows per lid) whose UVs
// stack in the lash tile with no fixed orientation a texture could assume, so the strand pattern
// is driven by geometry: every card vertex gets its position from root (on the lid) to tip, and
// the coverage texture draws thin strands along that direction, tapering and of varied length,
// transparent between strands and outside the cards.
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace likeness::face {

class FaceModel;

/// [V, 2] float: for lash-card vertices, (0 at the card's root row, nearest the skin, to 1 at its
/// tip, each connected card normalised on its own; the card's length over the longest card's,
/// short cards being the lower lids'); -1 for every other vertex.
at::Tensor lash_card_parameter(const FaceModel& model);

/// [resolution, resolution] float in [0, 1], row 0 at the top (v = 1): strand coverage of the lash
/// UDIM tile for `seed` (strand jitter, length and curl). Zero outside the cards.
at::Tensor lash_coverage(const FaceModel& model, int resolution, std::uint64_t seed);

}  // namespace likeness::face
