// The memory and disk budget of a long session: 200 steps at 1024x1024 textures must stay under
// 1 GB in memory and under 200 MB on disk. The session mixes what artists do: generations that
// rewrite the face, head and eye textures, local texture edits, geometry edits, slider changes and
// mask painting. States are handed in the way the studio does it: a shallow copy of the current
// state with only the changed tensors replaced.
#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine/doc/document.h"
#include "tests/doc/doc_fixtures.h"

using namespace likeness;
using namespace likeness::doc;
namespace fs = std::filesystem;
using at::indexing::Slice;

namespace {

constexpr int kResolution = 1024;

// A smooth residual field (what an optimizer leaves: low-frequency change plus fine detail).
at::Tensor smooth_field(at::Generator& gen, int layers, int size, float amplitude) {
  at::Tensor coarse = at::randn({layers, 3, 32, 32}, gen, at::kFloat) * amplitude;
  at::Tensor fine = at::upsample_bilinear2d(coarse, {size, size}, false);
  return fine.permute({0, 2, 3, 1}).contiguous();
}

std::size_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

TEST(Budget, TwoHundredStepsAt1024) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(77);
  state::FaceState s = test::step_state(0, 0);
  s.texture_resolution = kResolution;
  s.albedo_residual = at::zeros({8, kResolution, kResolution, 3});
  s.normal_residual = at::zeros({8, kResolution, kResolution, 3});
  s.painted_mask = at::zeros({test::kVertices});
  Document doc = Document::create(s, {{"label", "new"}});
  auto start = std::chrono::steady_clock::now();
  std::size_t peak = 0;
  state::FaceState last;
  int generations = 0, texture_edits = 0, geometry_edits = 0, sliders = 0, masks = 0;
  for (int step = 1; step < 200; ++step) {
    state::FaceState next = *doc.current_state_view();  // shallow: shares unchanged tensors
    StepKind kind;
    Json cause;
    const int roll = step % 20;
    if (step == 1 || step == 100) {  // generation: face, back of the head and eyes rewritten
      kind = StepKind::Generate;
      next.albedo_residual = next.albedo_residual.clone();
      next.normal_residual = next.normal_residual.clone();
      for (int tile : {0, 1, 7}) next.albedo_residual[tile].copy_(smooth_field(gen, 1, kResolution, 0.05f)[0]);
      for (int tile : {0, 1}) next.normal_residual[tile].copy_(smooth_field(gen, 1, kResolution, 0.1f)[0]);
      next.identity = at::randn({test::kIdentity}, gen, at::kFloat);
      cause = {{"prompt", "a face " + std::to_string(step)}, {"seed", step}};
      ++generations;
    } else if (roll < 6) {  // local texture edit: a 160x160 texel patch of the face
      kind = StepKind::Edit;
      next.albedo_residual = next.albedo_residual.clone();
      const int y = (step * 97) % (kResolution - 160), x = (step * 61) % (kResolution - 160);
      next.albedo_residual.index({0, Slice(y, y + 160), Slice(x, x + 160)}).add_(smooth_field(gen, 1, 160, 0.02f)[0]);
      cause = {{"instruction", "texture edit " + std::to_string(step)}};
      ++texture_edits;
    } else if (roll < 10) {  // local geometry edit: 2,000 vertices move
      kind = StepKind::Edit;
      next.displacement = next.displacement.clone();
      const int v = (step * 1237) % (test::kVertices - 2000);
      next.displacement.index({Slice(v, v + 2000)}).add_(at::randn({2000, 3}, gen, at::kFloat) * 0.01);
      cause = {{"instruction", "geometry edit " + std::to_string(step)}};
      ++geometry_edits;
    } else if (roll < 18) {  // slider
      kind = StepKind::Slider;
      next.expression = at::rand({test::kExpressions}, gen, at::kFloat);
      cause = {{"changes", {{"jawOpen", 0.1 * (step % 10)}}}};
      ++sliders;
    } else {  // mask paint
      kind = StepKind::MaskPaint;
      next.painted_mask = next.painted_mask.clone();
      const int v = (step * 3331) % (test::kVertices - 3000);
      next.painted_mask.index({Slice(v, v + 3000)}).fill_(1.0f);
      cause = {{"label", "paint"}};
      ++masks;
    }
    doc.commit_step(kind, next, cause, test::fake_png(step));
    if (step % 7 == 0) {  // artists undo and redo
      doc.undo();
      doc.redo();
    }
    peak = std::max(peak, doc.memory_use().total());
    if (step == 199) last = next;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const MemoryUse mem = doc.memory_use();
  std::printf("200 steps (%d generations, %d texture edits, %d geometry edits, %d sliders, %d masks) at %dx%d x8 tiles, "
              "albedo+normal residuals: history blocks %.1f MB in memory, current state %.1f MB, peak %.1f MB, process RSS %.1f MB, "
              "%.1f s\n",
              generations, texture_edits, geometry_edits, sliders, masks, kResolution, kResolution, mem.resident_blocks / 1e6,
              mem.current_state / 1e6, peak / 1e6, rss_bytes() / 1e6, seconds);
  EXPECT_EQ(doc.step_count(), 200);
  EXPECT_LT(peak, 1000u * 1000 * 1000) << "200 steps must stay under 1 GB in memory";

  const fs::path path = fs::temp_directory_path() / "likeness_budget.likeness";
  auto t0 = std::chrono::steady_clock::now();
  doc.save_as(path);
  const double save_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto file_size = fs::file_size(path);
  t0 = std::chrono::steady_clock::now();
  Document back = Document::open(path);
  const double open_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("project file %.1f MB, save %.2f s, open %.2f s; memory after save %.1f MB, after open %.1f MB\n", file_size / 1e6,
              save_s, open_s, doc.memory_use().total() / 1e6, back.memory_use().total() / 1e6);
  EXPECT_LT(file_size, 200u * 1000 * 1000) << "200 steps must stay under 200 MB on disk";
  EXPECT_TRUE(state::equal(back.current_state(), last));
  t0 = std::chrono::steady_clock::now();
  back.checkout(1);
  back.checkout(150);
  std::printf("checkout of a distant step from the file: %.2f s each\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 2);
  EXPECT_TRUE(state::equal(back.current_state(), doc.state_at(150)));
  fs::remove(path);
}
