#include "engine/export/texture_bake.h"

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"

namespace likeness::exporter {

std::vector<std::uint8_t> uv_coverage(const ExportMesh& mesh, const std::vector<std::uint32_t>& materials, int width, int height) {
  std::vector<std::uint8_t> cover(static_cast<std::size_t>(width) * height, 0);
  std::vector<bool> wanted;
  for (std::uint32_t m : materials) {
    if (m >= wanted.size()) wanted.resize(m + 1, false);
    wanted[m] = true;
  }
  auto texel = [&](std::uint32_t corner, double& x, double& y) {
    const std::uint32_t uv = mesh.polygon_uvs[corner];
    x = mesh.uvs[2 * uv] * width;
    y = (1.0 - mesh.uvs[2 * uv + 1]) * height;
  };
  const std::vector<std::uint32_t> tris = fan_triangles(mesh, 0, static_cast<std::uint32_t>(mesh.polygon_count()));
  // fan_triangles lists corners polygon by polygon; find each triangle's polygon by walking along.
  std::uint32_t polygon = 0;
  for (std::size_t t = 0; t < tris.size(); t += 3) {
    while (mesh.polygon_offsets[polygon + 1] <= tris[t]) ++polygon;
    const std::uint32_t m = mesh.polygon_material[polygon];
    if (m >= wanted.size() || !wanted[m]) continue;
    double x[3], y[3];
    for (int k = 0; k < 3; ++k) texel(tris[t + k], x[k], y[k]);
    for (int k = 0; k < 3; ++k) {
      const int cx = std::clamp(static_cast<int>(std::floor(x[k])), 0, width - 1);
      const int cy = std::clamp(static_cast<int>(std::floor(y[k])), 0, height - 1);
      cover[static_cast<std::size_t>(cy) * width + cx] = 1;
    }
    const double area = (x[1] - x[0]) * (y[2] - y[0]) - (x[2] - x[0]) * (y[1] - y[0]);
    if (area == 0.0) continue;
    const int x0 = std::max(0, static_cast<int>(std::floor(std::min({x[0], x[1], x[2]}))));
    const int x1 = std::min(width - 1, static_cast<int>(std::ceil(std::max({x[0], x[1], x[2]}))));
    const int y0 = std::max(0, static_cast<int>(std::floor(std::min({y[0], y[1], y[2]}))));
    const int y1 = std::min(height - 1, static_cast<int>(std::ceil(std::max({y[0], y[1], y[2]}))));
    for (int py = y0; py <= y1; ++py)
      for (int px = x0; px <= x1; ++px) {
        const double cx = px + 0.5, cy = py + 0.5;
        const double w0 = ((x[1] - cx) * (y[2] - cy) - (x[2] - cx) * (y[1] - cy)) / area;
        const double w1 = ((x[2] - cx) * (y[0] - cy) - (x[0] - cx) * (y[2] - cy)) / area;
        const double w2 = 1.0 - w0 - w1;
        if (w0 >= 0 && w1 >= 0 && w2 >= 0) cover[static_cast<std::size_t>(py) * width + px] = 1;
      }
  }
  return cover;
}

void dilate(io::Image& image, std::vector<std::uint8_t>& coverage, int rings) {
  const int w = image.width, h = image.height, c = image.channels;
  if (coverage.size() != static_cast<std::size_t>(w) * h) throw InputError("dilate: coverage does not match the image size");
  std::vector<std::size_t> ring;
  std::vector<float> sums(static_cast<std::size_t>(c));
  for (int r = 0; r < rings; ++r) {
    ring.clear();
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const std::size_t i = static_cast<std::size_t>(y) * w + x;
        if (coverage[i]) continue;
        bool near = false;
        for (int dy = -1; dy <= 1 && !near; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            const int nx = x + dx, ny = y + dy;
            if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
            if (coverage[static_cast<std::size_t>(ny) * w + nx] == 1) {
              near = true;
              break;
            }
          }
        if (near) ring.push_back(i);
      }
    if (ring.empty()) break;
    for (std::size_t i : ring) {
      const int x = static_cast<int>(i % w), y = static_cast<int>(i / w);
      std::fill(sums.begin(), sums.end(), 0.0f);
      int n = 0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const std::size_t j = static_cast<std::size_t>(ny) * w + nx;
          if (coverage[j] != 1) continue;
          for (int k = 0; k < c; ++k) sums[static_cast<std::size_t>(k)] += image.pixels[j * c + k];
          ++n;
        }
      for (int k = 0; k < c; ++k) image.pixels[i * c + k] = sums[static_cast<std::size_t>(k)] / static_cast<float>(n);
      coverage[i] = 2;  // filled this ring: a source only from the next ring on
    }
    for (std::size_t i : ring) coverage[i] = 1;
  }
}

