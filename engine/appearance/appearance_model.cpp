#include "engine/appearance/appearance_model.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <list>
#include <mutex>

#include "engine/appearance/detail/model_impl.h"
#include "engine/appearance/detail/rows.h"
#include "engine/appearance/detail/part_layout.h"
#include "engine/appearance/detail/random.h"
#include "engine/appearance/detail/skin_layout.h"
#include "engine/appearance/detail/texel_domain.h"
#include "engine/appearance/skin_pigments.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/face/regions.h"
#include "engine/face/uv_bake.h"

namespace likeness::appearance {

namespace {

using detail::FieldSet;
using detail::TexelDomain;

at::Tensor cat_scalar(const std::vector<const FieldSet*>& sets, const std::string& name) {
  std::vector<float> all;
  for (const FieldSet* s : sets) {
    const auto& v = s->scalar.at(name);
    all.insert(all.end(), v.begin(), v.end());
  }
  return at::tensor(all, at::kFloat);
}

at::Tensor cat_vec2(const std::vector<const FieldSet*>& sets, const std::string& name) {
  std::vector<float> all;
  for (const FieldSet* s : sets) {
    const auto& v = s->vec2.at(name);
    all.insert(all.end(), v.begin(), v.end());
  }
  return at::tensor(all, at::kFloat).reshape({-1, 2});
}

// Rows where `support` > threshold, as an int64 tensor.
at::Tensor rows_where(const at::Tensor& support, float threshold) { return at::nonzero(support > threshold).reshape({-1}); }

// Strand fields of one layer over all skin rows: alpha, rank, shade per slot, tilt [N, 2].
void add_strands(LayerRows& layer, const std::vector<const FieldSet*>& sets, const std::string& name, const std::string& as) {
  for (int k = 0; k < 2; ++k) {
    std::vector<float> a, r, s, t;
    for (const FieldSet* f : sets) {
      const auto& st = f->strands.at(name);
      a.insert(a.end(), st.alpha[k].begin(), st.alpha[k].end());
      r.insert(r.end(), st.rank[k].begin(), st.rank[k].end());
      s.insert(s.end(), st.shade[k].begin(), st.shade[k].end());
      t.insert(t.end(), st.tilt[k].begin(), st.tilt[k].end());
    }
    const std::string p = as + "." + std::to_string(k);
    layer.field[p + ".alpha"] = at::tensor(a, at::kFloat).index_select(0, layer.rows);
    layer.field[p + ".rank"] = at::tensor(r, at::kFloat).index_select(0, layer.rows);
    layer.field[p + ".shade"] = at::tensor(s, at::kFloat).index_select(0, layer.rows);
    layer.field[p + ".tilt"] = at::tensor(t, at::kFloat).reshape({-1, 2}).index_select(0, layer.rows);
  }
}

void add_spots(LayerRows& layer, const std::vector<const FieldSet*>& sets, const std::string& name) {
  std::vector<float> a, r, s;
  for (const FieldSet* f : sets) {
    const auto& sp = f->spots.at(name);
    a.insert(a.end(), sp.alpha.begin(), sp.alpha.end());
    r.insert(r.end(), sp.rank.begin(), sp.rank.end());
    s.insert(s.end(), sp.shade.begin(), sp.shade.end());
  }
  at::Tensor alpha = at::tensor(a, at::kFloat);
  layer.rows = rows_where(alpha, 0.0f);
  layer.field["alpha"] = alpha.index_select(0, layer.rows);
  layer.field["rank"] = at::tensor(r, at::kFloat).index_select(0, layer.rows);
  layer.field["shade"] = at::tensor(s, at::kFloat).index_select(0, layer.rows);
}

at::Tensor scalar_tensor(const FieldSet& f, const std::string& name) { return at::tensor(f.scalar.at(name), at::kFloat); }

struct CacheEntry {
  int resolution;
  std::uint64_t seed;
  std::shared_ptr<const AppearanceModel> model;
};

}  // namespace

AppearanceModel::AppearanceModel() : impl_(std::make_unique<Impl>()) {}
AppearanceModel::~AppearanceModel() = default;

int AppearanceModel::resolution() const { return impl_->resolution; }
std::uint64_t AppearanceModel::seed() const { return impl_->seed; }
const std::vector<int>& AppearanceModel::textured_tiles() const { return impl_->textured_tiles; }
at::Tensor AppearanceModel::coverage() const { return impl_->coverage; }

const std::vector<std::string>& AppearanceModel::layer_names() {
  static const std::vector<std::string> names = {"freckles", "moles", "lipstick", "eyeshadow", "eyeliner",
                                                 "stubble", "scalp_hair", "beard", "moustache", "brows"};
  return names;
}

std::shared_ptr<const AppearanceModel> AppearanceModel::get(int resolution, std::uint64_t seed) {
  if (resolution < kMinWorkingResolution || resolution > kMaxResolution)
    throw InputError("texture resolution " + std::to_string(resolution) + " is out of range " + std::to_string(kMinWorkingResolution) +
                     ".." + std::to_string(kMaxResolution));
  static std::mutex mutex;
  static std::list<CacheEntry> cache;
  std::lock_guard<std::mutex> lock(mutex);
  for (auto it = cache.begin(); it != cache.end(); ++it)
    if (it->resolution == resolution && it->seed == seed) {
      cache.splice(cache.begin(), cache, it);
      return cache.front().model;
    }
  auto model = build(face::FaceModel::load_default(), resolution, seed);
  cache.push_front({resolution, seed, model});
  // Models hold a few hundred MB at 1024: keep the last three.
  while (cache.size() > 3) cache.pop_back();
  return model;
}

std::shared_ptr<const AppearanceModel> AppearanceModel::build(std::shared_ptr<const face::FaceModel> face, int resolution,
                                                              std::uint64_t seed) {
  if (resolution < kMinWorkingResolution || resolution > kMaxResolution)
    throw InputError("texture resolution " + std::to_string(resolution) + " is out of range " + std::to_string(kMinWorkingResolution) +
                     ".." + std::to_string(kMaxResolution));
  std::shared_ptr<AppearanceModel> model(new AppearanceModel());
  Impl& I = *model->impl_;
  I.resolution = resolution;
  I.seed = seed;
  I.face = face;
  I.regions = face::RegionSet::load_default(face);
  I.pigments = SkinPigmentModel::load_default();
  I.textured_tiles = {face::kFaceTile, face::kBackHeadTile, face::kGumsTile, face::kTeethTile, face::kLashesTile, face::kEyeTile};
  const face::Topology& topo = face->topology();
  const int R = resolution;

  // Domains of every textured tile.
  std::map<int, TexelDomain> domains;
  for (int tile : I.textured_tiles) domains[tile] = detail::make_domain(*face, *I.regions, face::rasterize_uv(topo, tile, R, face::Topology::textured_kinds()));

  // Skin: tiles 0 and 1.
  const float noise_texel = std::max(detail::mean_texel_cm(domains[face::kFaceTile]), detail::mean_texel_cm(domains[face::kBackHeadTile]));
  FieldSet skin0 = detail::build_skin_fields(*face, *I.regions, domains[face::kFaceTile], seed, noise_texel);
  FieldSet skin1 = detail::build_skin_fields(*face, *I.regions, domains[face::kBackHeadTile], seed, noise_texel);
  const std::vector<const FieldSet*> sets = {&skin0, &skin1};
  I.skin_count = static_cast<long>(skin0.size + skin1.size);
  {
    // Melanin and blood noise in the combinations the generator uses.
    at::Tensor blotch_m = cat_scalar(sets, "noise.blotch_m"), fine_m = cat_scalar(sets, "noise.fine_m");
    // Relative melanin variation: blotches stay subtle (on dark skin a large relative change is a
    // large absolute one and reads as bruising), fine mottling carries the texture.
    I.skin["noise.melanin"] = 0.18f * blotch_m + 0.12f * fine_m;
    I.skin["noise.blood"] = cat_scalar(sets, "noise.blotch_h");
    for (const char* name : {"rel.melanin", "rel.blood", "zone.blush", "zone.redness", "zone.tzone", "rough.base"})
      I.skin[name] = cat_scalar(sets, name);
    I.skin["micro"] = cat_vec2(sets, "pores") + 0.35f * cat_vec2(sets, "lip_lines");
  }
  auto S = [&](const std::string& name) { return cat_scalar(sets, name); };
  auto make_layer = [&](const std::string& name, const at::Tensor& support, float threshold) -> LayerRows& {
    LayerRows& l = I.layers[name];
    l.rows = rows_where(support, threshold);
    return l;
  };
  {
    // Wrinkles: rows where any set has a groove.
    std::vector<at::Tensor> grooves, tilts;
    for (const auto& set : detail::wrinkle_sets()) {
      grooves.push_back(S("groove." + set));
      tilts.push_back(cat_vec2(sets, "wrinkle." + set));
    }
    at::Tensor groove = at::stack(grooves, 1);  // [N, K]
    at::Tensor tilt = at::stack(tilts, 2);      // [N, 2, K]
    at::Tensor crease = S("crease");
    LayerRows& w = make_layer("wrinkles", at::maximum(groove.amax(1), crease), 1e-3f);
    w.field["groove"] = groove.index_select(0, w.rows).contiguous();
    w.field["tilt"] = tilt.index_select(0, w.rows).contiguous();
    w.field["crease"] = crease.index_select(0, w.rows);
    w.field["crease_tilt"] = cat_vec2(sets, "crease").index_select(0, w.rows);
  }
  for (const char* spot : {"freckles", "moles", "age_spots"}) {
    LayerRows& l = I.layers[spot];
    add_spots(l, sets, spot);
    if (std::string(spot) == "freckles") l.field["zone"] = S("zone.freckles").index_select(0, l.rows);
  }
  {
    at::Tensor lips = S("mask.lips");
    LayerRows& l = make_layer("lips", lips, 2e-3f);
    l.field["mask"] = lips.index_select(0, l.rows);
    l.field["lines"] = S("noise.lip_lines").index_select(0, l.rows);
    l.field["corners"] = S("mask.mouth_corners").index_select(0, l.rows);
  }
  {
    at::Tensor mouth = S("part.mouth_socket"), eye = S("part.eye_socket");
    LayerRows& l = make_layer("sockets", mouth + eye, 0.0f);
    l.field["mouth"] = mouth.index_select(0, l.rows);
    l.field["eye"] = eye.index_select(0, l.rows);
  }
  for (const char* name : {"shadow", "liner"}) {
    at::Tensor f = S(name);
    LayerRows& l = make_layer(name, f, 2e-3f);
    l.field["alpha"] = f.index_select(0, l.rows);
  }
  {
    at::Tensor zone = S("stubble.zone");
    LayerRows& l = make_layer("stubble", zone, 2e-3f);
    l.field["zone"] = zone.index_select(0, l.rows);
    add_strands(l, sets, "stubble", "hair");
  }
  for (const auto& [name, strands_short, strands_long] :
       std::vector<std::tuple<std::string, std::string, std::string>>{{"beard", "beard_short", "beard_long"},
                                                                      {"moustache", "moustache_short", "moustache_long"},
                                                                      {"scalp", "scalp", ""}}) {
    at::Tensor mask = S("mask." + name);
    LayerRows& l = make_layer(name, mask, 2e-3f);
    l.field["mask"] = mask.index_select(0, l.rows);
    l.field["extent"] = S(name + ".extent").index_select(0, l.rows);
    l.field["noise"] = S("noise.edge").index_select(0, l.rows);  // ragged hair lines, patchy density
    add_strands(l, sets, strands_short, "short");
    if (!strands_long.empty()) add_strands(l, sets, strands_long, "long");
  }
  {
    at::Tensor zone = S("brow.zone");
    LayerRows& l = make_layer("brows", zone, 2e-3f);
    for (const char* f : {"zone", "t", "yrel", "hump", "taper", "caps"}) l.field[f] = S(std::string("brow.") + f).index_select(0, l.rows);
    add_strands(l, sets, "brows", "hair");
  }

  // Eyes, teeth, gums, lashes.
  {
    FieldSet eye = detail::build_eye_fields(*face, *I.regions, domains[face::kEyeTile], seed);
    I.eye_count = static_cast<long>(eye.size);
    for (const auto& [name, v] : eye.scalar) I.eye[name] = at::tensor(v, at::kFloat);
    FieldSet teeth = detail::build_part_fields(domains[face::kTeethTile], seed);
    FieldSet gums = detail::build_part_fields(domains[face::kGumsTile], seed);
    I.teeth_count = static_cast<long>(teeth.size);
    I.gums_count = static_cast<long>(gums.size);
    I.lashes_count = static_cast<long>(domains[face::kLashesTile].size());
    for (const char* name : {"part.front", "noise.part"}) {
      I.teeth[name] = scalar_tensor(teeth, name);
      I.gums[name] = scalar_tensor(gums, name);
    }
  }

  // The gather index: every texel reads its own row, or its nearest covered texel's row, or the
  // tile's constant row.
  I.eye_offset = I.skin_count;
  I.teeth_offset = I.eye_offset + I.eye_count;
  I.gums_offset = I.teeth_offset + I.teeth_count;
  I.lashes_offset = I.gums_offset + I.gums_count;
  I.constant_offset = I.lashes_offset + I.lashes_count;
  I.buffer_rows = I.constant_offset + face::kTileCount;
  const std::int64_t tile_texels = static_cast<std::int64_t>(R) * R;
  std::vector<std::int64_t> source(static_cast<std::size_t>(face::kTileCount * tile_texels));
  std::vector<std::int64_t> fill(source.size());
  std::vector<std::uint8_t> covered(source.size(), 0);
  const std::map<int, long> offsets = {{face::kFaceTile, 0},
                                       {face::kBackHeadTile, static_cast<long>(skin0.size)},
                                       {face::kEyeTile, I.eye_offset},
                                       {face::kTeethTile, I.teeth_offset},
                                       {face::kGumsTile, I.gums_offset},
                                       {face::kLashesTile, I.lashes_offset}};
  for (int tile = 0; tile < face::kTileCount; ++tile) {
    const std::int64_t base = tile * tile_texels;
    auto it = domains.find(tile);
    if (it == domains.end() || it->second.size() == 0) {
      for (std::int64_t i = 0; i < tile_texels; ++i) {
        source[static_cast<std::size_t>(base + i)] = I.constant_offset + tile;
        fill[static_cast<std::size_t>(base + i)] = base + i;
      }
      continue;
    }
    const TexelDomain& d = it->second;
    const std::vector<std::int64_t> nearest = detail::nearest_covered(d.row_of, R);
    for (std::int64_t i = 0; i < tile_texels; ++i) {
      const std::int64_t src = nearest[static_cast<std::size_t>(i)];
      source[static_cast<std::size_t>(base + i)] = offsets.at(tile) + d.row_of[static_cast<std::size_t>(src)];
      fill[static_cast<std::size_t>(base + i)] = base + src;
      covered[static_cast<std::size_t>(base + i)] = d.row_of[static_cast<std::size_t>(i)] >= 0;
    }
  }
  I.source = at::tensor(source, at::kLong);
  I.fill_texel = at::tensor(fill, at::kLong);
  I.coverage = at::tensor(std::vector<std::uint8_t>(covered), at::kByte).to(at::kBool).reshape({face::kTileCount, R, R});
  return model;
}

at::Tensor AppearanceModel::fill_seams(const at::Tensor& texture) const {
  const Impl& I = *impl_;
  if (texture.dim() != 4 || texture.size(0) != face::kTileCount || texture.size(1) != I.resolution || texture.size(2) != I.resolution)
    throw InputError("fill_seams: expected a texture [8, " + std::to_string(I.resolution) + ", " + std::to_string(I.resolution) +
                     ", C]");
  const long c = texture.size(3);
  return detail::take_rows(texture.reshape({-1, c}), I.fill_texel).reshape(texture.sizes());
}

at::Tensor AppearanceModel::region_weights(const std::string& region) const {
  const Impl& I = *impl_;
  {
    std::lock_guard<std::mutex> lock(I.region_mutex);
    auto it = I.region_cache.find(region);
    if (it != I.region_cache.end()) return it->second;
  }
  const int R = I.resolution;
  const long tile_texels = static_cast<long>(R) * R;
  // Per-row weights over the value buffer, then gathered like the textures but without the seam
  // fill (weights are zero outside the islands).
  at::Tensor rows = at::zeros({I.buffer_rows}, at::kFloat);
  const at::Tensor& s = I.eye.at("eye.s");
  const at::Tensor shell = I.eye.at("eye.sclera");
  const at::Tensor iris = at::sigmoid((1.02 - s) / 0.015) * shell;
  const at::Tensor pupil = at::sigmoid((I.eye.at("eye.pupil") - s) / 0.01);
  auto eye_rows = [&](const at::Tensor& w) { rows.narrow(0, I.eye_offset, I.eye_count).copy_(w); };
  bool known = true;
  std::vector<std::string> skin_names;
  if (region == "irises") {
    eye_rows(iris * (1 - pupil));
  } else if (region == "sclera") {
    eye_rows((1 - iris) * shell * at::sigmoid((2.0 - s) / 0.1));
  } else if (region == "teeth") {
    rows.narrow(0, I.teeth_offset, I.teeth_count).fill_(1.0f);
  } else if (region == "gums") {
    rows.narrow(0, I.gums_offset, I.gums_count).fill_(1.0f);
  } else if (region == "eyelashes") {
    rows.narrow(0, I.lashes_offset, I.lashes_count).fill_(1.0f);
  } else if (region == "mouth_interior") {
    const LayerRows& l = I.layers.at("sockets");
    rows.index_copy_(0, l.rows, l.field.at("mouth"));
  } else if (region == "eyes") {
    eye_rows(at::maximum(iris * (1 - pupil), (1 - iris) * shell * at::sigmoid((2.0 - s) / 0.1)));
    rows.narrow(0, I.lashes_offset, I.lashes_count).fill_(1.0f);
    skin_names = {"eyelids"};
  } else if (I.regions->contains(region)) {
    skin_names = {region};
  } else {
    known = false;
  }
  if (!known) I.regions->index(region);  // throws InputError with suggestions
  at::Tensor out = rows.index_select(0, I.source).reshape({face::kTileCount, R, R}) * I.coverage.to(at::kFloat);
  if (region == "teeth" || region == "gums" || region == "eyelashes" || region == "irises" || region == "sclera" ||
      region == "mouth_interior") {
    // done
  } else if (!skin_names.empty()) {
    for (int tile : {face::kFaceTile, face::kBackHeadTile}) {
      at::Tensor m = I.regions->uv_masks(skin_names, tile, R)[0];
      at::Tensor cur = out[tile];
      cur.copy_(at::maximum(cur, m));
    }
  }
  (void)tile_texels;
  std::lock_guard<std::mutex> lock(I.region_mutex);
  I.region_cache[region] = out;
  return out;
}

TextureSet generate(const AppearanceParams& params, const Residuals& residuals, const GenerateOptions& options) {
  return AppearanceModel::get(options.resolution, options.seed)->generate(params, residuals, options.layers);
}

}  // namespace likeness::appearance
