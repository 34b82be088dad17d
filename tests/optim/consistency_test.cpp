#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "engine/core/error.h"
#include "engine/optim/consistency.h"

using namespace likeness;
using namespace likeness::optim;

TEST(Consistency, RunningUpdateFollowsFaceG2E) {
  ConsistencyWeights w(at::IntArrayRef{4});
  at::Tensor a = at::tensor({0.0f, 0.5f, 1.0f, 0.2f});
  w.update(a);
  // W starts at 1; where 1 > w = 1 - a^2: W = 0.8 + 0.2 w.
  at::Tensor expected = at::tensor({1.0f, 0.8f + 0.2f * 0.75f, 0.8f, 0.8f + 0.2f * 0.96f});
  EXPECT_TRUE(at::allclose(w.weights(), expected));
  // Repeated updates converge to 1 - a^2 from above and never go below it.
  for (int i = 0; i < 100; ++i) w.update(a);
  EXPECT_TRUE(at::allclose(w.weights(), 1 - a * a, 1e-4, 1e-4));
  // Where the stored W is already below w, it stays.
  w.update(at::zeros({4}));
  EXPECT_TRUE(at::allclose(w.weights(), 1 - a * a, 1e-4, 1e-4));
}

TEST(Consistency, PaintedAndCombinedSources) {
  at::Tensor a = at::tensor({0.0f, 1.0f, 0.0f});
  at::Tensor m = at::tensor({1.0f, 0.0f, 0.0f});
  EXPECT_TRUE(at::allclose(initial_weights(MaskSource::Attention, a, m), at::tensor({1.0f, 0.0f, 1.0f})));
  EXPECT_TRUE(at::allclose(initial_weights(MaskSource::Painted, a, m), at::tensor({0.0f, 1.0f, 1.0f})));
  EXPECT_TRUE(at::allclose(initial_weights(MaskSource::Both, a, m), at::tensor({0.0f, 0.0f, 1.0f})));
  EXPECT_THROW(initial_weights(MaskSource::Both, at::Tensor(), at::Tensor()), InputError);
  EXPECT_EQ(mask_source_from_string("both"), MaskSource::Both);
  EXPECT_THROW(mask_source_from_string("brush"), InputError);
}

TEST(Consistency, LossIsWeightedMeanSquare) {
  at::Tensor t0 = at::zeros({2, 2, 3});
  at::Tensor t = at::ones({2, 2, 3}).requires_grad_(true);
  at::Tensor w = at::tensor({1.0f, 0.0f, 0.5f, 0.0f}).reshape({2, 2});
  at::Tensor loss = consistency_loss(t, t0, w);
  EXPECT_NEAR(loss.item<float>(), (1.0f + 0.5f) * 3 / 12, 1e-6);
  loss.backward();
  // No gradient where W is 0: those texels are free.
  EXPECT_EQ(t.grad()[0][1].abs().sum().item<float>(), 0.0f);
  EXPECT_GT(t.grad()[0][0].abs().sum().item<float>(), 0.0f);
}
