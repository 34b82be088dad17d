#include "tests/render/image_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace likeness::test {

std::vector<std::uint8_t> coverage_mask(const render::Image& image, int threshold) {
  std::vector<std::uint8_t> m(static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height));
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = image.rgba[4 * i + 3] >= threshold ? 1 : 0;
  return m;
}

double coverage_fraction(const render::Image& image, int threshold) {
  const auto m = coverage_mask(image, threshold);
  double n = 0;
  for (auto v : m) n += v;
  return m.empty() ? 0.0 : n / static_cast<double>(m.size());
}

Box coverage_box(const render::Image& image, int threshold) {
  Box b{image.width, image.height, -1, -1};
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x)
      if (image.pixel(x, y)[3] >= threshold) {
        b.x0 = std::min(b.x0, x);
        b.y0 = std::min(b.y0, y);
        b.x1 = std::max(b.x1, x);
        b.y1 = std::max(b.y1, y);
      }
  if (b.x1 < 0) return Box{};
  return b;
}

std::array<double, 2> coverage_centroid(const render::Image& image, int threshold) {
  double sx = 0, sy = 0, n = 0;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x)
      if (image.pixel(x, y)[3] >= threshold) {
        sx += x;
        sy += y;
        n += 1;
      }
  return n > 0 ? std::array<double, 2>{sx / n, sy / n} : std::array<double, 2>{-1, -1};
}

double iou(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  double inter = 0, uni = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    inter += (a[i] && b[i]) ? 1 : 0;
    uni += (a[i] || b[i]) ? 1 : 0;
  }
  return uni > 0 ? inter / uni : 1.0;
}

std::vector<std::uint8_t> mirrored(const std::vector<std::uint8_t>& mask, int width, int height) {
  std::vector<std::uint8_t> m(mask.size());
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      m[static_cast<std::size_t>(y * width + x)] = mask[static_cast<std::size_t>(y * width + (width - 1 - x))];
  return m;
}

static double decode(std::uint8_t v) {
  const double s = v / 255.0;
  return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
}

std::array<double, 3> linear_rgb(const render::Image& image, int x, int y) {
  const std::uint8_t* p = image.pixel(x, y);
  return {decode(p[0]), decode(p[1]), decode(p[2])};
}

double luminance(const render::Image& image, int x, int y) {
  const auto c = linear_rgb(image, x, y);
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

std::array<double, 3> mean_rgb(const render::Image& image, const std::function<bool(int, int)>& select, int* count) {
  std::array<double, 3> sum{0, 0, 0};
  int n = 0;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x)
      if (select(x, y)) {
        const auto c = linear_rgb(image, x, y);
        for (int k = 0; k < 3; ++k) sum[static_cast<std::size_t>(k)] += c[static_cast<std::size_t>(k)];
        ++n;
      }
  if (count) *count = n;
  if (n > 0)
    for (auto& s : sum) s /= n;
  return sum;
}

double hue_degrees(const std::array<double, 3>& c) {
  const double mx = std::max({c[0], c[1], c[2]}), mn = std::min({c[0], c[1], c[2]});
  if (mx - mn < 1e-9) return 0.0;
  double h;
  if (mx == c[0]) h = 60.0 * std::fmod((c[1] - c[2]) / (mx - mn), 6.0);
  else if (mx == c[1]) h = 60.0 * ((c[2] - c[0]) / (mx - mn) + 2.0);
  else h = 60.0 * ((c[0] - c[1]) / (mx - mn) + 4.0);
  return h < 0 ? h + 360.0 : h;
}

double saturation(const std::array<double, 3>& c) {
  const double mx = std::max({c[0], c[1], c[2]}), mn = std::min({c[0], c[1], c[2]});
  return mx > 0 ? (mx - mn) / mx : 0.0;
}

int differing_pixels(const render::Image& a, const render::Image& b, int tolerance) {
  if (a.width != b.width || a.height != b.height) return a.width * a.height + 1;
  int n = 0;
  for (std::size_t i = 0; i < a.rgba.size(); i += 4) {
    bool diff = false;
    for (int c = 0; c < 4; ++c)
      if (std::abs(static_cast<int>(a.rgba[i + static_cast<std::size_t>(c)]) - static_cast<int>(b.rgba[i + static_cast<std::size_t>(c)])) > tolerance)
        diff = true;
    n += diff ? 1 : 0;
  }
  return n;
}

}  // namespace likeness::test
