#include "engine/appearance/skin_pigments.h"

#include <ATen/ATen.h>

#include <cmath>
#include <mutex>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"

namespace likeness::appearance {

namespace {

constexpr int kSamples = 41;  // 380..780 nm every 10 nm

// Stratum corneum: baseline absorption over 15 um, grey scattering S d = 0.004 (calibrated so
// that very dark skin keeps the slight sheen of measured albedo instead of a pure pigment colour).
constexpr double kCorneumMm = 0.015;
constexpr double kCorneumScattering = 0.004;

std::vector<double> spectrum(const Json& j, const char* key, const std::string& source) {
  std::vector<double> v = json_field<std::vector<double>>(j, key, source);
  if (v.size() != kSamples) throw_json_error(source, key, "expected 41 samples (380..780 nm every 10 nm)");
  return v;
}

at::Tensor to_tensor(const std::vector<double>& v) { return at::tensor(v, at::kDouble).to(at::kFloat); }

// Kubelka-Munk reflectance and transmittance of a layer of thickness d (K, S per unit length),
// in the overflow-free form R = t / (a t + b), T = b / ((a t + b) cosh(b S d)), t = tanh(b S d).
std::pair<at::Tensor, at::Tensor> km_layer(const at::Tensor& k, const at::Tensor& s, const at::Tensor& d) {
  at::Tensor a = 1 + k / s;
  at::Tensor b = at::sqrt((a * a - 1).clamp_min(1e-12));
  at::Tensor x = (b * s * d).clamp_max(40.0);
  at::Tensor t = at::tanh(x);
  at::Tensor den = a * t + b;
  return {t / den, b / (den * at::cosh(x))};
}

// Light through layer 1 onto layer 2 (no transmittance needed below).
at::Tensor stack(const at::Tensor& r1, const at::Tensor& t1, const at::Tensor& r2) { return r1 + t1 * t1 * r2 / (1 - r1 * r2); }

}  // namespace

std::shared_ptr<const SkinPigmentModel> SkinPigmentModel::load_default() {
  static std::mutex mutex;
  static std::shared_ptr<const SkinPigmentModel> model;
  std::lock_guard<std::mutex> lock(mutex);
  if (model) return model;
  const auto path = require_resource("appearance/spectra.json");
  const std::string source = path.string();
  Json j = load_json_file(path);
  std::vector<double> lambda = spectrum(j, "wavelength_nm", source);
  for (int i = 0; i < kSamples; ++i)
    if (std::abs(lambda[static_cast<std::size_t>(i)] - (380.0 + 10.0 * i)) > 1e-6)
      throw_json_error(source, "wavelength_nm", "expected 380, 390, ..., 780");
  std::vector<double> cx = spectrum(j, "cie_x", source), cy = spectrum(j, "cie_y", source), cz = spectrum(j, "cie_z", source);
  std::vector<double> d65 = spectrum(j, "d65", source), hbo2 = spectrum(j, "hbo2", source), hb = spectrum(j, "hb", source);
  std::vector<double> car = spectrum(j, "carotene", source);

  std::shared_ptr<SkinPigmentModel> m(new SkinPigmentModel());
  std::vector<double> eu(kSamples), pheo(kSamples), base(kSamples), oxy(kSamples), deoxy(kSamples), scat(kSamples);
  for (int i = 0; i < kSamples; ++i) {
    const std::size_t k = static_cast<std::size_t>(i);
    const double l = lambda[k];
    // Jacques (1998), Donner & Jensen (2006): melanosome absorption in 1/cm, here in 1/mm.
    eu[k] = 6.6e11 * std::pow(l, -3.33) / 10.0;
    pheo[k] = 2.9e15 * std::pow(l, -4.75) / 10.0;
    // Jacques (1998): bloodless skin baseline 0.244 + 85.3 exp(-(l - 154) / 66.2) 1/cm.
    base[k] = (0.244 + 85.3 * std::exp(-(l - 154.0) / 66.2)) / 10.0;
    // Prahl: mu_a = 2.303 e(l) x / 64500 for x = 150 g/L of haemoglobin in whole blood (1/cm).
    oxy[k] = 2.303 * hbo2[k] * 150.0 / 64500.0 / 10.0;
    deoxy[k] = 2.303 * hb[k] * 150.0 / 64500.0 / 10.0;
    // Jacques (1996): dermal reduced scattering 2e5 l^-1.5 + 2e12 l^-4 1/cm (Mie + Rayleigh).
    scat[k] = (2e5 * std::pow(l, -1.5) + 2e12 * std::pow(l, -4.0)) / 10.0;
  }
  m->lambda_ = to_tensor(lambda);
  m->eumelanin_ = to_tensor(eu);
  m->pheomelanin_ = to_tensor(pheo);
  m->baseline_ = to_tensor(base);
  m->blood_oxy_ = to_tensor(oxy);
  m->blood_deoxy_ = to_tensor(deoxy);
  m->carotene_ = to_tensor(car);
  m->scattering_ = to_tensor(scat);

  // Spectrum -> XYZ under D65 (Y of a perfect white = 1) -> linear sRGB (IEC 61966-2-1), divided
  // by the white's own RGB so that a perfect reflector is exactly (1, 1, 1) on this 10 nm grid.
  const double srgb[3][3] = {{3.2404542, -1.5371385, -0.4985314}, {-0.9692660, 1.8760108, 0.0415560}, {0.0556434, -0.2040259, 1.0572252}};
  double norm = 0.0;
  for (int i = 0; i < kSamples; ++i) norm += d65[static_cast<std::size_t>(i)] * cy[static_cast<std::size_t>(i)];
  std::vector<double> mat(kSamples * 3);
  double white[3] = {0, 0, 0};
  for (int i = 0; i < kSamples; ++i) {
    const std::size_t k = static_cast<std::size_t>(i);
    const double xyz[3] = {d65[k] * cx[k] / norm, d65[k] * cy[k] / norm, d65[k] * cz[k] / norm};
    for (int c = 0; c < 3; ++c) {
      double v = srgb[c][0] * xyz[0] + srgb[c][1] * xyz[1] + srgb[c][2] * xyz[2];
      mat[k * 3 + static_cast<std::size_t>(c)] = v;
      white[c] += v;
    }
  }
  for (int i = 0; i < kSamples; ++i)
    for (int c = 0; c < 3; ++c) mat[static_cast<std::size_t>(i) * 3 + static_cast<std::size_t>(c)] /= white[c];
  m->to_rgb_ = at::tensor(mat, at::kDouble).reshape({kSamples, 3}).to(at::kFloat);
  model = m;
  return model;
}

Pigments SkinPigmentModel::skin(const at::Tensor& melanin, const at::Tensor& hemoglobin, const at::Tensor& undertone) {
  Pigments p;
  p.melanin = 0.005 + 0.495 * at::pow(melanin.clamp(0.0, 1.0) + 1e-6, 1.65);
  p.hemoglobin = 0.002 + 0.058 * hemoglobin.clamp_min(0.0);
  p.carotene = 0.6 * (1 + undertone.clamp(-1.0, 1.0));
  p.eumelanin = 0.76 - 0.25 * undertone.clamp(-1.0, 1.0);
  p.oxygenation = 0.75 - 0.12 * undertone.clamp(-1.0, 1.0);
  p.epidermis_mm = at::full({}, 0.055, melanin.options());
  return p;
}

at::Tensor SkinPigmentModel::reflectance(const Pigments& p) const {
  auto col = [](const at::Tensor& t) { return t.unsqueeze(-1); };  // [...] -> [..., 1] against [L]
  at::Tensor cm = col(p.melanin), ch = col(p.hemoglobin), cc = col(p.carotene);
  at::Tensor beta = col(p.eumelanin), gamma = col(p.oxygenation), d = col(p.epidermis_mm);
  at::Tensor s = 0.75 * scattering_;
  at::Tensor mu_epi = cm * (beta * eumelanin_ + (1 - beta) * pheomelanin_) + cc * carotene_ + (1 - cm) * baseline_;
  at::Tensor mu_derm = ch * (gamma * blood_oxy_ + (1 - gamma) * blood_deoxy_) + (1 - ch) * baseline_;
  auto [r_sc, t_sc] = km_layer(2 * kCorneumMm * baseline_, at::full({}, kCorneumScattering, s.options()), at::ones({}, s.options()));
  auto [r_epi, t_epi] = km_layer(2 * mu_epi, s, d);
  at::Tensor q = 2 * mu_derm / s;
  at::Tensor r_derm = 1 + q - at::sqrt(q * q + 2 * q);
  return stack(r_sc, t_sc, stack(r_epi, t_epi, r_derm));
}

at::Tensor SkinPigmentModel::spectrum_to_rgb(const at::Tensor& spectra) const { return at::matmul(spectra, to_rgb_); }

at::Tensor SkinPigmentModel::albedo(const Pigments& pigments) const { return spectrum_to_rgb(reflectance(pigments)); }

at::Tensor SkinPigmentModel::skin_albedo(const at::Tensor& melanin, const at::Tensor& hemoglobin, const at::Tensor& undertone) const {
  return albedo(skin(melanin, hemoglobin, undertone));
}

}  // namespace likeness::appearance
