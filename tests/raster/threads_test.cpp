// Worker count: every op's forward output and gradients are the same with one thread and with
// several (the backward passes scatter into per-worker buffers, dense or row-sparse, reduced at the end).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>

#include "engine/raster/cpu_parallel.h"
#include "engine/raster/raster.h"
#include "tests/raster/test_support.h"

namespace likeness::raster::test {
namespace {

struct Result {
  at::Tensor image, grad_pos, grad_attr, grad_tex;
};

/// All four ops on an icosphere in two views: uvs with derivatives into a trilinear UDIM texture
/// large enough for several gradient pages, antialiased; gradients of a weighted sum.
Result run_pipeline(int threads) {
  const int saved = at::get_num_threads();
  at::set_num_threads(threads);
  Mesh m = icosphere(3);
  const at::Tensor clip =
      at::cat({clip_of(m.positions, 20, 10, 2.6), clip_of(m.positions, -70, -20, 2.4)}).requires_grad_(true);
  at::Generator gen = at::detail::createCPUGenerator(11);
  // Per-vertex uvs spread over two UDIM tiles.
  const at::Tensor attr = (at::rand({m.positions.size(0), 2}, gen, at::kDouble) *
                           at::tensor({1.9, 0.9}, at::kDouble) + 0.05)
                              .requires_grad_(true);
  const at::Tensor tex = at::rand({2, 64, 96, 3}, gen, at::kDouble).requires_grad_(true);
  const RasterizeOutput r = rasterize(clip, m.triangles, 96, 80, true);
  InterpolateOptions io;
  io.rast_db = r.rast_db;
  io.diff_all = true;
  const InterpolateOutput uv = interpolate(attr, r.rast, m.triangles, io);
  TextureOptions to;
  to.filter = TextureFilter::LinearMipmapLinear;
  to.boundary = TextureBoundary::Clamp;
  to.uv_da = uv.out_da;
  const at::Tensor color = texture(tex, uv.out, to);
  const at::Tensor image = antialias(color, r.rast, clip, m.triangles);
  (image * loss_weights(image, 12)).sum().backward();
  at::set_num_threads(saved);
  return {image.detach(), clip.grad(), attr.grad(), tex.grad()};
}

double relative_difference(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).abs().max().item<double>() / std::max(1e-30, b.abs().max().item<double>());
}

TEST(Threads, ResultsAndGradientsDoNotDependOnTheWorkerCount) {
  const Result one = run_pipeline(1);
  // Round-robin items, so every worker slot's buffers take part whatever the scheduling.
  cpu::set_round_robin_schedule(true);
  const Result many = run_pipeline(4);
  cpu::set_round_robin_schedule(false);
  EXPECT_TRUE(at::equal(one.image, many.image));
  for (const auto& [name, a, b] : {std::tuple<const char*, at::Tensor, at::Tensor>{"positions", one.grad_pos, many.grad_pos},
                                   {"attributes", one.grad_attr, many.grad_attr},
                                   {"texels", one.grad_tex, many.grad_tex}}) {
    ASSERT_TRUE(a.defined() && b.defined()) << name;
    EXPECT_GT(a.abs().sum().item<double>(), 0.0) << name;
    EXPECT_LT(relative_difference(b, a), 1e-12) << name;
  }
}

}  // namespace
}  // namespace likeness::raster::test
