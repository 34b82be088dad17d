// Forward and forward+backward time and peak tensor memory of each neural module on the reference
// sizes of ../shared/neural-ref (config.json and weights from there, inputs from its
// reference.safetensors), and, when a CUDA device exists, SD 1.5's UNet at a 64x64 latent with
// batch 2 (the classifier-free guidance pair) in float16: the studio's per-step cost.
//
// Run: build/bench/bench_neural [--benchmark_filter=...]. Threads: LIKENESS_THREADS (default 2).
// Reference data: $LIKENESS_NEURAL_REF, else <source>/../shared/neural-ref.
// LIKENESS_BENCH_SD15_CPU=1 also runs the SD 1.5-sized UNet on the CPU in float32 (slow).
// Counters: peak_MiB is the high-water mark of tensor memory above what was live before the pass
// (CPU: through a counting allocator; CUDA: the caching allocator's peak, on CUDA builds).
#include <benchmark/benchmark.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

#ifdef LIKENESS_BENCH_CUDA_STATS
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include "bench/neural/memory_tracker.h"
#include "engine/io/runtime.h"
#include "engine/io/safetensors.h"
#include "engine/neural/neural.h"
#include "likeness_build_config.h"

namespace fs = std::filesystem;
namespace ln = likeness::neural;
namespace nb = likeness::neural::bench;

