// Timing of the appearance generator, the cost the optimizer pays per step. Run:
//   build/bench/bench_appearance [--benchmark_filter=...]
// Threads: LIKENESS_THREADS or all cores (at::set_num_threads once at start).
#include <benchmark/benchmark.h>

#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "engine/appearance/appearance_model.h"
#include "engine/face/face_model.h"

using namespace likeness::appearance;

namespace {

void set_threads() {
  static bool done = false;
  if (done) return;
  const char* env = std::getenv("LIKENESS_THREADS");
  const int n = env ? std::atoi(env) : static_cast<int>(std::thread::hardware_concurrency());
  at::set_num_threads(std::max(1, n));
  done = true;
}

void BM_Build(benchmark::State& state) {
  set_threads();
  const int res = static_cast<int>(state.range(0));
  auto face = likeness::face::FaceModel::load_default();
  for (auto _ : state) benchmark::DoNotOptimize(AppearanceModel::build(face, res, 1));
}

void BM_Forward(benchmark::State& state) {
  set_threads();
  auto model = AppearanceModel::get(static_cast<int>(state.range(0)), 1);
  AppearanceParams p = AppearanceParams::sample_prior(5, Sex::Male);
  at::NoGradGuard no_grad;
  model->generate(p);  // warm-up
  for (auto _ : state) benchmark::DoNotOptimize(model->generate(p));
}

void BM_ForwardBackward(benchmark::State& state) {
  set_threads();
  const int res = static_cast<int>(state.range(0));
  auto model = AppearanceModel::get(res, 1);
  AppearanceParams p = AppearanceParams::sample_prior(5, Sex::Male);
  p.values.requires_grad_(true);
  Residuals r = Residuals::zeros(res / 2, true);
  const at::Tensor w = at::rand({8, res, res, 3});
  for (auto _ : state) {
    TextureSet t = model->generate(p, r);
    at::Tensor loss = (t.albedo * w).sum() + (t.normal * w).sum() + t.roughness.sum();
    loss.backward();
    benchmark::DoNotOptimize(p.values.grad());
    p.values.mutable_grad().reset();
    r.albedo.mutable_grad().reset();
    r.normal.mutable_grad().reset();
  }
}

}  // namespace

BENCHMARK(BM_Build)->Arg(512)->Arg(1024)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Forward)->Arg(512)->Arg(1024)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_ForwardBackward)->Arg(512)->Arg(1024)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK_MAIN();
