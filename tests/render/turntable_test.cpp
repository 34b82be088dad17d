#include <gtest/gtest.h>

#include <filesystem>

#include "engine/core/error.h"
#include "render/image.h"
#include "render/turntable.h"
#include "tests/cli/run_command.h"
#include "tests/render/image_stats.h"
#include "tests/render/render_fixture.h"

namespace likeness::test {
namespace {

namespace fs = std::filesystem;

class Turntable : public RenderTest {
protected:
  void SetUp() override {
    RenderTest::SetUp();
    show_generated_face();
  }
};

TEST_F(Turntable, CamerasAreEvenlySpaced) {
  render::Camera start;
  start.yaw = 10.0f;
  const auto cams = render::turntable_cameras(start, 8);
  ASSERT_EQ(cams.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_FLOAT_EQ(cams[static_cast<std::size_t>(i)].yaw, 10.0f + 45.0f * static_cast<float>(i));
  EXPECT_EQ(render::turntable_cameras(start, 4, 90.0f).back().yaw, 10.0f + 67.5f);
  EXPECT_THROW(render::turntable_cameras(start, 0), InputError);
  EXPECT_EQ(render::turntable_frame_name(7), "frame_0007.png");
}

TEST_F(Turntable, TheFaceRotatesToProfileMonotonically) {
  const auto cams = render::turntable_cameras(front_view().camera, 16);
  std::vector<std::vector<std::uint8_t>> masks;
  render::ViewOptions v = front_view();
  for (const auto& c : cams) {
    v.camera = c;
    masks.push_back(coverage_mask(offscreen().render(v, 96, 96)));
  }
  ASSERT_EQ(masks.size(), 16u);
  // From the front (frame 0) to the profile (frame 4, 90 degrees) the silhouette departs steadily
  // from the front one.
  double previous = 1.0;
  for (int k = 1; k <= 4; ++k) {
    const double overlap = iou(masks[0], masks[static_cast<std::size_t>(k)]);
    EXPECT_LT(overlap, previous - 0.005) << "frame " << k;
    previous = overlap;
  }
  EXPECT_LT(previous, 0.85);
  // The two profiles are mirror images of each other (the head is nearly symmetric).
  EXPECT_GT(iou(masks[4], mirrored(masks[12], 96, 96)), 0.9);
  EXPECT_LT(iou(masks[4], masks[12]), 0.9);
}

TEST_F(Turntable, WritesFramesAndAVideo) {
  const fs::path dir = fs::temp_directory_path() / "likeness_render_test" / "turntable";
  fs::remove_all(dir);
  fs::create_directories(dir);
  render::ViewOptions v = front_view(4.0f / 3.0f);
  const auto cams = render::turntable_cameras(v.camera, 6);
  for (std::size_t i = 0; i < cams.size(); ++i) {
    v.camera = cams[i];
    render::write_png(dir / render::turntable_frame_name(static_cast<int>(i)), offscreen().render(v, 64, 48));
  }
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(fs::exists(dir / render::turntable_frame_name(i)));
  const auto ffmpeg = render::find_ffmpeg();
  if (!ffmpeg) GTEST_SKIP() << "ffmpeg is not installed";
  render::encode_turntable(*ffmpeg, dir, 12, dir / "turntable.mp4");
  render::encode_turntable(*ffmpeg, dir, 12, dir / "turntable.gif");
  EXPECT_GT(fs::file_size(dir / "turntable.mp4"), 500u);
  EXPECT_GT(fs::file_size(dir / "turntable.gif"), 500u);
  EXPECT_FALSE(fs::exists(dir / ".turntable.mp4.tmp"));
  const CommandResult probe = run_command("ffprobe -v error -count_frames -select_streams v:0 -show_entries "
                                          "stream=nb_read_frames,width,height -of csv=p=0 '" +
                                          (dir / "turntable.mp4").string() + "'");
  if (probe.exit_code == 0) EXPECT_EQ(probe.out.substr(0, probe.out.find('\n')), "64,48,6");
  EXPECT_THROW(render::encode_turntable(*ffmpeg, dir, 12, dir / "turntable.avi"), InputError);
  EXPECT_THROW(render::encode_turntable(*ffmpeg, dir / "missing", 12, dir / "none.mp4"), Error);
  EXPECT_FALSE(fs::exists(dir / "none.mp4"));
}

}  // namespace
}  // namespace likeness::test
