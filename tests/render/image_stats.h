#pragma once
// Pixel statistics of rendered images for the renderer tests.
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "render/image.h"

namespace likeness::test {

/// Coverage mask: alpha >= threshold.
std::vector<std::uint8_t> coverage_mask(const render::Image& image, int threshold = 128);
/// Fraction of covered pixels.
double coverage_fraction(const render::Image& image, int threshold = 128);

struct Box {
  int x0 = 0, y0 = 0, x1 = -1, y1 = -1;  ///< inclusive; empty when x1 < x0
  bool empty() const { return x1 < x0; }
  double center_x() const { return 0.5 * (x0 + x1); }
  double center_y() const { return 0.5 * (y0 + y1); }
  int width() const { return x1 - x0 + 1; }
  int height() const { return y1 - y0 + 1; }
};
Box coverage_box(const render::Image& image, int threshold = 128);

/// Centroid (x, y) of covered pixels.
std::array<double, 2> coverage_centroid(const render::Image& image, int threshold = 128);

/// Intersection over union of two coverage masks of equal size.
double iou(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b);
/// The mask mirrored left-right.
std::vector<std::uint8_t> mirrored(const std::vector<std::uint8_t>& mask, int width, int height);

/// Linear RGB of a pixel (decoded from sRGB).
std::array<double, 3> linear_rgb(const render::Image& image, int x, int y);
/// Relative luminance of a pixel (linear).
double luminance(const render::Image& image, int x, int y);

/// Mean linear RGB over pixels where `select(x, y)` holds; count in `count`.
std::array<double, 3> mean_rgb(const render::Image& image, const std::function<bool(int, int)>& select, int* count = nullptr);

/// Hue in degrees [0, 360) and saturation (max - min) / max of a linear colour.
double hue_degrees(const std::array<double, 3>& rgb);
double saturation(const std::array<double, 3>& rgb);

/// Pixels that differ between two images of equal size (any channel by more than `tolerance`).
int differing_pixels(const render::Image& a, const render::Image& b, int tolerance = 0);

}  // namespace likeness::test