namespace {

fs::path reference_dir() {
  fs::path dir;
  if (const char* env = std::getenv("LIKENESS_NEURAL_REF"); env && *env)
    dir = env;
  else
    dir = fs::path(LIKENESS_SOURCE_DIR) / ".." / "shared" / "neural-ref";
  dir = dir.lexically_normal();
  if (!fs::is_regular_file(dir / "manifest.json"))
    throw std::runtime_error("neural reference data not found at " + dir.string() + " (set LIKENESS_NEURAL_REF)");
  return dir;
}

// One input of a model's reference file, copied out of the mapping.
at::Tensor input(const std::string& model, const std::string& name) {
  return likeness::io::SafetensorsFile::open(reference_dir() / model / "reference.safetensors").tensor(name).clone();
}

constexpr double kMiB = 1024.0 * 1024.0;

// Measures one pass per iteration and reports the peak memory above the pass's starting point.
void run_passes(benchmark::State& state, const std::function<void()>& pass, bool cuda) {
  std::int64_t peak = 0;
  for (auto _ : state) {
#ifdef LIKENESS_BENCH_CUDA_STATS
    std::int64_t cuda_base = 0;
    if (cuda) {
      c10::cuda::CUDACachingAllocator::resetPeakStats(0);
      cuda_base = c10::cuda::CUDACachingAllocator::getDeviceStats(0)
                      .allocated_bytes[static_cast<std::size_t>(c10::cuda::CUDACachingAllocator::StatType::AGGREGATE)]
                      .current;
    }
#endif
    const std::int64_t base = nb::cpu_live_bytes();
    nb::reset_cpu_peak();
    pass();
    if (cuda) torch::cuda::synchronize();
    peak = std::max(peak, nb::cpu_peak_bytes() - base);
#ifdef LIKENESS_BENCH_CUDA_STATS
    if (cuda) {
      const auto& bytes = c10::cuda::CUDACachingAllocator::getDeviceStats(0).allocated_bytes[static_cast<std::size_t>(
          c10::cuda::CUDACachingAllocator::StatType::AGGREGATE)];
      peak = std::max<std::int64_t>(peak, bytes.peak - cuda_base);
    }
#endif
  }
  state.counters["peak_MiB"] = static_cast<double>(peak) / kMiB;
}

// The reference models, loaded once.
struct Models {
  ln::UNet unet;
  ln::Vae vae;
  ln::ClipTextModel text;
  ln::ClipVisionModel vision;
  ln::ControlNet controlnet;
};

const Models& models() {
  static const Models m = [] {
    const fs::path dir = reference_dir();
    return Models{ln::UNet::load(dir / "unet"), ln::Vae::load(dir / "vae"), ln::ClipTextModel::load(dir / "text_encoder"),
                  ln::ClipVisionModel::load(dir / "image_encoder"), ln::ControlNet::load(dir / "controlnet")};
  }();
  return m;
}

void counters_for(benchmark::State& state, const ln::NeuralModel& m) {
  state.counters["params"] = static_cast<double>(m.parameter_count());
}

// state.range(0): 0 forward only (no autograd graph), 1 forward + backward to the inputs.
void BM_UNet(benchmark::State& state) {
  const bool backward = state.range(0) != 0;
  const ln::UNet& unet = models().unet;
  const at::Tensor sample = input("unet", "input.sample"), t = input("unet", "input.timesteps");
  const at::Tensor ehs = input("unet", "input.encoder_hidden_states"), w = input("unet", "input.grad_weight");
  run_passes(
      state,
      [&] {
        if (!backward) {
          at::NoGradGuard no_grad;
          benchmark::DoNotOptimize(unet.forward(sample, t, ehs).data_ptr());
          return;
        }
        const at::Tensor x = sample.clone().requires_grad_(true), e = ehs.clone().requires_grad_(true);
        (unet.forward(x, t, e) * w).sum().backward();
        benchmark::DoNotOptimize(x.grad().data_ptr());
      },
      false);
  counters_for(state, unet);
}
BENCHMARK(BM_UNet)->ArgName("backward")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_VaeEncode(benchmark::State& state) {
  const bool backward = state.range(0) != 0;
  const ln::Vae& vae = models().vae;
  const at::Tensor image = input("vae", "input.image");
  run_passes(
      state,
      [&] {
        if (!backward) {
          at::NoGradGuard no_grad;
          benchmark::DoNotOptimize(vae.encode(image).mean.data_ptr());
          return;
        }
        const at::Tensor x = image.clone().requires_grad_(true);
        vae.encode(x).mean.sum().backward();
        benchmark::DoNotOptimize(x.grad().data_ptr());
      },
      false);
  counters_for(state, vae);
}
BENCHMARK(BM_VaeEncode)->ArgName("backward")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_VaeDecode(benchmark::State& state) {
  const bool backward = state.range(0) != 0;
  const ln::Vae& vae = models().vae;
  const at::Tensor latent = input("vae", "input.latent");
  run_passes(
      state,
      [&] {
        if (!backward) {
          at::NoGradGuard no_grad;
          benchmark::DoNotOptimize(vae.decode(latent).data_ptr());
          return;
        }
        const at::Tensor x = latent.clone().requires_grad_(true);
        vae.decode(x).sum().backward();
        benchmark::DoNotOptimize(x.grad().data_ptr());
      },
      false);
  counters_for(state, vae);
}
BENCHMARK(BM_VaeDecode)->ArgName("backward")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The text tower's input is token ids: nothing to differentiate, forward only.
void BM_ClipText(benchmark::State& state) {
  const ln::ClipTextModel& text = models().text;
  const at::Tensor ids = input("text_encoder", "input.input_ids");
  run_passes(
      state,
      [&] {
        at::NoGradGuard no_grad;
        benchmark::DoNotOptimize(text.forward(ids).last_hidden_state.data_ptr());
      },
      false);
  counters_for(state, text);
}
BENCHMARK(BM_ClipText)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ClipVision(benchmark::State& state) {
  const bool backward = state.range(0) != 0;
  const ln::ClipVisionModel& vision = models().vision;
  const at::Tensor pixels = input("image_encoder", "input.pixel_values");
  run_passes(
      state,
      [&] {
        if (!backward) {
          at::NoGradGuard no_grad;
          benchmark::DoNotOptimize(vision.forward(pixels).image_embeds.data_ptr());
          return;
        }
        const at::Tensor x = pixels.clone().requires_grad_(true);
        vision.forward(x).image_embeds.pow(2).sum().backward();
        benchmark::DoNotOptimize(x.grad().data_ptr());
      },
      false);
  counters_for(state, vision);
}
BENCHMARK(BM_ClipVision)->ArgName("backward")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ControlNet(benchmark::State& state) {
  const bool backward = state.range(0) != 0;
  const ln::ControlNet& controlnet = models().controlnet;
  const at::Tensor sample = input("controlnet", "input.sample"), t = input("controlnet", "input.timesteps");
  const at::Tensor ehs = input("controlnet", "input.encoder_hidden_states"), cond = input("controlnet", "input.controlnet_cond");
  run_passes(
      state,
      [&] {
        if (!backward) {
          at::NoGradGuard no_grad;
          benchmark::DoNotOptimize(controlnet.forward(sample, t, ehs, cond).mid.data_ptr());
          return;
        }
        const at::Tensor x = sample.clone().requires_grad_(true), c = cond.clone().requires_grad_(true);
        const ln::ControlResiduals r = controlnet.forward(x, t, ehs, c);
        at::Tensor total = r.mid.sum();
        for (const auto& d : r.down) total = total + d.sum();
        total.backward();
        benchmark::DoNotOptimize(x.grad().data_ptr());
      },
      false);
  counters_for(state, controlnet);
}
BENCHMARK(BM_ControlNet)->ArgName("backward")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// One score distillation step as the studio runs it: encode the image, noise the latent, the
// UNet on the guidance pair, the SDS gradient back through the VAE encoder to the image.
void BM_ScoreDistillationStep(benchmark::State& state) {
  const Models& m = models();
  const ln::NoiseSchedule schedule;
  const at::Tensor image = input("vae", "input.image");
  const at::Tensor ehs = input("unet", "input.encoder_hidden_states");
  const at::Tensor cond = ehs.narrow(0, 0, image.size(0)), uncond = ehs.narrow(0, 1, image.size(0));
  run_passes(
      state,
      [&] {
        const at::Tensor x = image.clone().requires_grad_(true);
        const at::Tensor latents = m.vae.encode(x).mean * m.vae.config().scaling_factor;
        const at::Tensor noise = at::randn_like(latents);
        const at::Tensor t = at::full({latents.size(0)}, 500, at::kLong);
        const at::Tensor grad = ln::sds_gradient(m.unet, schedule, latents, t, noise, cond, uncond);
        ln::sds_surrogate_loss(latents, grad).backward();
        benchmark::DoNotOptimize(x.grad().data_ptr());
      },
      false);
}
BENCHMARK(BM_ScoreDistillationStep)->Unit(benchmark::kMillisecond)->UseRealTime();

// Fills a created model's parameters (weights N/sqrt(fan_in), norms 1, biases 0) so that the
// timed passes see ordinary numbers, not uninitialised memory.
void fill_parameters(const ln::NeuralModel& model) {
  at::NoGradGuard no_grad;
  for (auto& [name, p] : model.named_parameters()) {
    const bool norm = name.find("norm") != std::string::npos;
    if (p.dim() > 1)
      p.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(p.numel() / p.size(0))));
    else
      p.fill_(norm && name.size() > 6 && name.compare(name.size() - 6, 6, "weight") == 0 ? 1.0 : 0.0);
  }
}

