#pragma once
// Everything about the skin tiles (face and back of the head) that does not depend on the
// parameters, computed once per resolution and seed: region masks, landmark-derived feature
// geometry (brow frame, lid lines, wrinkle lines), solid noise, spots and hair strands.
// Fields are named plain arrays over the tile's covered texels; the appearance model turns them
// into tensors. Private to engine/appearance; the field names are listed in skin_layout.cpp.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/appearance/detail/solid_noise.h"
#include "engine/appearance/detail/strands.h"
#include "engine/appearance/detail/texel_domain.h"

namespace likeness::face {
class FaceModel;
class RegionSet;
}  // namespace likeness::face

namespace likeness::appearance::detail {

/// The wrinkle sets, in the order of the "wrinkle.*" fields and of the age onsets in
/// appearance_model.cpp.
inline const std::vector<std::string>& wrinkle_sets() {
  static const std::vector<std::string> names = {"forehead", "glabella", "crows_feet", "under_eye",
                                                 "nasolabial", "marionette", "perioral", "neck"};
  return names;
}

/// The hair layers drawn with strands.
inline const std::vector<std::string>& strand_layers() {
  static const std::vector<std::string> names = {"brows", "beard_short", "beard_long", "moustache_short",
                                                 "moustache_long", "stubble", "scalp"};
  return names;
}

struct FieldSet {
  std::size_t size = 0;
  std::map<std::string, std::vector<float>> scalar;   ///< N values each
  std::map<std::string, std::vector<float>> vec2;     ///< N * 2 values each (tangent-space xy)
  std::map<std::string, SpotField> spots;
  std::map<std::string, StrandField> strands;
};

/// Builds the fields of one skin tile (0 or 1) on its domain. `noise_texel_cm` (> 0) is the
/// band limit of the smooth solid noise, the same for both tiles so that the noise matches
/// across their border; 0 uses the tile's own mean texel size.
FieldSet build_skin_fields(const face::FaceModel& model, const face::RegionSet& regions, const TexelDomain& domain,
                           std::uint64_t seed, float noise_texel_cm = 0.0f);

/// Mean texel size (cm on the neutral head) of a domain.
float mean_texel_cm(const TexelDomain& domain);

}  // namespace likeness::appearance::detail
