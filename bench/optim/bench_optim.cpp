// Timing of generation and editing on the built-in guidance, the figures docs/guidance.md reports:
// time to the first preview state, to a converged face (shape, expression, appearance parameters
// and residuals) and to its 1024 texture maps, and the time of geometry, texture and expression
// edits. A timed run, not Google Benchmark (each sample takes seconds). Run:
//   build/bench/bench_optim [--repeat N]      (threads: LIKENESS_THREADS or all cores)
#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "engine/appearance/appearance_model.h"
#include "engine/appearance/parameters.h"
#include "engine/appearance/texture_set.h"
#include "engine/io/runtime.h"
#include "engine/optim/pipeline.h"

using namespace likeness;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

struct Figures {
  std::vector<double> first_preview, total, textures;
  std::vector<int> steps;
};

}  // namespace

int main(int argc, char** argv) {
  int repeat = 3;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::max(1, std::atoi(argv[i + 1]));
  const int threads = init_runtime();
  std::printf("bench_optim: %d thread(s), %u hardware threads\n", threads, std::thread::hardware_concurrency());

  auto t0 = Clock::now();
  optim::Pipeline pipeline;
  std::printf("pipeline load (model, statistics, regions, appearance model at %d): %.2f s\n",
              pipeline.options().working_resolution, since(t0));
  // The 1024 appearance model of the seeds used below is built once per process (cached); its
  // build is a one-time cost reported separately.
  t0 = Clock::now();
  auto textures_1024 = appearance::AppearanceModel::get(1024, 0);
  std::printf("appearance model build at 1024 (once per resolution and seed): %.2f s\n", since(t0));

  const std::vector<std::string> prompts = {
      "This middle-aged man is a westerner. He has big and black eyes with the double eyelid. He has a medium-sized nose "
      "with a high nose bridge. His face is square and medium. He has a dense and black beard.",
      "old woman, round face, thin lips, freckles",
      "A young woman with green eyes, full red lips, high cheekbones and a small nose.",
  };
  Figures gen;
  std::vector<state::FaceState> faces;
  for (int r = 0; r < repeat; ++r)
    for (const std::string& prompt : prompts) {
      double first = -1;
      t0 = Clock::now();
      optim::Outcome o = pipeline.generate(prompt, {0, 0}, nullptr, [&](const optim::Progress& p) {
        if (first < 0 && p.snapshot) first = since(t0);
      });
      const double total = since(t0);
      const auto& res = pipeline.resources();
      auto t1 = Clock::now();
      {
        at::NoGradGuard guard;
        auto params = appearance::AppearanceParams::from_tensor(res.schema, optim::appearance_from_state(*res.schema, o.state));
        appearance::TextureSet set = textures_1024->generate(params, {o.state.albedo_residual, o.state.normal_residual});
        (void)set;
      }
      gen.textures.push_back(since(t1));
      gen.first_preview.push_back(first);
      gen.total.push_back(total);
      gen.steps.push_back(o.session.steps_run);
      if (r == 0) faces.push_back(o.state);
    }
  std::vector<double> with_textures;
  for (std::size_t i = 0; i < gen.total.size(); ++i) with_textures.push_back(gen.total[i] + gen.textures[i]);
  std::printf("generation (median of %zu): first preview %.0f ms, converged %.2f s (%d steps median), + 1024 maps %.2f s = %.2f s\n",
              gen.total.size(), 1000 * median(gen.first_preview), median(gen.total),
              gen.steps[gen.steps.size() / 2], median(gen.textures), median(with_textures));

  struct EditCase {
    const char* instruction;
    optim::EditScope scope;
  };
  const EditCase edits[] = {{"make the nose narrower", optim::EditScope::Both},
                            {"give him a grey stubble", optim::EditScope::Both},
                            {"she is smiling", optim::EditScope::Both},
                            {"make the lips fuller", optim::EditScope::Both}};
  {
    // The parts of an edit's setup.
    t0 = Clock::now();
    const optim::Understanding u = pipeline.understand("make the nose narrower", &faces[0]);
    std::printf("understanding an edit: %.0f ms\n", 1000 * since(t0));
    t0 = Clock::now();
    auto [wv, wuv] = pipeline.edit_weights(faces[0], u.targets.attention, optim::MaskSource::Attention);
    const double weights = since(t0);
    t0 = Clock::now();
    at::Tensor form = optim::geometry_consistency_form(pipeline.resources(), (1 - wv).clamp(0, 1), wuv, {});
    const double form_a = since(t0);
    t0 = Clock::now();
    form = optim::geometry_consistency_form(pipeline.resources(), (1 - wv).clamp(0, 1), wuv, {30, 31});
    std::printf("edit setup: consistency weights %.0f ms, geometry form %.0f ms (with expressions %.0f ms)\n", 1000 * weights,
                1000 * form_a, 1000 * since(t0));
  }
  for (const EditCase& e : edits) {
    std::vector<double> times, firsts;
    std::map<std::string, double> phases;
    int steps = 0;
    for (int r = 0; r < repeat; ++r) {
      optim::EditOptions options;
      options.scope = e.scope;
      double first = -1;
      t0 = Clock::now();
      optim::Outcome o = pipeline.edit(faces[static_cast<std::size_t>(r) % faces.size()], e.instruction, options, nullptr,
                                       [&](const optim::Progress& p) {
                                         if (first < 0 && p.snapshot) first = since(t0);
                                       });
      times.push_back(since(t0));
      firsts.push_back(first);
      steps = o.session.steps_run;
      phases = o.session.phase_seconds;
    }
    std::printf("edit '%s': %.2f s (median of %d, %d steps, first preview %.0f ms)\n ", e.instruction, median(times), repeat, steps,
                1000 * median(firsts));
    for (const auto& [phase, seconds] : phases) std::printf(" %s %.2f s", phase.c_str(), seconds);
    std::printf("\n");
  }
  return 0;
}
