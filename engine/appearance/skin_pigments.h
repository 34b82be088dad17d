#pragma once
// The two-pigment skin model: melanin and haemoglobin concentrations to linear sRGB albedo, by
// a spectral Kubelka-Munk model of three layers, integrated against the CIE observer under D65.
// Differentiable (LibTorch) in every concentration. Formulas and the origin of every constant:
// docs/appearance.md, "Skin tone".
//
//   layer             absorption mu_a(lambda) [1/mm]                           scattering
//   stratum corneum   baseline                                                 grey, S d = 0.004
//   epidermis         Cm (b mu_eu + (1 - b) mu_pheo) + Cc car + (1 - Cm) base  S = 3/4 mu_s'
//   dermis (inf.)     Ch (g mu_HbO2 + (1 - g) mu_Hb) + (1 - Ch) base           S = 3/4 mu_s'
//
// K = 2 mu_a; finite layers use the Kubelka-Munk hyperbolic solution, the dermis its infinite
// limit R = 1 + K/S - sqrt((K/S)^2 + 2 K/S); layers combine by R = R1 + T1^2 R2 / (1 - R1 R2).
#include <ATen/core/Tensor.h>

#include <memory>

namespace likeness::appearance {

/// Pigment concentrations of one skin sample (tensors broadcast against each other).
struct Pigments {
  at::Tensor melanin;      ///< Cm: melanosome volume fraction of the epidermis (0.005 .. 0.5)
  at::Tensor hemoglobin;   ///< Ch: blood volume fraction of the dermis (0.002 .. 0.06 skin; lips ~0.2)
  at::Tensor carotene;     ///< Cc: carotene absorption at its 450 nm peak, 1/mm
  at::Tensor eumelanin;    ///< b: eumelanin share of the melanin (rest pheomelanin)
  at::Tensor oxygenation;  ///< g: oxygenated share of the haemoglobin
  at::Tensor epidermis_mm; ///< epidermis thickness in mm (0.055 face skin, 0.025 lips)
};

class SkinPigmentModel {
public:
  /// The model with the spectra of resources/appearance/spectra.json (loaded once).
  static std::shared_ptr<const SkinPigmentModel> load_default();

  /// Concentrations for the artist parameters: melanin m in [0, 1] -> Cm = 0.005 + 0.495 m^1.65,
  /// haemoglobin h -> Ch = 0.002 + 0.058 h, undertone u in [-1, 1] -> carotene 0.6 (1 + u) / mm,
  /// eumelanin share 0.76 - 0.25 u, oxygenation 0.75 - 0.12 u; epidermis 0.055 mm.
  static Pigments skin(const at::Tensor& melanin, const at::Tensor& hemoglobin, const at::Tensor& undertone);

  /// Diffuse reflectance spectra [..., 41] (380..780 nm every 10 nm).
  at::Tensor reflectance(const Pigments& pigments) const;

  /// Linear sRGB albedo [..., 3] (D65 white maps to (1, 1, 1)).
  at::Tensor albedo(const Pigments& pigments) const;

  /// Shorthand: albedo(skin(melanin, hemoglobin, undertone)).
  at::Tensor skin_albedo(const at::Tensor& melanin, const at::Tensor& hemoglobin, const at::Tensor& undertone) const;

  /// Linear sRGB [..., 3] of reflectance spectra [..., 41].
  at::Tensor spectrum_to_rgb(const at::Tensor& spectra) const;

private:
  SkinPigmentModel() = default;
  at::Tensor lambda_;       // [L] nm
  at::Tensor eumelanin_;    // [L] 1/mm, per unit volume fraction
  at::Tensor pheomelanin_;  // [L]
  at::Tensor baseline_;     // [L]
  at::Tensor blood_oxy_;    // [L] 1/mm, whole blood
  at::Tensor blood_deoxy_;  // [L]
  at::Tensor carotene_;     // [L] relative, peak 1
  at::Tensor scattering_;   // [L] reduced scattering mu_s' 1/mm
  at::Tensor to_rgb_;       // [L, 3]: spectrum -> linear sRGB, white-normalised
};

}  // namespace likeness::appearance
