#pragma once
// How a generation or an edit becomes a document step, the same for the CLI and the studio: the
// cause (what was asked, with which settings and seed, by which guidance, and what was reached)
// and a thumbnail rendered through the differentiable rasterizer.
#include <string>

#include "engine/core/json_util.h"

namespace likeness::state {
struct FaceState;
}

namespace likeness::optim {

class Pipeline;
struct Outcome;
struct GenerateOptions;
struct EditOptions;

/// The cause of a generation step: {"prompt", "seed", "steps", "guidance", "loss", "seconds", ...}.
Json generation_cause(const Outcome& outcome, const GenerateOptions& options);
/// The cause of an edit step: {"instruction", "scope", "mask", "strength", "steps", ...}.
Json edit_cause(const Outcome& outcome, const EditOptions& options);

/// A front view of `state` (size x size, shaded, sRGB) as PNG bytes, for history thumbnails.
std::string thumbnail_png(const Pipeline& pipeline, const state::FaceState& state, int size = 96);

}  // namespace likeness::optim
