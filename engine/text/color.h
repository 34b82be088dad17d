#pragma once
// sRGB colours for the colour vocabulary: hex parsing and the lightness / saturation changes that
// colour modifiers ("dark", "light", "pale", "deep") apply, in HSL as artists think of them.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace likeness::text {

/// An sRGB-encoded colour, each channel in [0, 1].
struct Rgb {
  double r = 0, g = 0, b = 0;
  std::array<double, 3> array() const { return {r, g, b}; }
  bool operator==(const Rgb&) const = default;
};

/// Parses "#RRGGBB" (or "RRGGBB"); nullopt if malformed.
std::optional<Rgb> parse_hex_color(std::string_view text);

/// "#rrggbb", channels rounded to 8 bits.
std::string to_hex(const Rgb& color);

/// Hue (0..1, a full turn), saturation and lightness of an sRGB colour.
struct Hsl {
  double h = 0, s = 0, l = 0;
};
Hsl to_hsl(const Rgb& color);
Rgb from_hsl(const Hsl& color);

/// HSL lightness in [0, 1].
double lightness(const Rgb& color);

/// Scales HSL lightness by `lightness_scale` and saturation by `saturation_scale` (clamped),
/// then moves lightness toward white by `toward_white` (0..1).
Rgb adjust_color(const Rgb& color, double lightness_scale, double saturation_scale, double toward_white);

/// Euclidean distance in sRGB (0 .. sqrt(3)).
double color_distance(const Rgb& a, const Rgb& b);

}  // namespace likeness::text
