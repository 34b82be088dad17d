// LibTorch multiplies matrices through libblas.so.3, which Debian points at whichever BLAS is
// installed: setup installs OpenBLAS (scripts/deps.txt) because the reference BLAS made every
// linear layer several times slower. This fails when a machine runs the reference one.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <climits>
#include <cstdlib>
#include <string>

TEST(Blas, LibTorchMultipliesMatricesWithOpenBlas) {
  // LibTorch's own matmul first, so its BLAS is certainly loaded and in use.
  const at::Tensor a = at::arange(12, at::kFloat).reshape({3, 4});
  const at::Tensor b = at::ones({4, 2});
  const at::Tensor c = at::matmul(a, b);
  EXPECT_FLOAT_EQ(c[0][0].item<float>(), 6.0f);
  EXPECT_FLOAT_EQ(c[2][1].item<float>(), 38.0f);
  // The library that the process's sgemm_ (the symbol LibTorch calls) comes from. OpenBLAS may be
  // loaded beside the reference BLAS (through liblapack.so.3), so its other symbols prove nothing.
  void* sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
  ASSERT_NE(sgemm, nullptr);
  Dl_info info{};
  ASSERT_NE(dladdr(sgemm, &info), 0);
  ASSERT_NE(info.dli_fname, nullptr);
  char resolved[PATH_MAX];
  const std::string path = realpath(info.dli_fname, resolved) ? resolved : info.dli_fname;
  EXPECT_NE(path.find("openblas"), std::string::npos)
      << "sgemm_ comes from " << path << ", not OpenBLAS: run scripts/setup.sh, which installs libopenblas0-openmp";
  RecordProperty("sgemm_library", path);
}
