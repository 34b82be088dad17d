// likeness sheet: a contact sheet of 12 random faces (random identity + random appearance from
// the appearance prior), each rendered front and three-quarter, in one PNG, for judging the
// appearance model by eye. A JSON file next to the PNG says what each cell was drawn as.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <filesystem>

#include "app/cli/cli.h"
#include "engine/appearance/appearance_model.h"
#include "engine/appearance/parameters.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/strings.h"
#include "engine/face/face_model.h"
#include "engine/face/topology.h"
#include "engine/raster/camera.h"
#include "engine/raster/shading.h"

namespace likeness::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kFaces = 12;
constexpr int kColumns = 4;  // faces per row; each face takes two cells (front, three-quarter)

// The opaque triangles with their UV triangles: everything but the lacrimal fluid and the lash
// cards (the rasterizer has no alpha, and lash cards drawn opaque read as thick black rims).
struct OpaqueMesh {
  at::Tensor triangles, uv_triangles;
};

OpaqueMesh opaque_mesh(const face::Topology& topo) {
  const at::Tensor index = topo.triangle_ids_of(face::Topology::opaque_kinds());
  return {topo.triangles.index_select(0, index), topo.uv_triangles.index_select(0, index)};
}

// Orbit cameras framing the face (skin of tile 0) of the neutral head: front and three-quarter.
std::vector<raster::OrbitCamera> face_cameras(const face::FaceModel& model) {
  const face::Topology& topo = model.topology();
  const at::Tensor neutral = model.vertices(at::zeros({model.identity_count()}));
  std::vector<std::int64_t> face_materials;
  for (std::size_t i = 0; i < topo.materials.size(); ++i)
    if (topo.materials[i].kind == face::MaterialKind::Skin && topo.materials[i].tile == face::kFaceTile)
      face_materials.push_back(static_cast<std::int64_t>(i));
  const at::Tensor on_face = at::isin(topo.triangle_material, at::tensor(face_materials, at::kLong));
  const at::Tensor used = std::get<0>(at::_unique(topo.triangles.index_select(0, on_face.nonzero().reshape({-1})).reshape({-1})));
  const at::Tensor p = neutral.index_select(0, used);
  const at::Tensor lo = std::get<0>(p.min(0)), hi = std::get<0>(p.max(0));
  const at::Tensor centre = (lo + hi) * 0.5;
  const double height = (hi[1] - lo[1]).item<double>();
  raster::OrbitCamera front;
  front.fov_y_deg = 20.0;
  front.pitch_deg = 4.0;
  front.target = {centre[0].item<double>(), centre[1].item<double>(), centre[2].item<double>() - 2.0};
  front.distance_cm = 0.5 * height * 1.12 / std::tan(10.0 * M_PI / 180.0);
  raster::OrbitCamera three_quarter = front;
  three_quarter.yaw_deg = 38.0;
  return {front, three_quarter};
}

