#include "engine/appearance/texture_set.h"

#include <ATen/ATen.h>

#include <cmath>

#include "engine/appearance/appearance_model.h"
#include "engine/core/error.h"
#include "engine/face/topology.h"
#include "engine/io/image_io.h"

namespace likeness::appearance {

TextureSet TextureSet::detached() const {
  TextureSet out;
  out.resolution = resolution;
  auto d = [](const at::Tensor& t) { return t.defined() ? t.detach() : t; };
  out.albedo = d(albedo);
  out.normal = d(normal);
  out.roughness = d(roughness);
  for (const auto& [name, t] : layers) out.layers[name] = d(t);
  return out;
}

Residuals Residuals::zeros(int resolution, bool requires_grad) {
  if (resolution < 1 || resolution > 8192) throw InputError("residual resolution " + std::to_string(resolution) + " is out of range 1..8192");
  Residuals r;
  r.albedo = at::zeros({face::kTileCount, resolution, resolution, 3}, at::kFloat);
  r.normal = at::zeros({face::kTileCount, resolution, resolution, 3}, at::kFloat);
  if (requires_grad) {
    r.albedo.requires_grad_(true);
    r.normal.requires_grad_(true);
  }
  return r;
}

void Residuals::validate(const std::string& source) const {
  auto check = [&](const at::Tensor& t, const char* name) {
    if (!t.defined()) return;
    if (t.dim() != 4 || t.size(0) != face::kTileCount || t.size(1) != t.size(2) || t.size(3) != 3 || t.size(1) < 1)
      throw InputError(source + ": field '" + name + "': expected a tensor [8, R, R, 3]");
    if (t.scalar_type() != at::kFloat) throw InputError(source + ": field '" + name + "': expected float32");
    // One reduction in double precision: cannot overflow for float32 input, and NaN or infinity
    // anywhere makes the sum non-finite (a full isfinite() pass costs as much as generate).
    if (!std::isfinite(t.detach().sum(at::kDouble).item<double>())) throw InputError(source + ": field '" + name + "': holds NaN or infinite values");
  };
  check(albedo, "albedo");
  check(normal, "normal");
}

at::Tensor residual_regularizer(const Residuals& residuals, const ResidualWeights& weights) {
  at::Tensor total = at::zeros({}, at::kFloat);
  auto term = [&](const at::Tensor& r, double factor) {
    if (!r.defined()) return;
    at::Tensor l2 = r.pow(2).mean();
    at::Tensor dx = (r.narrow(2, 1, r.size(2) - 1) - r.narrow(2, 0, r.size(2) - 1)).pow(2).mean();
    at::Tensor dy = (r.narrow(1, 1, r.size(1) - 1) - r.narrow(1, 0, r.size(1) - 1)).pow(2).mean();
    total = total + factor * (weights.l2 * l2 + weights.smoothness * (dx + dy));
  };
  term(residuals.albedo, 1.0);
  term(residuals.normal, weights.normal);
  return total;
}

namespace {

io::Image tile_image(const at::Tensor& tile) {
  at::Tensor t = tile.detach().to(at::kFloat).contiguous();
  io::Image image{static_cast<int>(t.size(1)), static_cast<int>(t.size(0)), static_cast<int>(t.size(2)), {}};
  image.pixels.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  return image;
}

}  // namespace

TextureFiles write_textures(const std::filesystem::path& folder, const TextureSet& textures, const std::vector<int>& tiles,
                            const TextureWriteOptions& options) {
  if (!textures.albedo.defined() || !textures.normal.defined() || !textures.roughness.defined())
    throw InputError("write_textures: the texture set is incomplete");
  if (options.bits != 8 && options.bits != 16) throw InputError("write_textures: PNG bit depth must be 8 or 16");
  std::filesystem::create_directories(folder);
  at::Tensor albedo = textures.albedo.detach(), normal = textures.normal.detach(), rough = textures.roughness.detach();
  if (options.model) {
    albedo = options.model->fill_seams(albedo);
    normal = options.model->fill_seams(normal);
    rough = options.model->fill_seams(rough);
  }
  TextureFiles files;
  for (int tile : tiles) {
    if (tile < 0 || tile >= albedo.size(0)) throw InputError("write_textures: no tile " + std::to_string(tile));
    const std::string number = std::to_string(udim(tile));
    const std::string a = options.stem + "_albedo." + number + ".png";
    const std::string n = options.stem + "_normal." + number + ".png";
    const std::string r = options.stem + "_roughness." + number + ".png";
    io::write_image(folder / a, tile_image(albedo[tile].clamp(0.0, 1.0)), {io::ColorEncoding::Srgb, options.bits});
    io::write_image(folder / n, tile_image((normal[tile] * 0.5 + 0.5).clamp(0.0, 1.0)), {io::ColorEncoding::Linear, options.bits});
    io::write_image(folder / r, tile_image(rough[tile].clamp(0.0, 1.0)), {io::ColorEncoding::Linear, options.bits});
    files.albedo[tile] = a;
    files.normal[tile] = n;
    files.roughness[tile] = r;
    if (options.exr_albedo) {
      const std::string e = options.stem + "_albedo." + number + ".exr";
      io::write_image(folder / e, tile_image(albedo[tile]), {io::ColorEncoding::Linear, 16});
      files.albedo_exr[tile] = e;
    }
  }
  return files;
}

}  // namespace likeness::appearance
