// The full ICT head (52,220 triangles) in 4 views, forward and backward through all four raster
// ops, at 256x256 and 512x512; reports milliseconds per view. Also each op alone, to see what
// dominates. Run: build/bench/bench_raster [--benchmark_filter=...]; threads: LIKENESS_THREADS
// (default 2, the target machine's cores); kernels: the best instruction set this CPU runs, or
// LIKENESS_RASTER_ISA=generic|avx2|avx512 (printed as raster_isa). ms_per_view is wall clock,
// cpu_ms_per_view the process CPU time (all threads). On a machine shared with other work, run
// with OMP_WAIT_POLICY=PASSIVE: LibTorch's OpenMP workers otherwise spin at every parallel
// region's barrier while a descheduled peer holds it up (measured: 2 threads 3x slower than 1 at
// a load average of 11).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <ctime>

#include "engine/face/face_model.h"
#include "engine/raster/camera.h"
#include "engine/raster/cpu_isa.h"
#include "engine/raster/raster.h"
#include "engine/raster/shading.h"

namespace lr = likeness::raster;

namespace {

constexpr int kViews = 4;
constexpr int kTextureSize = 512;  // per UDIM tile, 8 tiles, RGB

struct HeadScene {
  std::shared_ptr<const likeness::face::FaceModel> model;
  at::Tensor vertices, triangles, uvs, uv_triangles, clip_matrices, albedo;
  std::shared_ptr<const lr::AntialiasTopology> topology;
};

const HeadScene& scene() {
  static const HeadScene s = [] {
    HeadScene h;
    h.model = likeness::face::FaceModel::load_default();
    h.vertices = h.model->neutral();
    const auto& topo = h.model->topology();
    h.triangles = topo.triangles.to(at::kInt);
    h.uvs = topo.uvs;
    h.uv_triangles = topo.uv_triangles.to(at::kInt);
    const at::Tensor centre = (std::get<0>(h.vertices.min(0)) + std::get<0>(h.vertices.max(0))) / 2;
    std::vector<lr::OrbitCamera> cams;
    for (double yaw : {0.0, 45.0, -45.0, 20.0}) {
      lr::OrbitCamera c;
      c.yaw_deg = yaw;
      c.pitch_deg = yaw == 20.0 ? -15.0 : 5.0;
      c.distance_cm = 110;
      c.fov_y_deg = 20;
      c.target = {centre[0].item<double>(), centre[1].item<double>(), centre[2].item<double>()};
      cams.push_back(c);
    }
    h.clip_matrices = lr::orbit_cameras(cams).clip;
    h.albedo = at::rand({likeness::face::kTileCount, kTextureSize, kTextureSize, 3});
    h.topology = lr::AntialiasTopology::build(h.triangles, h.model->vertex_count());
    return h;
  }();
  return s;
}

double process_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/// Wall-clock and process CPU time (all threads) of the timed loop, per view.
struct ViewClock {
  std::chrono::steady_clock::time_point wall0 = std::chrono::steady_clock::now();
  double cpu0 = process_cpu_seconds();
  void report(benchmark::State& state) const {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    const double cpu = process_cpu_seconds() - cpu0;
    const double views = double(state.iterations()) * kViews;
    state.counters["ms_per_view"] = wall * 1000.0 / views;
    state.counters["cpu_ms_per_view"] = cpu * 1000.0 / views;
  }
};

void set_threads() {
  const char* env = std::getenv("LIKENESS_THREADS");
  at::set_num_threads(env ? std::atoi(env) : 2);
}

/// Rasterize (with derivatives), interpolate uvs (with derivatives) and normals, trilinear
/// texture, shading as render() does it (albedo x SH irradiance of the normalized normal, masked
/// by coverage: shade_sh), antialias; then backward to positions and texture. Vertex positions
/// stand in for the normals (the same interpolation work; vertex normals are the face model's).
void BM_HeadAllOps(benchmark::State& state) {
  set_threads();
  const HeadScene& s = scene();
  const int size = static_cast<int>(state.range(0));
  const at::Tensor light = lr::default_sh_lighting();
  // Leaves as an optimizer holds them: created once, gradients dropped before every step.
  const at::Tensor verts = s.vertices.clone().requires_grad_(true);
  const at::Tensor tex = s.albedo.clone().requires_grad_(true);
  ViewClock clock;
  for (auto _ : state) {
    verts.mutable_grad().reset();
    tex.mutable_grad().reset();
    const at::Tensor clip = lr::transform_clip(verts, s.clip_matrices);
    const lr::RasterizeOutput r = lr::rasterize(clip, s.triangles, size, size, true);
    lr::InterpolateOptions uv_opts;
    uv_opts.rast_db = r.rast_db;
    uv_opts.diff_all = true;
    const lr::InterpolateOutput uv = lr::interpolate(s.uvs, r.rast, s.uv_triangles, uv_opts);
    lr::TextureOptions tex_opts;
    tex_opts.filter = lr::TextureFilter::LinearMipmapLinear;
    tex_opts.boundary = lr::TextureBoundary::Clamp;
    tex_opts.uv_da = uv.out_da;
    const at::Tensor albedo = lr::texture(tex, uv.out, tex_opts);
    const at::Tensor normals = lr::interpolate(verts, r.rast, s.triangles).out;  // positions as a stand-in attribute
    const at::Tensor shaded = lr::shade_sh(albedo, normals, light, r.rast);
    const at::Tensor color = lr::antialias(shaded, r.rast, clip, s.triangles, s.topology);
    color.sum().backward();
    benchmark::DoNotOptimize(verts.grad().data_ptr());
  }
  clock.report(state);
}
BENCHMARK(BM_HeadAllOps)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

// Each op alone (forward, then forward + backward), 4 views.
enum Op { kRasterize, kInterpolate, kTexture, kAntialias };

void BM_Op(benchmark::State& state) {
  set_threads();
  const HeadScene& s = scene();
  const Op op = static_cast<Op>(state.range(0));
  const int size = static_cast<int>(state.range(1));
  const bool backward = state.range(2) != 0;
  const at::Tensor clip = lr::transform_clip(s.vertices, s.clip_matrices).contiguous();
  const lr::RasterizeOutput r = lr::rasterize(clip, s.triangles, size, size, true);
  lr::InterpolateOptions uv_opts;
  uv_opts.rast_db = r.rast_db;
  uv_opts.diff_all = true;
  const lr::InterpolateOutput uv = lr::interpolate(s.uvs, r.rast, s.uv_triangles, uv_opts);
  const at::Tensor color = at::rand({kViews, size, size, 3});
  // The differentiated input, a leaf created once (as an optimizer holds its parameters).
  const at::Tensor input = (op == kRasterize || op == kAntialias ? clip : op == kInterpolate ? s.uvs : s.albedo)
                               .clone()
                               .requires_grad_(backward);
  ViewClock clock;
  for (auto _ : state) {
    if (backward) input.mutable_grad().reset();
    at::Tensor out;
    switch (op) {
      case kRasterize:
        out = lr::rasterize(input, s.triangles, size, size, true).rast;
        break;
      case kInterpolate: {
        lr::InterpolateOptions o = uv_opts;
        out = lr::interpolate(input, r.rast, s.uv_triangles, o).out_da;
        break;
      }
      case kTexture: {
        lr::TextureOptions o;
        o.filter = lr::TextureFilter::LinearMipmapLinear;
        o.uv_da = uv.out_da;
        out = lr::texture(input, uv.out, o);
        break;
      }
      case kAntialias:
        out = lr::antialias(color, r.rast, input, s.triangles, s.topology);
        break;
    }
    if (backward) out.sum().backward();
    benchmark::DoNotOptimize(out.data_ptr());
  }
  clock.report(state);
  static const char* names[] = {"rasterize", "interpolate_uv_da", "texture_trilinear", "antialias"};
  state.SetLabel(std::string(names[op]) + (backward ? " fwd+bwd" : " fwd"));
}
BENCHMARK(BM_Op)
    ->ArgsProduct({{kRasterize, kInterpolate, kTexture, kAntialias}, {256, 512}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  // Which build of the kernels runs (engine/raster/cpu_isa.h; LIKENESS_RASTER_ISA picks another).
  benchmark::AddCustomContext("raster_isa", lr::cpu::isa_name(lr::cpu::isa()));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