int run_sheet(const Args& args, Output& out) {
  const long seed = args.get_int("seed", 0, 0, 1L << 40);
  const int resolution = static_cast<int>(
      args.get_int("resolution", appearance::kMinResolution, appearance::kMinResolution, appearance::kMaxResolution));
  const int cell = static_cast<int>(args.get_int("size", 320, 64, 2048));
  const double spread = args.get_double("spread", 0.8, 0.0, 3.0);
  const fs::path file = args.get("out");
  if (file.empty()) throw UsageError("--out FILE.png is required");
  if (to_lower_ascii(file.extension().string()) != ".png") throw UsageError("--out: expected a .png file, got '" + file.string() + "'");

  auto model = face::FaceModel::load_default();
  const OpaqueMesh mesh = opaque_mesh(model->topology());
  const auto cameras = raster::orbit_cameras(face_cameras(*model));
  auto app = appearance::AppearanceModel::get(resolution, static_cast<std::uint64_t>(seed));

  raster::RenderSettings settings;
  settings.width = cell;
  settings.height = cell;
  settings.passes = raster::kShadedPass | raster::kMaskPass;
  const int rows = (kFaces + kColumns - 1) / kColumns;
  at::Tensor canvas = at::empty({rows * cell, kColumns * 2 * cell, 3});
  canvas.fill_(0.18f);
  const at::Tensor background = at::tensor({0.16f, 0.17f, 0.19f});

  at::NoGradGuard no_grad;
  nlohmann::json faces = nlohmann::json::array();
  for (int i = 0; i < kFaces; ++i) {
    const std::uint64_t face_seed = static_cast<std::uint64_t>(seed) * kFaces + static_cast<std::uint64_t>(i);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(face_seed);
    const at::Tensor identity = at::randn({model->identity_count()}, gen, at::kFloat) * spread;
    const appearance::Sex sex = appearance::AppearanceParams::sampled_sex(face_seed);
    const appearance::AppearanceParams params = appearance::AppearanceParams::sample_prior(face_seed, sex);
    const appearance::TextureSet textures = app->generate(params);

    raster::RenderMesh render_mesh;
    render_mesh.positions = model->vertices(identity);
    render_mesh.triangles = mesh.triangles;
    render_mesh.uvs = model->topology().uvs;
    render_mesh.uv_triangles = mesh.uv_triangles;
    render_mesh.albedo_texture = textures.albedo;
    const raster::RenderOutputs images = raster::render(render_mesh, cameras, settings);
    const at::Tensor composed = (images.shaded * images.mask + background * (1 - images.mask)).clamp(0.0, 1.0);  // [2, H, W, 3]

    const int row = i / kColumns, column = i % kColumns;
    for (int view = 0; view < 2; ++view)
      canvas.narrow(0, row * cell, cell).narrow(1, (2 * column + view) * cell, cell).copy_(composed[view]);
    faces.push_back({{"cell", {{"row", row}, {"column", column}}},
                     {"seed", face_seed},
                     {"sex", appearance::to_string(sex)},
                     {"age", params.get("skin.age")},
                     {"melanin", params.get("skin.melanin")},
                     {"appearance", params.to_json()}});
  }
  raster::save_image(file, canvas.unsqueeze(0), raster::RowOrder::TopFirst);
  fs::path sidecar = file;
  sidecar.replace_extension(".json");
  save_json_file(sidecar, {{"seed", seed}, {"texture_resolution", resolution}, {"spread", spread},
                           {"layout", "3 rows of 4 faces; each face front then three-quarter (38 degrees)"},
                           {"faces", faces}});
  if (out.json) {
    print_json(out, {{"sheet", file.string()}, {"faces", sidecar.string()}});
  } else {
    *out.out << "Contact sheet of " << kFaces << " faces written to " << file.string() << " (cells described in "
             << sidecar.filename().string() << ")\n";
    for (int i = 0; i < kFaces; ++i) {
      const auto& f = faces[static_cast<std::size_t>(i)];
      *out.out << "  row " << i / kColumns + 1 << ", face " << i % kColumns + 1 << ": " << f["sex"].get<std::string>()
               << ", age " << static_cast<int>(f["age"].get<double>()) << ", melanin " << format_number(f["melanin"].get<double>(), 2)
               << "\n";
    }
  }
  return 0;
}

LIKENESS_COMMAND({"sheet", "", "Render 12 random faces to a contact sheet PNG",
                  "Draws 12 random identities (N(0, spread^2) coefficients) with random appearances from the "
                  "appearance prior (sex markers drawn per face), renders each from the front and at three-quarter "
                  "view with the rasterizer's default studio lighting, and writes them as a 3 x 4 grid of pairs to "
                  "FILE.png, with FILE.json describing every cell (seed, sex, age, melanin, all appearance "
                  "parameters). The same --seed gives the same sheet.",
                  {{"out", "FILE.png", "output image", ""},
                   {"seed", "N", "random seed of the sheet", "0"},
                   {"resolution", "N", "texture size per tile (512..4096)", "512"},
                   {"size", "PX", "pixels per rendered view", "320"},
                   {"spread", "S", "standard deviation of the identity coefficients", "0.8"},
                   {"json", "", "print JSON", ""}},
                  run_sheet});

}  // namespace
}  // namespace likeness::cli
