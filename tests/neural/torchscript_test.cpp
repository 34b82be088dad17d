// OpenAI-style CLIP TorchScript archives: built here as a small scripted module with the same
// methods, a "cuda" device constant and float16 casts, saved, then loaded through the library.
#include <gtest/gtest.h>

#include <torch/script.h>

#include "engine/core/error.h"
#include "engine/neural/clip.h"
#include "engine/neural/weights_report.h"
#include "tests/neural/neural_ref.h"

namespace fs = std::filesystem;
using namespace likeness;
using namespace likeness::neural;

namespace {

// A CLIP-like archive: token embedding + argmax (EOT) pooling + projection for text; a mean over
// pixels + projection for images, written as traced-on-CUDA fp16 archives are (dtype 5 is
// float16, as the traced graphs hold it; the C++ script compiler does not resolve torch.float16).
fs::path write_archive(const fs::path& dir, at::Tensor* tokens, at::Tensor* text_proj, at::Tensor* visual_proj) {
  torch::jit::Module m("ClipLike");
  *tokens = at::randn({100, 8});
  *text_proj = at::randn({8, 6});
  *visual_proj = at::randn({3, 6});
  m.register_parameter("token_embedding", *tokens, false);
  m.register_parameter("text_projection", *text_proj, false);
  m.register_parameter("visual_projection", *visual_proj, false);
  m.register_attribute("input_resolution", c10::IntType::get(), 16);
  m.define(R"JIT(
def encode_text(self, text):
    x = torch.embedding(self.token_embedding, text)
    pooled = x[torch.arange(x.size(0)), text.argmax(dim=-1)]
    return pooled @ self.text_projection

def encode_image(self, image):
    x = image.to(device=torch.device("cuda"), dtype=5)
    pooled = x.mean(dim=[2, 3])
    return pooled @ self.visual_projection.to(dtype=5)
)JIT");
  const fs::path file = dir / "ViT-tiny.pt";
  m.save(file.string());
  return file;
}

}  // namespace

TEST(ClipTorchScript, LoadsPatchesDeviceAndDtypeAndRuns) {
  at::Tensor tokens, text_proj, visual_proj;
  const fs::path file = write_archive(test::temp_dir("torchscript"), &tokens, &text_proj, &visual_proj);
  // As saved, the archive cannot run on this CPU build: it asks for CUDA.
  torch::jit::Module raw = torch::jit::load(file.string());
  EXPECT_ANY_THROW(raw.run_method("encode_image", at::rand({1, 3, 16, 16})));

  const ClipTorchScript clip = ClipTorchScript::load(file);
  EXPECT_EQ(clip.input_resolution(), 16);
  EXPECT_TRUE(clip.device().is_cpu());
  // OpenAI tokens: SOT ... EOT then zeros; the EOT (highest id) is pooled.
  const at::Tensor ids = at::tensor({49, 5, 7, 99, 0, 0, 0, 0, 3, 99, 0, 0, 0, 0, 0, 0}, at::kLong).reshape({2, 8});
  const at::Tensor text = clip.encode_text(ids);
  const at::Tensor expected_text = at::stack({tokens[99], tokens[99]}).matmul(text_proj);
  EXPECT_TRUE(test::close(text, expected_text, 1e-5));
  const at::Tensor images = at::rand({2, 3, 16, 16});
  const at::Tensor image = clip.encode_image(images);
  EXPECT_EQ(image.scalar_type(), at::kFloat) << "float16 casts become float32 on the CPU";
  EXPECT_TRUE(test::close(image, images.mean({2, 3}).matmul(visual_proj), 1e-5));
  EXPECT_THROW(clip.encode_image(at::rand({1, 3, 32, 32})), InputError);
  EXPECT_THROW(clip.encode_text(at::rand({1, 8})), InputError);

  const WeightsReport report = inspect_weights(file);
  EXPECT_TRUE(report.ok()) << report.errors();
  EXPECT_EQ(report.layout, "TorchScript CLIP");
  EXPECT_NE(std::find(report.features.begin(), report.features.end(), "clip_guidance"), report.features.end());
}

TEST(ClipTorchScript, RejectsArchivesThatAreNotClip) {
  torch::jit::Module m("NotClip");
  m.define("def forward(self, x):\n    return x + 1\n");
  const fs::path file = test::temp_dir("torchscript_other") / "other.pt";
  m.save(file.string());
  try {
    ClipTorchScript::load(file);
    ADD_FAILURE() << "accepted a module without encode_text";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("encode_text"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(ClipTorchScript::load(file.parent_path() / "absent.pt"), InputError);
}
