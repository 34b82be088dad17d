#pragma once
// Static fields of the non-skin tiles: the eyeball tile (iris, pupil, limbus, sclera veins laid
// out in the sclera mesh's polar UVs, which the cornea shows), teeth, gums and eyelashes.
// Private to engine/appearance.
#include <cstdint>

#include "engine/appearance/detail/skin_layout.h"

namespace likeness::face {
class FaceModel;
class RegionSet;
}  // namespace likeness::face

namespace likeness::appearance::detail {

/// Eye tile fields over `domain` (the tile's covered texels, both eyeball meshes):
///   eye.s        angle from the eye's axis over the limbus angle (0 centre, 1 iris edge, > 1
///                sclera); 3 where only the hidden inner iris mesh covers the texel
///   eye.pupil    pupil radius on the same scale (a constant)
///   eye.sclera   1 where the visible outer shell covers the texel
///   eye.fibres, eye.crypts, eye.collarette, eye.veins   iris and sclera detail
FieldSet build_eye_fields(const face::FaceModel& model, const face::RegionSet& regions, const TexelDomain& domain,
                          std::uint64_t seed);

/// Teeth, gums or lashes fields: part.front (1 at the front of the mouth, 0 deep inside), noise.
FieldSet build_part_fields(const TexelDomain& domain, std::uint64_t seed);

}  // namespace likeness::appearance::detail
