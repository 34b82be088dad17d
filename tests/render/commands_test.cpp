// `likeness render` and `likeness turntable` end to end (software Vulkan, validation layer on).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "render/image.h"
#include "tests/cli/run_command.h"
#include "tests/render/image_stats.h"

namespace likeness::test {
namespace {

namespace fs = std::filesystem;

const std::string kEnv = "LIKENESS_VULKAN_VALIDATION=1 VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json";

fs::path out_dir() {
  fs::path d = fs::temp_directory_path() / "likeness_render_cli";
  fs::create_directories(d);
  return d;
}

TEST(RenderCommand, RendersTheNeutralHead) {
  const fs::path png = out_dir() / "neutral.png";
  fs::remove(png);
  CommandResult r = run_command(likeness_bin() + " render --size 96x64 --view three-quarter --lighting soft-box --out '" +
                                    png.string() + "' --json",
                                kEnv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("Validation"), std::string::npos) << r.err;
  const render::Image img = render::read_png(png);
  EXPECT_EQ(img.width, 96);
  EXPECT_EQ(img.height, 64);
  EXPECT_EQ(img.pixel(0, 0)[3], 255);  // opaque backdrop by default
  EXPECT_NE(r.out.find("\"lighting\": \"soft-box\""), std::string::npos) << r.out;
}

TEST(RenderCommand, RendersASampledState) {
  const fs::path dir = out_dir() / "sample";
  CommandResult s = run_command(likeness_bin() + " sample --seed 5 --out '" + dir.string() + "'");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const fs::path png = out_dir() / "sample.png";
  CommandResult r = run_command(likeness_bin() + " render '" + (dir / "sample.json").string() +
                                    "' --size 64x64 --transparent --overlay wireframe,landmarks --out '" + png.string() + "'",
                                kEnv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const render::Image img = render::read_png(png);
  EXPECT_EQ(img.pixel(0, 0)[3], 0);
  EXPECT_GT(coverage_fraction(img), 0.2);
}

TEST(RenderCommand, ReportsBadInputClearly) {
  const std::string out = " --out '" + (out_dir() / "bad.png").string() + "'";
  CommandResult r = run_command(likeness_bin() + " render --view sideways" + out, kEnv);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("sideways"), std::string::npos) << r.err;
  r = run_command(likeness_bin() + " render --size 10by10" + out, kEnv);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("10by10"), std::string::npos);
  r = run_command(likeness_bin() + " render --overlay region" + out, kEnv);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("--region"), std::string::npos);
  r = run_command(likeness_bin() + " render --lighting moon" + out, kEnv);
  EXPECT_EQ(r.exit_code, 3);
  r = run_command(likeness_bin() + " render /nonexistent/state.json" + out, kEnv);
  EXPECT_EQ(r.exit_code, 3);
  r = run_command(likeness_bin() + " render", kEnv);
  EXPECT_EQ(r.exit_code, 2);
  r = run_command(likeness_bin() + " render --out x.jpg", kEnv);
  EXPECT_EQ(r.exit_code, 2);
}

TEST(TurntableCommand, WritesTheRequestedFrames) {
  const fs::path dir = out_dir() / "turntable";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "frame_0009.png") << "stale";
  CommandResult r = run_command(likeness_bin() + " turntable --frames 5 --size 48x40 --video gif --out '" + dir.string() + "' --json",
                                kEnv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (int i = 0; i < 5; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "frame_%04d.png", i);
    const render::Image img = render::read_png(dir / name);
    EXPECT_EQ(img.width, 48);
    EXPECT_EQ(img.height, 40);
  }
  EXPECT_FALSE(fs::exists(dir / "frame_0005.png"));
  EXPECT_TRUE(fs::exists(dir / "frame_0009.png"));  // not part of this run's numbering: left alone
  EXPECT_TRUE(fs::exists(dir / "turntable.gif"));
  r = run_command(likeness_bin() + " turntable --frames 0 --out '" + dir.string() + "'", kEnv);
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace likeness::test
