// Frame time at 1280x720 for the full head with all maps (albedo, normal, roughness at 1024 texels
// per UDIM tile, 4x MSAA, shadow map), and the cost of uploading a new state (geometry + textures)
// through the live-update path. Run: build/bench/bench_render [--benchmark_filter=...]
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <benchmark/benchmark.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "app/cli/render_adapter.h"
#include "engine/face/face_model.h"
#include "render/offscreen.h"

namespace {

using namespace likeness;

struct Setup {
  std::shared_ptr<const face::FaceModel> model;
  std::unique_ptr<render::OffscreenRenderer> renderer;
  render::Scene scene;
  render::SceneUpdate update;  // a different identity with its own textures
  render::ViewOptions view;
};

Setup& setup() {
  static Setup s = [] {
    Setup x;
    x.model = face::FaceModel::load_default();
    render_adapter::HeadState state = render_adapter::neutral_state(*x.model);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(11);
    state.identity = at::randn({x.model->identity_count()}, gen, at::kFloat);
    x.scene = render_adapter::make_scene(x.model, state, 1024);
    x.renderer = std::make_unique<render::OffscreenRenderer>();
    x.renderer->set_scene(x.scene);
    x.view.camera = render::frame_bounds(x.renderer->bounds(), render::ViewPreset::ThreeQuarter, 1280.0f / 720.0f);
    x.view.overlays = render::kOverlayNone;

    render_adapter::HeadState other = state;
    other.identity = at::randn({x.model->identity_count()}, gen, at::kFloat);
    at::Tensor v = render_adapter::state_vertices(*x.model, other);
    x.update.geometry = render_adapter::make_geometry(x.model->topology(), v, x.model->vertex_normals(v));
    x.update.textures = render_adapter::stand_in_textures(x.model, {{"skin.melanin", 0.6f}}, 1024, 3);
    std::cout << "device: " << x.renderer->device().name() << ", MSAA " << x.renderer->samples() << "x, "
              << x.scene.mesh.vertex_count() << " render vertices, " << x.scene.mesh.triangle_count() << " triangles, "
              << x.scene.textures.albedo.layers << " UDIM tiles of " << x.scene.textures.albedo.width << "^2 texels, "
              << std::thread::hardware_concurrency() << " CPU threads\n";
    return x;
  }();
  return s;
}

// One frame of the full head at 1280x720: record, draw (shadow pass + main pass), resolve and read
// back. gpu_ms is the queue time (on lavapipe: the CPU rasterization).
void BM_Frame1280x720(benchmark::State& state) {
  Setup& s = setup();
  s.view.lighting = render::make_lighting(static_cast<render::LightingPreset>(state.range(0)));
  double gpu = 0, record = 0, readback = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.renderer->render(s.view, 1280, 720));
    const render::FrameTiming t = s.renderer->last_timing();
    gpu += t.gpu_ms;
    record += t.record_ms;
    readback += t.readback_ms;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["gpu_ms"] = gpu / n;
  state.counters["record_ms"] = record / n;
  state.counters["readback_ms"] = readback / n;
  state.SetLabel(render::to_string(static_cast<render::LightingPreset>(state.range(0))));
}
BENCHMARK(BM_Frame1280x720)->Arg(0)->Arg(3)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// A square frame at the differentiable rasterizer's benchmark sizes (bench_raster renders the same
// 52k-triangle head at 256x256 and 512x512), full skin shader, three-point lighting: what lavapipe
// costs for a forward-only view of the same mesh at the same size.
void BM_FrameSquare(benchmark::State& state) {
  Setup& s = setup();
  const int size = static_cast<int>(state.range(0));
  render::ViewOptions view = s.view;
  view.lighting = render::make_lighting(render::LightingPreset::ThreePoint);
  view.camera = render::frame_bounds(s.renderer->bounds(), render::ViewPreset::ThreeQuarter, 1.0f);
  double gpu = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.renderer->render(view, size, size));
    gpu += s.renderer->last_timing().gpu_ms;
  }
  state.counters["gpu_ms"] = gpu / static_cast<double>(state.iterations());
}
BENCHMARK(BM_FrameSquare)->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Packing a new state (geometry + 8 tiles of 1024^2 albedo, normal, roughness) into staging
// memory: the cost on the submitting (optimization) thread.
void BM_SubmitState(benchmark::State& state) {
  Setup& s = setup();
  for (auto _ : state) {
    s.renderer->submit(s.update);
    state.PauseTiming();
    s.renderer->render(s.view, 16, 16);  // consume it so staging blocks recycle
    state.ResumeTiming();
  }
}
BENCHMARK(BM_SubmitState)->Unit(benchmark::kMillisecond)->Iterations(30);

// Packing new geometry only (positions and normals): what an optimizer step sends.
void BM_SubmitGeometry(benchmark::State& state) {
  Setup& s = setup();
  render::SceneUpdate u;
  u.geometry = s.update.geometry;
  for (auto _ : state) {
    s.renderer->submit(u);
    state.PauseTiming();
    s.renderer->render(s.view, 16, 16);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_SubmitGeometry)->Unit(benchmark::kMillisecond)->Iterations(30);

// A 1280x720 frame that also applies a new state (copies from staging, mip generation): compare
// with BM_Frame1280x720 for the upload's cost on the frame thread and GPU.
void BM_FrameWithNewState(benchmark::State& state) {
  Setup& s = setup();
  s.view.lighting = render::make_lighting(render::LightingPreset::ThreePoint);
  double gpu = 0, record = 0;
  for (auto _ : state) {
    state.PauseTiming();
    s.renderer->submit(s.update);
    state.ResumeTiming();
    benchmark::DoNotOptimize(s.renderer->render(s.view, 1280, 720));
    gpu += s.renderer->last_timing().gpu_ms;
    record += s.renderer->last_timing().record_ms;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["gpu_ms"] = gpu / n;
  state.counters["record_ms"] = record / n;
  state.counters["upload_MB"] = static_cast<double>(s.renderer->renderer().upload_stats().last_bytes) / (1024.0 * 1024.0);
}
BENCHMARK(BM_FrameWithNewState)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
