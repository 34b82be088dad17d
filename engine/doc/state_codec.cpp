#include "engine/doc/state_codec.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "engine/core/error.h"
#include "engine/doc/block_store.h"

namespace likeness::doc {

namespace {

// One block's place in a tensor: a run of elements or a tile of one texture layer.
struct Region {
  std::int64_t begin = 0, count = 0;           // Runs
  std::int64_t layer = 0, y0 = 0, x0 = 0, h = 0, w = 0;  // Tiles
};

std::int64_t numel_of(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (std::int64_t s : shape) n *= s;
  return n;
}

std::vector<Region> regions_of(const std::vector<std::int64_t>& shape, BlockLayout layout) {
  std::vector<Region> out;
  if (layout == BlockLayout::Runs) {
    const std::int64_t n = numel_of(shape);
    for (std::int64_t b = 0; b < n; b += kRunElements) out.push_back({b, std::min(kRunElements, n - b)});
    return out;
  }
  const std::int64_t layers = shape[0], height = shape[1], width = shape[2];
  for (std::int64_t t = 0; t < layers; ++t)
    for (std::int64_t y = 0; y < height; y += kTileSize)
      for (std::int64_t x = 0; x < width; x += kTileSize) {
        Region r;
        r.layer = t;
        r.y0 = y;
        r.x0 = x;
        r.h = std::min(kTileSize, height - y);
        r.w = std::min(kTileSize, width - x);
        out.push_back(r);
      }
  return out;
}

std::size_t region_bytes(const Region& r, const std::vector<std::int64_t>& shape, BlockLayout layout) {
  if (layout == BlockLayout::Runs) return static_cast<std::size_t>(r.count) * sizeof(float);
  return static_cast<std::size_t>(r.h * r.w * shape[3]) * sizeof(float);
}

// Copies a region of a contiguous float tensor into `out` (gather) or from `in` (scatter).
void gather(const float* data, const std::vector<std::int64_t>& shape, BlockLayout layout, const Region& r, float* out) {
  if (layout == BlockLayout::Runs) {
    std::memcpy(out, data + r.begin, static_cast<std::size_t>(r.count) * sizeof(float));
    return;
  }
  const std::int64_t H = shape[1], W = shape[2], C = shape[3];
  for (std::int64_t y = 0; y < r.h; ++y)
    std::memcpy(out + y * r.w * C, data + ((r.layer * H + r.y0 + y) * W + r.x0) * C, static_cast<std::size_t>(r.w * C) * sizeof(float));
}

void scatter(float* data, const std::vector<std::int64_t>& shape, BlockLayout layout, const Region& r, const float* in) {
  if (layout == BlockLayout::Runs) {
    std::memcpy(data + r.begin, in, static_cast<std::size_t>(r.count) * sizeof(float));
    return;
  }
  const std::int64_t H = shape[1], W = shape[2], C = shape[3];
  for (std::int64_t y = 0; y < r.h; ++y)
    std::memcpy(data + ((r.layer * H + r.y0 + y) * W + r.x0) * C, in + y * r.w * C, static_cast<std::size_t>(r.w * C) * sizeof(float));
}

bool region_equal(const float* a, const float* b, const std::vector<std::int64_t>& shape, BlockLayout layout, const Region& r) {
  if (layout == BlockLayout::Runs) return std::memcmp(a + r.begin, b + r.begin, static_cast<std::size_t>(r.count) * sizeof(float)) == 0;
  const std::int64_t H = shape[1], W = shape[2], C = shape[3];
  for (std::int64_t y = 0; y < r.h; ++y) {
    const std::int64_t at = ((r.layer * H + r.y0 + y) * W + r.x0) * C;
    if (std::memcmp(a + at, b + at, static_cast<std::size_t>(r.w * C) * sizeof(float)) != 0) return false;
  }
  return true;
}

const StoredTensor* find_tensor(const StoredState* s, const std::string& name) {
  if (!s) return nullptr;
  for (const StoredTensor& t : s->tensors)
    if (t.name == name) return &t;
  return nullptr;
}

at::Tensor find_field(const state::FaceState* s, const std::string& name) {
  if (!s) return {};
  for (auto& [n, t] : s->tensors())
    if (n == name) return t;
  return {};
}

const char* layout_name(BlockLayout l) { return l == BlockLayout::Tiles ? "tiles64" : "runs16k"; }

}  // namespace

std::vector<std::uint64_t> StoredState::block_ids() const {
  std::set<std::uint64_t> ids;
  for (const StoredTensor& t : tensors)
    for (std::uint64_t b : t.blocks)
      if (b != BlockStore::kZeroBlock) ids.insert(b);
  return {ids.begin(), ids.end()};
}

std::size_t StoredState::raw_bytes() const {
  std::size_t total = 0;
  for (const StoredTensor& t : tensors) total += static_cast<std::size_t>(numel_of(t.shape)) * sizeof(float);
  return total;
}

BlockLayout layout_for(const std::vector<std::int64_t>& shape) {
  return shape.size() == 4 ? BlockLayout::Tiles : BlockLayout::Runs;
}

std::size_t block_count(const std::vector<std::int64_t>& shape, BlockLayout layout) {
  if (layout == BlockLayout::Runs) return static_cast<std::size_t>((numel_of(shape) + kRunElements - 1) / kRunElements);
  const std::int64_t tiles_y = (shape[1] + kTileSize - 1) / kTileSize, tiles_x = (shape[2] + kTileSize - 1) / kTileSize;
  return static_cast<std::size_t>(shape[0] * tiles_y * tiles_x);
}

StoredState encode_state(const state::FaceState& state, BlockStore& store, const StoredState* base,
                         const state::FaceState* base_state) {
  StoredState out;
  out.metadata = state.metadata();
  for (const auto& [name, tensor] : state.tensors()) {
    at::Tensor t = tensor.to(at::kFloat).contiguous();
    StoredTensor st;
    st.name = name;
    st.shape.assign(t.sizes().begin(), t.sizes().end());
    st.layout = layout_for(st.shape);
    const std::vector<Region> regions = regions_of(st.shape, st.layout);
    st.blocks.assign(regions.size(), BlockStore::kZeroBlock);

    // The parent's tensor at the same place, when it has the same shape.
    const StoredTensor* parent = find_tensor(base, name);
    at::Tensor parent_data = find_field(base_state, name);
    const bool comparable = parent && parent_data.defined() && parent->shape == st.shape && parent->layout == st.layout &&
                            parent->blocks.size() == regions.size() && parent_data.scalar_type() == at::kFloat &&
                            parent_data.is_contiguous();
    const float* data = t.data_ptr<float>();
    const float* pdata = comparable ? parent_data.data_ptr<float>() : nullptr;
    if (comparable && pdata == data) {  // the very same storage: nothing changed
      st.blocks = parent->blocks;
      out.tensors.push_back(std::move(st));
      continue;
    }
    std::vector<PreparedBlock> prepared(regions.size());
    std::vector<char> reused(regions.size(), 0);
    at::parallel_for(0, static_cast<std::int64_t>(regions.size()), 1, [&](std::int64_t begin, std::int64_t end) {
      std::vector<float> buffer;
      for (std::int64_t i = begin; i < end; ++i) {
        const Region& r = regions[static_cast<std::size_t>(i)];
        if (comparable && region_equal(data, pdata, st.shape, st.layout, r)) {
          reused[static_cast<std::size_t>(i)] = 1;
          continue;
        }
        const std::size_t bytes = region_bytes(r, st.shape, st.layout);
        buffer.resize(bytes / sizeof(float));
        gather(data, st.shape, st.layout, r, buffer.data());
        prepared[static_cast<std::size_t>(i)] = prepare_block(buffer.data(), bytes, sizeof(float), BlockCodec::ShuffleDeflate);
      }
    });
    for (std::size_t i = 0; i < regions.size(); ++i)
      st.blocks[i] = reused[i] ? parent->blocks[i] : store.put_prepared(std::move(prepared[i]));
    out.tensors.push_back(std::move(st));
  }
  return out;
}

state::FaceState decode_state(const StoredState& stored, const BlockStore& store, const std::string& source,
                              const StoredState* base, const state::FaceState* base_state) {
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const StoredTensor& st : stored.tensors) {
    const StoredTensor* parent = find_tensor(base, st.name);
    at::Tensor parent_data = find_field(base_state, st.name);
    const bool comparable = parent && parent_data.defined() && parent->shape == st.shape && parent->layout == st.layout &&
                            parent->blocks.size() == st.blocks.size() && parent_data.scalar_type() == at::kFloat &&
                            parent_data.is_contiguous();
    if (comparable && parent->blocks == st.blocks) {
      tensors.emplace_back(st.name, parent_data);
      continue;
    }
    const std::vector<Region> regions = regions_of(st.shape, st.layout);
    if (regions.size() != st.blocks.size())
      throw InputError(source + ": tensor '" + st.name + "' lists " + std::to_string(st.blocks.size()) + " blocks, its shape needs " +
                       std::to_string(regions.size()));
    at::Tensor t = at::empty(at::IntArrayRef(st.shape), at::kFloat);
    float* data = t.data_ptr<float>();
    const float* pdata = comparable ? parent_data.data_ptr<float>() : nullptr;
    std::vector<std::string> errors(regions.size());
    at::parallel_for(0, static_cast<std::int64_t>(regions.size()), 1, [&](std::int64_t begin, std::int64_t end) {
      std::vector<float> buffer;
      for (std::int64_t i = begin; i < end; ++i) {
        const std::size_t k = static_cast<std::size_t>(i);
        const Region& r = regions[k];
        const std::size_t bytes = region_bytes(r, st.shape, st.layout);
        buffer.resize(bytes / sizeof(float));
        if (comparable && parent->blocks[k] == st.blocks[k]) {
          gather(pdata, st.shape, st.layout, r, buffer.data());
        } else {
          try {
            store.decode(st.blocks[k], buffer.data(), bytes, source + ": tensor '" + st.name + "'");
          } catch (const std::exception& e) {
            errors[k] = e.what();
            continue;
          }
        }
        scatter(data, st.shape, st.layout, r, buffer.data());
      }
    });
    for (const std::string& e : errors)
      if (!e.empty()) throw InputError(e);
    tensors.emplace_back(st.name, t);
  }
  return state::FaceState::from_parts(tensors, stored.metadata, source);
}

