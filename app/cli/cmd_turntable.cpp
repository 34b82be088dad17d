// likeness turntable: N frames around the head as PNGs, and an MP4 or GIF when ffmpeg is present.
#ifdef LIKENESS_HAVE_RENDERER

#include <ATen/ATen.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "app/cli/cli.h"
#include "app/cli/render_adapter.h"
#include "engine/core/error.h"
#include "engine/core/strings.h"
#include "engine/face/face_model.h"
#include "render/camera.h"
#include "render/image.h"
#include "render/offscreen.h"
#include "render/turntable.h"
#include "render/view_options.h"

namespace likeness::cli {
namespace {

namespace fs = std::filesystem;

int run_turntable(const Args& args, Output& out) {
  const auto t0 = std::chrono::steady_clock::now();
  const fs::path dir = args.get("out");
  if (dir.empty()) throw UsageError("--out DIR is required");
  const int frames = static_cast<int>(args.get_int("frames", 36, 1, 3600));
  const auto [width, height] = render_adapter::parse_size(args.get("size", "512x512"));
  const float pitch = static_cast<float>(args.get_double("pitch", 0.0, -89.0, 89.0));
  const float sweep = static_cast<float>(args.get_double("sweep", 360.0, -3600.0, 3600.0));
  const int fps = static_cast<int>(args.get_int("fps", 24, 1, 120));
  const std::string video = to_lower_ascii(args.get("video", "auto"));
  if (video != "auto" && video != "mp4" && video != "gif" && video != "both" && video != "none")
    throw UsageError("--video must be auto, mp4, gif, both or none");
  const render::LightingPreset preset = render::parse_lighting_preset(args.get("lighting", "three-point"));
  const unsigned overlays = render::parse_overlays(args.get("overlay", ""));
  const int texture_res = static_cast<int>(args.get_int("texture-resolution", 512, 16, 4096));

  std::optional<fs::path> ffmpeg = render::find_ffmpeg();
  if (!ffmpeg && video != "auto" && video != "none")
    throw InputError("--video " + video + " needs ffmpeg, which is not installed (Debian: apt install ffmpeg)");

  auto model = face::FaceModel::load_default();
  const render_adapter::HeadState state = args.positional().empty()
                                              ? render_adapter::neutral_state(*model)
                                              : render_adapter::load_state(*model, args.positional(0, "PROJECT_OR_STATE"));
  render::Scene scene = render_adapter::make_scene(model, state, texture_res);
  scene.overlays = render_adapter::overlays_for(model, state, overlays, {args.get("region"), args.get("heat"), args.get("painted")});

  render::OffscreenOptions options;
  options.samples = static_cast<int>(args.get_int("samples", 4, 1, 16));
  options.validation = std::getenv("LIKENESS_VULKAN_VALIDATION") != nullptr;
  render::OffscreenRenderer renderer(options);
  renderer.set_scene(scene);

  render::ViewOptions v;
  const float aspect = static_cast<float>(width) / static_cast<float>(height);
  v.camera = render::frame_bounds(renderer.bounds(), static_cast<float>(args.get_double("start", 0.0, -360.0, 360.0)), pitch, aspect,
                                  static_cast<float>(args.get_double("fov", 25.0, 5.0, 120.0)));
  v.lighting = render::make_lighting(preset);
  v.overlays = overlays;
  v.exposure = static_cast<float>(args.get_double("exposure", 1.0, 0.01, 100.0));
  v.shadows = !args.flag("no-shadows");

  fs::create_directories(dir);
  const std::vector<render::Camera> cameras = render::turntable_cameras(v.camera, frames, sweep);
  for (int i = 0; i < frames; ++i) {
    v.camera = cameras[static_cast<std::size_t>(i)];
    render::Image image = renderer.render(v, width, height);
    for (std::size_t k = 3; k < image.rgba.size(); k += 4) image.rgba[k] = 255;
    render::write_png(dir / render::turntable_frame_name(i), image);
  }
  // Frames left over from a longer earlier turntable in the same folder would join the video.
  for (int i = frames;; ++i) {
    const fs::path stale = dir / render::turntable_frame_name(i);
    if (!fs::exists(stale)) break;
    fs::remove(stale);
  }

  std::vector<std::string> videos;
  if (ffmpeg && video != "none") {
    if (video == "auto" || video == "mp4" || video == "both") videos.push_back((dir / "turntable.mp4").string());
    if (video == "gif" || video == "both") videos.push_back((dir / "turntable.gif").string());
    for (const std::string& file : videos) render::encode_turntable(*ffmpeg, dir, fps, file);
  }

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (out.json) {
    print_json(out, {{"out", dir.string()},
                     {"frames", frames},
                     {"width", width},
                     {"height", height},
                     {"sweep", sweep},
                     {"videos", videos},
                     {"ffmpeg", ffmpeg ? ffmpeg->string() : ""},
                     {"device", renderer.device().name()},
                     {"seconds", seconds}});
  } else {
    *out.out << "Wrote " << frames << " frames (" << width << "x" << height << ") to " << dir.string() << " in "
             << format_number(seconds, 1) << " s on " << renderer.device().name() << "\n";
    for (const std::string& file : videos) *out.out << "Video: " << file << "\n";
    if (!ffmpeg && video == "auto") *out.out << "No video: ffmpeg is not installed (Debian: apt install ffmpeg).\n";
  }
  return 0;
}

LIKENESS_COMMAND({"turntable", "[PROJECT_OR_STATE]", "Render frames around the head, and a video",
                  "Renders --frames views evenly spaced over --sweep degrees of yaw around the face in STATE (as for "
                  "`likeness render`; the neutral head when omitted) into DIR/frame_0000.png ..., then encodes "
                  "DIR/turntable.mp4 (or .gif) with ffmpeg when it is installed.",
                  {{"out", "DIR", "output folder", ""},
                   {"frames", "N", "number of frames", "36"},
                   {"size", "WxH", "frame size in pixels", "512x512"},
                   {"sweep", "DEG", "total yaw covered (360: a full turn)", "360"},
                   {"start", "DEG", "yaw of the first frame", "0"},
                   {"pitch", "DEG", "camera elevation", "0"},
                   {"fps", "N", "video frame rate", "24"},
                   {"video", "KIND", "auto (mp4 if ffmpeg is present), mp4, gif, both or none", "auto"},
                   {"lighting", "PRESET", "three-point, soft-box, rim or outdoor", "three-point"},
                   {"overlay", "LIST", "comma-separated: wireframe, uv-checker, region, heat, painted, landmarks", ""},
                   {"region", "NAME", "region or group shown by the region overlay", ""},
                   {"heat", "FILE.json", "per-vertex values for the heat overlay", ""},
                   {"painted", "FILE.json", "per-vertex painted mask (default: the state's)", ""},
                   {"fov", "DEG", "vertical field of view", "25"},
                   {"exposure", "X", "exposure before tone mapping", "1"},
                   {"samples", "N", "MSAA samples", "4"},
                   {"texture-resolution", "N", "texels per UDIM tile side", "512"},
                   {"no-shadows", "", "turn the shadow map off", ""},
                   {"json", "", "print JSON", ""}},
                  run_turntable});

}  // namespace
}  // namespace likeness::cli

#endif  // LIKENESS_HAVE_RENDERER
