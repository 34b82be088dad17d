// likeness render: one view of a face state to a PNG, offscreen (no window or display needed).
#ifdef LIKENESS_HAVE_RENDERER

#include <ATen/ATen.h>

#include <algorithm>
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
#include "render/view_options.h"

namespace likeness::cli {
namespace {

namespace fs = std::filesystem;

int run_render(const Args& args, Output& out) {
  const auto t0 = std::chrono::steady_clock::now();
  const fs::path path = args.get("out");
  if (path.empty()) throw UsageError("--out FILE.png is required");
  if (to_lower_ascii(path.extension().string()) != ".png") throw UsageError("--out must name a .png file");
  const auto [width, height] = render_adapter::parse_size(args.get("size", "1024x1024"));
  const glm::vec2 view = render::parse_view(args.get("view", "front"));
  const render::LightingPreset preset = render::parse_lighting_preset(args.get("lighting", "three-point"));
  const unsigned overlays = render::parse_overlays(args.get("overlay", ""));
  const int texture_res = static_cast<int>(args.get_int("texture-resolution", 512, 16, 4096));

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
  if (std::max(width, height) > renderer.max_size())
    throw InputError("size " + std::to_string(width) + "x" + std::to_string(height) + ": this device renders at most " +
                     std::to_string(renderer.max_size()) + " pixels per side");
  renderer.set_scene(scene);

  render::ViewOptions v;
  const float aspect = static_cast<float>(width) / static_cast<float>(height);
  const float fov = static_cast<float>(args.get_double("fov", 25.0, 5.0, 120.0));
  v.camera = render::frame_bounds(renderer.bounds(), view.x, view.y, aspect, fov);
  v.camera.zoom(static_cast<float>(1.0 / args.get_double("zoom", 1.0, 0.1, 10.0)));
  v.lighting = render::make_lighting(preset);
  v.overlays = overlays;
  v.exposure = static_cast<float>(args.get_double("exposure", 1.0, 0.01, 100.0));
  v.shadows = !args.flag("no-shadows");
  render::Image image = renderer.render(v, width, height);
  if (!args.flag("transparent"))
    for (std::size_t i = 3; i < image.rgba.size(); i += 4) image.rgba[i] = 255;
  render::write_png(path, image);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (out.json) {
    print_json(out, {{"out", path.string()},
                     {"width", width},
                     {"height", height},
                     {"view", {{"yaw", view.x}, {"pitch", view.y}}},
                     {"lighting", render::to_string(preset)},
                     {"device", renderer.device().name()},
                     {"samples", renderer.samples()},
                     {"state", state.source},
                     {"seconds", seconds}});
  } else {
    *out.out << "Rendered " << width << "x" << height << " (" << render::to_string(preset) << " lighting, yaw "
             << format_number(view.x, 1) << ", pitch " << format_number(view.y, 1) << ") on " << renderer.device().name() << " to "
             << path.string() << " in " << format_number(seconds, 2) << " s\n";
  }
  return 0;
}

LIKENESS_COMMAND({"render", "[PROJECT_OR_STATE]", "Render a face to a PNG without a window",
                  "Renders the face in PROJECT_OR_STATE (a project's current step, a face folder from `likeness generate "
                  "--out`, a state .json such as `likeness sample` writes, or a saved .safetensors face state; the "
                  "neutral head when omitted) with the Vulkan renderer offscreen: skin, eyes, teeth and lashes "
                  "with their maps, a studio lighting preset, soft shadows, MSAA and tone mapping. Runs on lavapipe "
                  "(software Vulkan) where there is no GPU. Set LIKENESS_VULKAN_VALIDATION=1 to enable the validation layer.",
                  {{"out", "FILE.png", "output image", ""},
                   {"view", "VIEW", "front, three-quarter, profile or YAW,PITCH in degrees", "front"},
                   {"size", "WxH", "image size in pixels", "1024x1024"},
                   {"lighting", "PRESET", "three-point, soft-box, rim or outdoor", "three-point"},
                   {"overlay", "LIST", "comma-separated: wireframe, uv-checker, region, heat, painted, landmarks", ""},
                   {"region", "NAME", "region or group shown by the region overlay (e.g. nose)", ""},
                   {"heat", "FILE.json", "per-vertex values for the heat overlay", ""},
                   {"painted", "FILE.json", "per-vertex painted mask (default: the state's)", ""},
                   {"fov", "DEG", "vertical field of view", "25"},
                   {"zoom", "X", "magnification of the framed head", "1"},
                   {"exposure", "X", "exposure before tone mapping", "1"},
                   {"samples", "N", "MSAA samples (lowered to what the device supports)", "4"},
                   {"texture-resolution", "N", "texels per UDIM tile side", "512"},
                   {"no-shadows", "", "turn the shadow map off", ""},
                   {"transparent", "", "keep the head's coverage as alpha (backdrop transparent)", ""},
                   {"json", "", "print JSON", ""}},
                  run_render});

}  // namespace
}  // namespace likeness::cli

#endif  // LIKENESS_HAVE_RENDERER
