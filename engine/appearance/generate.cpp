// AppearanceModel::generate: parameters -> textures, LibTorch operations only (differentiable).
// The skin is computed per covered texel of tiles 0 and 1, then the layers (spots, lips, makeup,
// hair) are composited on their own subsets of those texels; the eyeball, teeth, gums and lash
// tiles have their own small formulas. One gather assembles the UDIM stacks with the seam fill.
#include <ATen/ATen.h>

#include <cmath>

#include "engine/appearance/appearance_model.h"
#include "engine/appearance/detail/model_impl.h"
#include "engine/appearance/detail/rows.h"
#include "engine/appearance/detail/skin_layout.h"
#include "engine/appearance/skin_pigments.h"
#include "engine/core/error.h"
#include "engine/face/topology.h"

namespace likeness::appearance {

namespace {

// Age onsets of the wrinkle sets (years at half depth, spread in years) and depths in mm, in the
// order of detail::wrinkle_sets(): forehead, glabella, crow's feet, under-eye, nasolabial,
// marionette, perioral, neck.
constexpr float kWrinkleMid[] = {36, 42, 40, 46, 40, 56, 60, 50};
constexpr float kWrinkleSpread[] = {7, 7, 6, 7, 10, 6, 6, 8};
constexpr float kWrinkleDepth[] = {0.32f, 0.28f, 0.25f, 0.2f, 0.7f, 0.4f, 0.15f, 0.35f};
constexpr float kWrinkleBase[] = {0.0f, 0.0f, 0.0f, 0.0f, 0.25f, 0.0f, 0.0f, 0.0f};  // present at any age

at::Tensor srgb_to_linear(const at::Tensor& c) {
  at::Tensor x = c.clamp(0.0, 1.0);
  return at::where(x <= 0.04045, x / 12.92, at::pow((x + 0.055) / 1.055, 2.4));
}

at::Tensor mix(const at::Tensor& a, const at::Tensor& b, const at::Tensor& t) { return a + (b - a) * t; }

// Column vector [n] -> [n, 1] for blending against [n, 3].
at::Tensor col(const at::Tensor& t) { return t.unsqueeze(-1); }

// Rec. 709 luminance of linear RGB [..., 3].
at::Tensor luminance(const at::Tensor& rgb) {
  return rgb.select(-1, 0) * 0.2126 + rgb.select(-1, 1) * 0.7152 + rgb.select(-1, 2) * 0.0722;
}

// Visible coverage of a layer's strands at density d: the two lowest-ranked strands of each
// texel, each shown with a smooth step of width 0.04 around its rank. Returns (alpha, shade,
// tilt [n, 2]).
struct Strands {
  at::Tensor alpha, shade, tilt;
};

Strands strands(const LayerRows& l, const std::string& prefix, const at::Tensor& density) {
  auto f = [&](int k, const char* what) -> const at::Tensor& { return l.field.at(prefix + "." + std::to_string(k) + "." + what); };
  at::Tensor w0 = f(0, "alpha") * at::sigmoid((density - f(0, "rank")) / 0.04);
  at::Tensor w1 = f(1, "alpha") * at::sigmoid((density - f(1, "rank")) / 0.04);
  Strands s;
  s.alpha = 1 - (1 - w0) * (1 - w1);
  s.shade = (w0 * f(0, "shade") + w1 * f(1, "shade") + 0.5e-3) / (w0 + w1 + 1e-3);
  s.tilt = col(w0) * f(0, "tilt") + col(w1) * f(1, "tilt");
  return s;
}

// Composites `color` ([n, 3] or [3]) over the rows of `albedo` with coverage alpha [n].
at::Tensor over(const at::Tensor& albedo, const at::Tensor& rows, const at::Tensor& color, const at::Tensor& alpha) {
  at::Tensor sub = detail::take_rows(albedo, rows);
  return detail::put_rows(albedo, rows, mix(sub, color.dim() == 1 ? color.unsqueeze(0) : color, col(alpha)));
}

}  // namespace

TextureSet AppearanceModel::generate(const AppearanceParams& params, const Residuals& residuals, bool want_layers) const {
  const Impl& I = *impl_;
  const AppearanceSchema& schema = params.schema();
  if (!params.values.defined() || params.values.dim() != 1 || params.values.size(0) != schema.size())
    throw InputError("appearance parameters: expected a tensor [" + std::to_string(schema.size()) + "]");
  residuals.validate();
  const int R = I.resolution;

  // Parameters, clamped into range (gradient passes inside the range).
  at::Tensor v = at::minimum(at::maximum(params.values.to(at::kFloat), schema.lower_bounds()), schema.upper_bounds());
  auto P = [&](const char* id) { return v.select(0, schema.offset(id)); };
  auto C = [&](const char* id) { return srgb_to_linear(v.narrow(0, schema.offset(id), 3)); };
  auto sig = [](const at::Tensor& x) { return at::sigmoid(x); };

  const at::Tensor age = P("skin.age");
  const at::Tensor ageing = sig((age - 50.0) / 8.0);  // 0 young .. 1 old
  const at::Tensor unevenness = (P("skin.unevenness") + 0.5 * ageing).clamp(0.0, 1.5);

  // ---- Pigment colours: one spectral evaluation for every colour the skin needs.
  Pigments base = SkinPigmentModel::skin(P("skin.melanin"), P("skin.hemoglobin"), P("skin.undertone"));
  const at::Tensor cm = base.melanin, ch = base.hemoglobin;
  const double dm = 0.01, dh = 0.004;
  const at::Tensor lip_blood = 0.08 + 0.25 * P("lips.redness");
  auto stack = [](std::initializer_list<at::Tensor> xs) { return at::stack(std::vector<at::Tensor>(xs)); };
  const at::Tensor one = at::ones({}, v.options());
  Pigments rows;
  //                    base  m+    m-          h+       h-              freckle         mole      age spot          lips       gums
  rows.melanin = stack({cm, cm + dm, (cm - dm).clamp_min(1e-4), cm, cm, cm * 1.8 + 0.045, cm + 0.3, cm * 1.5 + 0.05, cm * 0.85, cm * 0.12});
  rows.hemoglobin = stack({ch, ch, ch, ch + dh, (ch - dh).clamp_min(1e-4), ch, ch, ch, lip_blood, 0.3 * one});
  rows.carotene = stack({base.carotene, base.carotene, base.carotene, base.carotene, base.carotene, base.carotene, base.carotene,
                         base.carotene, base.carotene + 1.0, 0.3 * one});
  rows.eumelanin = stack({base.eumelanin, base.eumelanin, base.eumelanin, base.eumelanin, base.eumelanin, base.eumelanin,
                          base.eumelanin, base.eumelanin, base.eumelanin, base.eumelanin});
  rows.oxygenation = stack({base.oxygenation, base.oxygenation, base.oxygenation, base.oxygenation, base.oxygenation,
                            base.oxygenation, base.oxygenation, base.oxygenation, 0.95 * one, 0.95 * one});
  rows.epidermis_mm = at::tensor({0.055f, 0.055f, 0.055f, 0.055f, 0.055f, 0.055f, 0.055f, 0.055f, 0.025f, 0.02f}, v.options());
  const at::Tensor colors = I.pigments->albedo(rows).clamp(1e-4, 1.0);  // [10, 3]
  const at::Tensor log_colors = at::log(colors);
  const at::Tensor k_m = (log_colors[2] - log_colors[1]) / (cm + dm - (cm - dm).clamp_min(1e-4));  // -dlogA/dCm
  const at::Tensor k_h = (log_colors[4] - log_colors[3]) / (ch + dh - (ch - dh).clamp_min(1e-4));

  // ---- Skin: pigment variation as local Beer-Lambert absorbance around the base colour.
  const at::Tensor d_cm = cm * (unevenness * I.skin.at("noise.melanin") + I.skin.at("rel.melanin"));
  const at::Tensor d_ch = ch * (unevenness * 0.45 * I.skin.at("noise.blood") + I.skin.at("rel.blood")) +
                          0.035 * P("skin.blush") * I.skin.at("zone.blush") + 0.035 * P("skin.redness") * I.skin.at("zone.redness");
  const at::Tensor variation = at::exp(-(col(d_cm) * k_m + col(d_ch) * k_h));  // [N, 3]
  at::Tensor albedo = colors[0].unsqueeze(0) * variation;
  at::Tensor tilt = I.skin.at("micro") * (0.03 + 0.03 * ageing);  // [N, 2], mm
  at::Tensor rough = I.skin.at("rough.base") + 0.06 * ageing - P("skin.oiliness") * (0.25 * I.skin.at("zone.tzone") + 0.05);
  std::map<std::string, std::pair<at::Tensor, at::Tensor>> layer_out;  // name -> (rows, alpha)

  auto spots = [&](const char* name, const at::Tensor& density, const at::Tensor& color, double strength, double softness) {
    const LayerRows& l = I.layers.at(name);
    at::Tensor alpha = l.field.at("alpha") * sig((density - l.field.at("rank")) / softness) * (1 - strength + strength * l.field.at("shade"));
    if (l.field.count("zone")) alpha = alpha * l.field.at("zone");
    albedo = over(albedo, l.rows, color.unsqueeze(0) * detail::take_rows(variation, l.rows), alpha);
    return std::make_pair(l.rows, alpha);
  };
  layer_out["freckles"] = spots("freckles", P("skin.freckles"), colors[5], 0.45, 0.04);
  spots("age_spots", ageing * (0.3 + 0.7 * P("skin.unevenness")) - 0.1, colors[7], 0.35, 0.05);
  layer_out["moles"] = spots("moles", 0.6 * P("skin.moles"), colors[6], 0.3, 0.03);

  // Wrinkles: darkness in the albedo, tilt in the normal map.
  {
    const LayerRows& l = I.layers.at("wrinkles");
    std::vector<at::Tensor> weights;
    for (std::size_t k = 0; k < detail::wrinkle_sets().size(); ++k)
      weights.push_back(kWrinkleDepth[k] * (kWrinkleBase[k] + sig((age - kWrinkleMid[k]) / kWrinkleSpread[k]) + 0.8 * P("skin.wrinkles")));
    const at::Tensor depth = at::stack(weights);  // [K] mm
    const at::Tensor crease = P("eyes.crease");
    const at::Tensor dark = (at::matmul(l.field.at("groove"), depth) * 0.25 + 0.1 * crease * l.field.at("crease")).clamp_max(0.35);
    const at::Tensor sub = detail::take_rows(albedo, l.rows) * col(1 - dark);
    albedo = detail::put_rows(albedo, l.rows, sub);
    const at::Tensor t = at::matmul(l.field.at("tilt"), depth) + l.field.at("crease_tilt") * (0.35 * crease);
    tilt = detail::add_rows(tilt, l.rows, t);
  }

  // Lips: their own pigment colour (thin epidermis, more blood), saturation, vertical lines.
  const LayerRows& lips = I.layers.at("lips");
  {
    at::Tensor lip = colors[8];
    const at::Tensor lum = luminance(lip);
    lip = (lum + (lip - lum) * (0.4 + 1.2 * P("lips.saturation"))).clamp(1e-3, 1.0);
    const at::Tensor detail = 1 - 0.12 * lips.field.at("lines") - 0.15 * lips.field.at("corners");
    const at::Tensor color = lip.unsqueeze(0) * detail::take_rows(variation, lips.rows) * col(detail);
    albedo = over(albedo, lips.rows, color, lips.field.at("mask"));
    rough = detail::put_rows(rough, lips.rows, mix(detail::take_rows(rough, lips.rows), 0.36 * one, lips.field.at("mask")));
  }
  // Mouth and eye sockets: wet, darker mucosa.
  {
    const LayerRows& l = I.layers.at("sockets");
    const at::Tensor color = col(l.field.at("mouth")) * (colors[9] * 0.35).unsqueeze(0) + col(l.field.at("eye")) * (colors[9] * 0.7).unsqueeze(0);
    albedo = over(albedo, l.rows, color / col(l.field.at("mouth") + l.field.at("eye")).clamp_min(1.0), (l.field.at("mouth") + l.field.at("eye")).clamp_max(1.0));
    rough = detail::put_rows(rough, l.rows, mix(detail::take_rows(rough, l.rows), 0.25 * one, (l.field.at("mouth") + l.field.at("eye")).clamp_max(1.0)));
  }

  // Makeup under the hair: eyeshadow, lipstick.
  {
    const LayerRows& l = I.layers.at("shadow");
    const at::Tensor alpha = P("makeup.eyeshadow.opacity") * l.field.at("alpha");
    albedo = over(albedo, l.rows, C("makeup.eyeshadow.color"), alpha);
    layer_out["eyeshadow"] = {l.rows, alpha};
  }
  {
    const at::Tensor alpha = 0.95 * P("makeup.lipstick.opacity") * lips.field.at("mask");
    albedo = over(albedo, lips.rows, C("makeup.lipstick.color"), alpha);
    rough = detail::put_rows(rough, lips.rows, detail::take_rows(rough, lips.rows) - 0.12 * alpha);
    layer_out["lipstick"] = {lips.rows, alpha};
  }

  // Hair. Each layer: an extent (which part of its zone the coverage fills, in a fixed order), a
  // soft under-coat that makes dense hair read as hair from afar, and the strands.
  auto hair_layer = [&](const LayerRows& l, const at::Tensor& alpha_base, const at::Tensor& color, const Strands& s,
                        double lean) {
    at::Tensor sub = detail::take_rows(albedo, l.rows);
    sub = mix(sub, (color * 0.85).unsqueeze(0), col(alpha_base));
    const at::Tensor strand_color = color.unsqueeze(0) * col(0.7 + 0.6 * s.shade);
    sub = mix(sub, strand_color, col(s.alpha));
    albedo = detail::put_rows(albedo, l.rows, sub);
    tilt = detail::add_rows(tilt, l.rows, s.tilt * lean);
    const at::Tensor total = 1 - (1 - alpha_base) * (1 - s.alpha);
    rough = detail::put_rows(rough, l.rows, mix(detail::take_rows(rough, l.rows), 0.62 * one, total));
    return total;
  };
  {
    // Stubble: a grey-blue shadow of hair under the skin, then short dark stubs.
    const LayerRows& l = I.layers.at("stubble");
    const at::Tensor cover = P("stubble.coverage");
    const at::Tensor zone = l.field.at("zone");
    const at::Tensor shadow = 0.3 * cover * (0.5 + 0.5 * P("stubble.density")) * zone;
    albedo = detail::put_rows(albedo, l.rows, detail::take_rows(albedo, l.rows) * col(1 - shadow));
    Strands s = strands(l, "hair", P("stubble.density"));
    s.alpha = s.alpha * cover * zone;
    s.tilt = s.tilt * col(cover * zone);
    const at::Tensor total = hair_layer(l, at::zeros_like(zone), C("stubble.color"), s, 0.5);
    layer_out["stubble"] = {l.rows, total};
  }
  // A texel's hair appears once the coverage passes its threshold: extent 1 (fills first) at 0.02,
  // extent 0 (fills last) at 0.84, so coverage 1 fills the whole zone (to 98 %), not only half of
  // its last-filling part (the crown and temples of a full head of hair).
  auto extent = [&](const LayerRows& l, const at::Tensor& coverage) {
    const at::Tensor threshold = 0.02 + 0.82 * (1 - l.field.at("extent"));
    return sig((coverage - threshold) / 0.04) * l.field.at("mask") * sig((coverage - 0.02) / 0.02);
  };
  {
    const LayerRows& l = I.layers.at("scalp");
    const at::Tensor ext = extent(l, P("hair.coverage"));
    Strands s = strands(l, "short", 0.92 * one);
    s.alpha = s.alpha * ext;
    s.tilt = s.tilt * col(ext);
    layer_out["scalp_hair"] = {l.rows, hair_layer(l, 0.8 * ext, C("hair.color"), s, 0.8)};
  }
  for (const char* name : {"beard", "moustache"}) {
    const LayerRows& l = I.layers.at(name);
    const std::string id = name;
    const at::Tensor density = P((id + ".density").c_str()), length = P((id + ".length").c_str());
    // Hair thins out toward the zone's border along a ragged line (noise), and grows in patches: a
    // full beard does not end in a painted edge.
    const at::Tensor noise = l.field.at("noise");
    const at::Tensor edge = sig((l.field.at("mask") - 0.55 + 0.3 * noise) / 0.12);
    const at::Tensor ext = extent(l, P((id + ".coverage").c_str())) * edge;
    const at::Tensor local_density = density * (0.35 + 0.65 * edge) * (0.85 + 0.15 * noise);
    Strands s_short = strands(l, "short", local_density), s_long = strands(l, "long", local_density);
    Strands s;
    s.alpha = mix(s_short.alpha, s_long.alpha, length) * ext;
    s.shade = mix(s_short.shade, s_long.shade, length);
    s.tilt = mix(s_short.tilt, s_long.tilt, length) * col(ext);
    const at::Tensor base_alpha = ext * local_density * (0.3 + 0.6 * length);
    layer_out[name] = {l.rows, hair_layer(l, base_alpha, C((id + ".color").c_str()), s, 0.9)};
  }
  {
    // Brows: the shape (thickness, arch) decides where they are; density which hairs show.
    const LayerRows& l = I.layers.at("brows");
    const at::Tensor centre = 0.05 + (P("brows.arch") - 0.2) * 0.35 * l.field.at("hump");
    const at::Tensor half = (0.17 + 0.5 * P("brows.thickness")) * l.field.at("taper");
    const at::Tensor off = at::sqrt(at::pow(l.field.at("yrel") - centre, 2) + 1e-4);
    const at::Tensor inside = sig((half - off) / 0.05) * l.field.at("caps") * l.field.at("zone");
    const at::Tensor density = P("brows.density");
    Strands s = strands(l, "hair", density);
    s.alpha = s.alpha * inside;
    s.tilt = s.tilt * col(inside);
    layer_out["brows"] = {l.rows, hair_layer(l, inside * (0.15 + 0.4 * density), C("brows.color"), s, 0.8)};
  }
  {
    const LayerRows& l = I.layers.at("liner");
    const at::Tensor alpha = P("makeup.eyeliner.opacity") * l.field.at("alpha");
    albedo = over(albedo, l.rows, C("makeup.eyeliner.color"), alpha);
    layer_out["eyeliner"] = {l.rows, alpha};
  }
  albedo = albedo.clamp(0.0, 1.0);
  at::Tensor skin_normal = at::cat({tilt, at::ones({I.skin_count, 1}, v.options())}, 1);
  skin_normal = skin_normal / skin_normal.norm(2, 1, true);
  rough = rough.clamp(0.05, 1.0);

  // ---- Eyeballs (the shell's polar layout: iris inside s < 1).
  at::Tensor eye_albedo, eye_rough;
  {
    const auto& e = I.eye;
    const at::Tensor& s = e.at("eye.s");
    const at::Tensor detail = P("iris.detail");
    at::Tensor pattern = 1 + detail * (0.45 * e.at("eye.fibres") - 0.55 * e.at("eye.crypts") + 0.5 * e.at("eye.collarette"));
    pattern = pattern.clamp(0.15, 2.5) * (1 - 0.3 * s.clamp(0.0, 1.0).pow(2));
    const at::Tensor ring = at::exp(-at::pow((s - 0.97) / 0.07, 2));
    at::Tensor iris = C("iris.color").unsqueeze(0) * col(pattern * (1 - 0.85 * P("iris.limbal_ring") * ring));
    const at::Tensor pupil = sig((e.at("eye.pupil") - s) / 0.01);
    iris = mix(iris, at::full({1, 3}, 0.012, v.options()), col(pupil));
    const at::Tensor vein_color = at::tensor({0.0f, 0.55f, 0.6f}, v.options()).unsqueeze(0);
    const at::Tensor sclera = C("sclera.tint").unsqueeze(0) * (1 - col(e.at("eye.veins")) * vein_color) *
                              col(1 - 0.15 * (s.clamp(1.5, 3.0) - 1.5) / 1.5);
    const at::Tensor w = sig((1.02 - s) / 0.015);
    eye_albedo = mix(sclera, iris, col(w));
    // Texels only the hidden inner iris mesh covers: dark.
    eye_albedo = mix((C("iris.color") * 0.08).unsqueeze(0).expand({I.eye_count, 3}), eye_albedo, col(e.at("eye.sclera")));
    eye_rough = mix(0.14 * one, 0.04 * one, sig((1.15 - s) / 0.03));
  }
  // ---- Teeth (yellowing slightly with age), gums, lashes.
  const at::Tensor teeth_color = mix(at::tensor({0.80f, 0.76f, 0.63f}, v.options()), at::tensor({0.72f, 0.63f, 0.45f}, v.options()),
                                      sig((age - 60.0) / 12.0));
  const at::Tensor teeth_albedo =
      teeth_color.unsqueeze(0) * col((0.4 + 0.6 * I.teeth.at("part.front")) * (1 + 0.04 * I.teeth.at("noise.part")));
  const at::Tensor gums_albedo = colors[9].unsqueeze(0) * col((0.45 + 0.55 * I.gums.at("part.front")) * (1 + 0.08 * I.gums.at("noise.part")));
  const at::Tensor lash_color =
      mix(C("brows.color") * 0.7, at::tensor({0.012f, 0.010f, 0.009f}, v.options()), P("lashes.darkness"));
  const at::Tensor lashes_albedo = lash_color.unsqueeze(0).expand({I.lashes_count, 3});

  // ---- Assembly.
  const at::Tensor constant_albedo = at::full({face::kTileCount, 3}, 0.5, v.options());
  at::Tensor albedo_rows = at::cat({albedo, eye_albedo, teeth_albedo, gums_albedo, lashes_albedo, constant_albedo}, 0);
  const long others = I.buffer_rows - I.skin_count;
  at::Tensor flat = at::zeros({others, 3}, v.options());
  flat.select(1, 2).fill_(1.0f);
  at::Tensor normal_rows = at::cat({skin_normal, flat}, 0);
  at::Tensor rough_rows = at::cat({rough, eye_rough, at::full({I.teeth_count}, 0.25, v.options()),
                                   at::full({I.gums_count}, 0.22, v.options()), at::full({I.lashes_count}, 0.45, v.options()),
                                   at::full({face::kTileCount}, 0.5, v.options())},
                                  0);
  TextureSet out;
  out.resolution = R;
  out.albedo = detail::take_rows(albedo_rows, I.source).reshape({face::kTileCount, R, R, 3});
  out.normal = detail::take_rows(normal_rows, I.source).reshape({face::kTileCount, R, R, 3});
  out.roughness = detail::take_rows(rough_rows, I.source).reshape({face::kTileCount, R, R, 1});

  // ---- Residuals.
  auto upsample = [&](const at::Tensor& r) {
    if (r.size(1) == R) return r;
    // Contiguous NCHW: LibTorch's channels-last bilinear kernel is several times slower for 3 channels.
    const at::Tensor nchw = r.permute({0, 3, 1, 2}).contiguous();
    return at::upsample_bilinear2d(nchw, {R, R}, /*align_corners=*/false).permute({0, 2, 3, 1});
  };
  if (residuals.albedo.defined()) out.albedo = (out.albedo + upsample(residuals.albedo)).clamp(0.0, 1.0);
  if (residuals.normal.defined()) {
    at::Tensor nrm = out.normal + upsample(residuals.normal);
    out.normal = nrm * at::rsqrt((nrm * nrm).sum(-1, true).clamp_min(1e-12));
  }

  if (want_layers) {
    for (const auto& name : layer_names()) {
      at::Tensor rows_alpha = at::zeros({I.buffer_rows}, v.options());
      auto it = layer_out.find(name);
      if (it != layer_out.end()) rows_alpha = detail::add_rows(rows_alpha, it->second.first, it->second.second);
      out.layers[name] = detail::take_rows(rows_alpha, I.source).reshape({face::kTileCount, R, R}) * I.coverage.to(at::kFloat);
    }
  }
  return out;
}

}  // namespace likeness::appearance
