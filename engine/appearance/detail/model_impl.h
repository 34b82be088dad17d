#pragma once
// The cached static state of an AppearanceModel, as tensors: the skin texels of tiles 0 and 1
// (one row per covered texel), the eyeball, teeth, gums and lashes texels, the per-layer subsets,
// and the gather index that assembles the UDIM stacks. Private to engine/appearance.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/appearance/appearance_model.h"

namespace likeness::face {
class FaceModel;
class RegionSet;
}  // namespace likeness::face

namespace likeness::appearance {

class SkinPigmentModel;

/// A subset of the skin rows with its own fields (a layer's support).
struct LayerRows {
  at::Tensor rows;                          ///< [n] int64 rows of the skin domain
  std::map<std::string, at::Tensor> field;  ///< [n] or [n, 2]
};

struct AppearanceModel::Impl {
  int resolution = 0;
  std::uint64_t seed = 0;
  std::shared_ptr<const face::FaceModel> face;
  std::shared_ptr<const face::RegionSet> regions;
  std::shared_ptr<const SkinPigmentModel> pigments;
  std::vector<int> textured_tiles;

  // Skin (tiles 0 and 1 concatenated).
  long skin_count = 0;
  std::map<std::string, at::Tensor> skin;  ///< [N] scalar fields, [N, 2] tilts
  at::Tensor groove;                       ///< [N, K] wrinkle darkness per set
  at::Tensor wrinkle_tilt;                 ///< [N, 2, K] normal tilt per mm of each set
  std::map<std::string, LayerRows> layers;

  // Other parts.
  long eye_count = 0, teeth_count = 0, gums_count = 0, lashes_count = 0;
  std::map<std::string, at::Tensor> eye, teeth, gums;

  // Assembly: rows of the value buffer [skin | eye | teeth | gums | lashes | one per tile].
  long eye_offset = 0, teeth_offset = 0, gums_offset = 0, lashes_offset = 0, constant_offset = 0, buffer_rows = 0;
  at::Tensor source;       ///< [8 * R * R] int64: buffer row of every texel (seam fill included)
  at::Tensor fill_texel;   ///< [8 * R * R] int64: nearest covered texel of the same tile (or itself)
  at::Tensor coverage;     ///< [8, R, R] bool

  mutable std::mutex region_mutex;
  mutable std::map<std::string, at::Tensor> region_cache;
};

}  // namespace likeness::appearance