io::Image resample(const io::Image& image, int width, int height) {
  if (width <= 0 || height <= 0) throw InputError("resample: size must be positive");
  if (image.width == width && image.height == height) return image;
  io::Image out;
  out.width = width;
  out.height = height;
  out.channels = image.channels;
  out.pixels.assign(static_cast<std::size_t>(width) * height * image.channels, 0.0f);
  const double sx = static_cast<double>(image.width) / width, sy = static_cast<double>(image.height) / height;
  const int c = image.channels;
  if (sx >= 2.0 || sy >= 2.0) {
    // Box filter over the source footprint of each output texel.
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        const int ax = static_cast<int>(x * sx), bx = std::max(ax + 1, static_cast<int>((x + 1) * sx));
        const int ay = static_cast<int>(y * sy), by = std::max(ay + 1, static_cast<int>((y + 1) * sy));
        float* dst = &out.pixels[(static_cast<std::size_t>(y) * width + x) * c];
        for (int yy = ay; yy < std::min(by, image.height); ++yy)
          for (int xx = ax; xx < std::min(bx, image.width); ++xx)
            for (int k = 0; k < c; ++k) dst[k] += image.at(xx, yy, k);
        const float n = static_cast<float>((std::min(by, image.height) - ay) * (std::min(bx, image.width) - ax));
        for (int k = 0; k < c; ++k) dst[k] /= n;
      }
    return out;
  }
  for (int y = 0; y < height; ++y) {
    const double fy = std::clamp((y + 0.5) * sy - 0.5, 0.0, image.height - 1.0);
    const int y0 = static_cast<int>(fy), y1 = std::min(y0 + 1, image.height - 1);
    const double ty = fy - y0;
    for (int x = 0; x < width; ++x) {
      const double fx = std::clamp((x + 0.5) * sx - 0.5, 0.0, image.width - 1.0);
      const int x0 = static_cast<int>(fx), x1 = std::min(x0 + 1, image.width - 1);
      const double tx = fx - x0;
      for (int k = 0; k < c; ++k) {
        const double top = image.at(x0, y0, k) * (1 - tx) + image.at(x1, y0, k) * tx;
        const double bottom = image.at(x0, y1, k) * (1 - tx) + image.at(x1, y1, k) * tx;
        out.at(x, y, k) = static_cast<float>(top * (1 - ty) + bottom * ty);
      }
    }
  }
  return out;
}

void bake_textures(ExportScene& scene, const BakeOptions& options) {
  if (options.resolution < 0 || options.resolution > 16384) throw InputError("texture resolution must be between 1 and 16384");
  if (options.padding < 0) throw InputError("texture padding must not be negative");
  for (std::size_t t = 0; t < scene.textures.size(); ++t) {
    TextureMaps& maps = scene.textures[t];
    std::vector<std::uint32_t> users;
    for (std::size_t m = 0; m < scene.materials.size(); ++m)
      if (scene.materials[m].textures == static_cast<int>(t)) users.push_back(static_cast<std::uint32_t>(m));
    for (io::Image* image : {&maps.albedo, &maps.normal, &maps.roughness}) {
      if (image->pixels.empty()) continue;
      if (options.resolution > 0) *image = resample(*image, options.resolution, options.resolution);
      if (options.padding > 0 && !users.empty()) {
        std::vector<std::uint8_t> cover = uv_coverage(scene.mesh, users, image->width, image->height);
        dilate(*image, cover, options.padding);
      }
    }
  }
}

}  // namespace likeness::exporter