Json to_json(const StoredState& stored) {
  Json tensors = Json::array();
  for (const StoredTensor& t : stored.tensors)
    tensors.push_back({{"name", t.name}, {"dtype", "F32"}, {"shape", t.shape}, {"layout", layout_name(t.layout)}, {"blocks", t.blocks}});
  return {{"metadata", stored.metadata}, {"tensors", tensors}};
}

StoredState stored_state_from_json(const Json& json, const std::string& source) {
  StoredState out;
  out.metadata = json_field<std::map<std::string, std::string>>(json, "metadata", source);
  const Json tensors = json_field<Json>(json, "tensors", source);
  if (!tensors.is_array()) throw_json_error(source, "tensors", "expected a list");
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const std::string where = source + ": tensor " + std::to_string(i);
    StoredTensor t;
    t.name = json_field<std::string>(tensors[i], "name", where);
    const std::string field = source + ": tensor '" + t.name + "'";
    const std::string dtype = json_field<std::string>(tensors[i], "dtype", field);
    if (dtype != "F32") throw_json_error(field, "dtype", "'" + dtype + "' is not supported (F32 only)");
    t.shape = json_field<std::vector<std::int64_t>>(tensors[i], "shape", field);
    for (std::int64_t s : t.shape)
      if (s < 0 || s > (1ll << 31)) throw_json_error(field, "shape", "size " + std::to_string(s) + " out of range");
    if (numel_of(t.shape) > (1ll << 34)) throw_json_error(field, "shape", "too large");
    const std::string layout = json_field<std::string>(tensors[i], "layout", field);
    if (layout == "runs16k") t.layout = BlockLayout::Runs;
    else if (layout == "tiles64" && t.shape.size() == 4) t.layout = BlockLayout::Tiles;
    else throw_json_error(field, "layout", "'" + layout + "' is not a layout this Likeness knows for this shape");
    t.blocks = json_field<std::vector<std::uint64_t>>(tensors[i], "blocks", field);
    if (t.blocks.size() != block_count(t.shape, t.layout))
      throw_json_error(field, "blocks", std::to_string(t.blocks.size()) + " listed, the shape needs " +
                                            std::to_string(block_count(t.shape, t.layout)));
    out.tensors.push_back(std::move(t));
  }
  return out;
}

}  // namespace likeness::doc