// SD 1.5's UNet (860M parameters) at a 64x64 latent, batch 2, 77 tokens of 768: the classifier-
// free guidance pair of one 512x512 step. state.range(0): forward only / + backward to the latent.
void BM_SD15UNet(benchmark::State& state, at::Device device, at::ScalarType dtype) {
  const bool backward = state.range(0) != 0;
  ln::ModelOptions options;
  options.device = device;
  options.dtype = dtype;
  static std::map<std::pair<std::string, int>, ln::UNet> cache;
  const auto key = std::make_pair(device.str(), static_cast<int>(dtype));
  if (!cache.count(key)) {
    cache[key] = ln::UNet::create(ln::UNetConfig::stable_diffusion_1(), options);
    fill_parameters(cache[key]);
  }
  const ln::UNet& unet = cache.at(key);
  const auto o = at::TensorOptions().device(device).dtype(dtype);
  const at::Tensor sample = at::randn({2, 4, 64, 64}, o), ehs = at::randn({2, 77, 768}, o);
  const at::Tensor t = at::full({2}, 500, at::TensorOptions().device(device).dtype(at::kLong));
  const bool cuda = device.is_cuda();
  // Warm-up outside the timing (kernel selection, allocator pools).
  {
    at::NoGradGuard no_grad;
    unet.forward(sample, t, ehs);
    if (cuda) torch::cuda::synchronize();
  }
  run_passes(
      state,
      [&] {
        if (!backward) {
          at::NoGradGuard no_grad;
          benchmark::DoNotOptimize(unet.forward(sample, t, ehs).data_ptr());
          return;
        }
        const at::Tensor x = sample.clone().requires_grad_(true);
        unet.forward(x, t, ehs).to(at::kFloat).pow(2).mean().backward();
        benchmark::DoNotOptimize(x.grad().data_ptr());
      },
      cuda);
  state.counters["params"] = static_cast<double>(unet.parameter_count());
}

void register_sd15() {
  if (torch::cuda::is_available()) {
    for (const auto& [dtype, name] : {std::make_pair(at::kHalf, "fp16"), std::make_pair(at::kBFloat16, "bf16")})
      benchmark::RegisterBenchmark((std::string("BM_SD15UNet_64x64_b2/cuda_") + name).c_str(),
                                   [dtype = dtype](benchmark::State& s) { BM_SD15UNet(s, at::Device(at::kCUDA, 0), dtype); })
          ->ArgName("backward")
          ->Arg(0)
          ->Arg(1)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->MinTime(2.0);
  } else {
    std::printf(
        "No CUDA device (or a CPU-only LibTorch): the SD 1.5 UNet GPU benchmark (64x64 latent, batch 2, fp16; "
        "target < 40 ms per step on an H100) was NOT run.\n");
  }
  if (const char* env = std::getenv("LIKENESS_BENCH_SD15_CPU"); env && std::string(env) == "1")
    benchmark::RegisterBenchmark("BM_SD15UNet_64x64_b2/cpu_fp32",
                                 [](benchmark::State& s) { BM_SD15UNet(s, at::Device(at::kCPU), at::kFloat); })
        ->ArgName("backward")
        ->Arg(0)
        ->Arg(1)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->Iterations(1);
}

}  // namespace

int main(int argc, char** argv) {
  const char* threads = std::getenv("LIKENESS_THREADS");
  likeness::init_runtime(threads ? 0 : 2);
  nb::install_cpu_memory_tracker();
  register_sd15();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
