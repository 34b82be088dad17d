#include <gtest/gtest.h>

#include <cmath>

#include "engine/core/error.h"
#include "engine/export/png_encode.h"
#include "export_fixtures.h"

namespace likeness::exporter {
namespace {

TEST(Png, LinearRoundTripThroughOpenImageIO) {
  const auto dir = test::temp_folder("png");
  // Images with alpha are left out: OpenImageIO returns them premultiplied (associated alpha).
  // The exporters write grey and RGB only.
  for (int channels : {1, 3}) {
    const io::Image img = test::procedural_image(17, 9, channels, channels);
    const auto path = dir / ("linear" + std::to_string(channels) + ".png");
    write_png(path, img, PngEncoding::Linear);
    const io::Image back = io::read_image(path, io::ColorEncoding::Linear);
    ASSERT_EQ(back.width, 17);
    ASSERT_EQ(back.height, 9);
    ASSERT_EQ(back.channels, channels);
    for (std::size_t i = 0; i < img.pixels.size(); ++i) EXPECT_NEAR(back.pixels[i], img.pixels[i], 0.5 / 255 + 1e-6) << channels << " " << i;
  }
}

TEST(Png, SrgbAndSixteenBits) {
  const auto dir = test::temp_folder("png16");
  const io::Image img = test::procedural_image(8, 8, 3, 1);
  write_png(dir / "srgb.png", img, PngEncoding::Srgb);
  const io::Image srgb = io::read_image(dir / "srgb.png", io::ColorEncoding::Srgb);
  for (std::size_t i = 0; i < img.pixels.size(); ++i) EXPECT_NEAR(srgb.pixels[i], img.pixels[i], 0.01);
  write_png(dir / "deep.png", img, PngEncoding::Linear, 16);
  const io::Image deep = io::read_image(dir / "deep.png", io::ColorEncoding::Linear);
  for (std::size_t i = 0; i < img.pixels.size(); ++i) EXPECT_NEAR(deep.pixels[i], img.pixels[i], 1e-4);
}

TEST(Png, DeterministicAndClamped) {
  io::Image img = test::procedural_image(5, 5, 3, 2);
  img.pixels[0] = 7.0f;
  img.pixels[1] = -3.0f;
  img.pixels[2] = std::nanf("");
  EXPECT_EQ(encode_png(img, PngEncoding::Srgb), encode_png(img, PngEncoding::Srgb));
  const auto dir = test::temp_folder("pngclamp");
  write_png(dir / "c.png", img, PngEncoding::Linear);
  const io::Image back = io::read_image(dir / "c.png", io::ColorEncoding::Linear);
  EXPECT_FLOAT_EQ(back.pixels[0], 1.0f);
  EXPECT_FLOAT_EQ(back.pixels[1], 0.0f);
  EXPECT_FLOAT_EQ(back.pixels[2], 0.0f);
}

TEST(Png, RejectsBadImages) {
  io::Image empty;
  EXPECT_THROW(encode_png(empty, PngEncoding::Linear), InputError);
  io::Image five = test::procedural_image(2, 2, 3, 0);
  five.channels = 5;
  EXPECT_THROW(encode_png(five, PngEncoding::Linear), InputError);
  EXPECT_THROW(encode_png(test::procedural_image(2, 2, 3, 0), PngEncoding::Linear, 12), InputError);
}

}  // namespace
}  // namespace likeness::exporter
