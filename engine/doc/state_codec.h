#pragma once
// A FaceState as history stores it: scalar metadata plus, per tensor, its shape and the ids of the
// blocks it is cut into. Small tensors and per-vertex fields are cut into runs of 16,384 elements;
// textures [T, H, W, C] into 64x64-texel tiles, so a local texture edit stores only the tiles it
// touched. Encoding against the parent step reuses every block whose bytes did not change.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/core/json_util.h"
#include "engine/state/face_state.h"

namespace likeness::doc {

class BlockStore;

/// How a tensor is cut into blocks.
enum class BlockLayout {
  Runs,   ///< consecutive runs of kRunElements elements
  Tiles,  ///< [T, H, W, C] cut into kTileSize x kTileSize texel tiles per layer
};

inline constexpr std::int64_t kRunElements = 16384;
inline constexpr std::int64_t kTileSize = 64;

struct StoredTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  BlockLayout layout = BlockLayout::Runs;
  std::vector<std::uint64_t> blocks;  ///< block ids in layout order (0: all zeros)
};

struct StoredState {
  std::map<std::string, std::string> metadata;  ///< FaceState::metadata()
  std::vector<StoredTensor> tensors;            ///< FaceState::tensors() order

  /// Every stored block id it refers to (zero blocks excluded), without repeats.
  std::vector<std::uint64_t> block_ids() const;
  /// Raw bytes of tensor data it describes.
  std::size_t raw_bytes() const;
};

/// The layout used for a tensor of this shape.
BlockLayout layout_for(const std::vector<std::int64_t>& shape);

/// Number of blocks a tensor of `shape` is cut into.
std::size_t block_count(const std::vector<std::int64_t>& shape, BlockLayout layout);

/// Cuts `state` into blocks added to `store`. When `base`/`base_state` are given (the parent step),
/// blocks whose bytes equal the parent's at the same place reuse its ids without hashing.
StoredState encode_state(const state::FaceState& state, BlockStore& store, const StoredState* base = nullptr,
                         const state::FaceState* base_state = nullptr);

/// Rebuilds a state. With `base`/`base_state` (a state already decoded), tensors whose blocks are
/// all the same are shared and equal blocks are copied rather than decoded. InputError starting
/// with `source` if blocks are missing or corrupt or the result is not a valid state.
state::FaceState decode_state(const StoredState& stored, const BlockStore& store, const std::string& source,
                              const StoredState* base = nullptr, const state::FaceState* base_state = nullptr);

/// JSON form used in project files: {"metadata": {...}, "tensors": [{"name", "dtype", "shape",
/// "layout", "blocks"}]}.
Json to_json(const StoredState& stored);
/// Parses and checks the JSON form (shapes against block counts); InputError naming `source` and
/// the field.
StoredState stored_state_from_json(const Json& json, const std::string& source);

}  // namespace likeness::doc
