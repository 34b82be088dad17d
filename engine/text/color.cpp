#include "engine/text/color.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace likeness::text {
namespace {

double hue_channel(double p, double q, double t) {
  if (t < 0) t += 1;
  if (t > 1) t -= 1;
  if (t < 1.0 / 6) return p + (q - p) * 6 * t;
  if (t < 0.5) return q;
  if (t < 2.0 / 3) return p + (q - p) * (2.0 / 3 - t) * 6;
  return p;
}

}  // namespace

Rgb from_hsl(const Hsl& c) {
  if (c.s < 1e-12) return {c.l, c.l, c.l};
  const double q = c.l < 0.5 ? c.l * (1 + c.s) : c.l + c.s - c.l * c.s;
  const double p = 2 * c.l - q;
  return {hue_channel(p, q, c.h + 1.0 / 3), hue_channel(p, q, c.h), hue_channel(p, q, c.h - 1.0 / 3)};
}

Hsl to_hsl(const Rgb& c) {
  const double hi = std::max({c.r, c.g, c.b}), lo = std::min({c.r, c.g, c.b});
  const double l = (hi + lo) / 2;
  if (hi - lo < 1e-12) return {0, 0, l};
  const double d = hi - lo;
  const double s = l > 0.5 ? d / (2 - hi - lo) : d / (hi + lo);
  double h;
  if (hi == c.r) h = (c.g - c.b) / d + (c.g < c.b ? 6 : 0);
  else if (hi == c.g) h = (c.b - c.r) / d + 2;
  else h = (c.r - c.g) / d + 4;
  return {h / 6, s, l};
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Rgb> parse_hex_color(std::string_view text) {
  if (!text.empty() && text.front() == '#') text.remove_prefix(1);
  if (text.size() != 6) return std::nullopt;
  double channel[3];
  for (int i = 0; i < 3; ++i) {
    const int hi = hex_digit(text[static_cast<std::size_t>(2 * i)]);
    const int lo = hex_digit(text[static_cast<std::size_t>(2 * i + 1)]);
    if (hi < 0 || lo < 0) return std::nullopt;
    channel[i] = (hi * 16 + lo) / 255.0;
  }
  return Rgb{channel[0], channel[1], channel[2]};
}

std::string to_hex(const Rgb& color) {
  auto byte = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255)); };
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", byte(color.r), byte(color.g), byte(color.b));
  return buffer;
}

double lightness(const Rgb& color) { return to_hsl(color).l; }

Rgb adjust_color(const Rgb& color, double lightness_scale, double saturation_scale, double toward_white) {
  Hsl hsl = to_hsl(color);
  hsl.l = std::clamp(hsl.l * lightness_scale, 0.0, 1.0);
  hsl.s = std::clamp(hsl.s * saturation_scale, 0.0, 1.0);
  hsl.l = hsl.l + (1 - hsl.l) * std::clamp(toward_white, 0.0, 1.0);
  return from_hsl(hsl);
}

double color_distance(const Rgb& a, const Rgb& b) {
  return std::sqrt((a.r - b.r) * (a.r - b.r) + (a.g - b.g) * (a.g - b.g) + (a.b - b.b) * (a.b - b.b));
}

}  // namespace likeness::text
