// Validating weights folders (`likeness models add`) and the registry they are recorded in, through
// the library and through the CLI command (compiled into this test, run in-process).
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cstdlib>
#include <sstream>

#include "app/cli/cli.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"
#include "engine/io/safetensors.h"
#include "engine/neural/clip.h"
#include "engine/neural/model_registry.h"
#include "engine/neural/weights.h"
#include "engine/neural/weights_report.h"
#include "tests/neural/convert_helpers.h"
#include "tests/neural/neural_ref.h"

namespace fs = std::filesystem;
using namespace likeness;
using namespace likeness::neural;
using namespace likeness::neural::test;

namespace {

std::pair<std::string, at::Tensor> as_is(const std::string& n, const at::Tensor& t) { return {n, t}; }

// A diffusers pipeline folder assembled from the reference components.
fs::path write_pipeline(const std::string& name, bool with_extras) {
  const fs::path root = temp_dir(name);
  copy_folder(Reference("unet").dir(), root / "unet", "diffusion_pytorch_model.safetensors", as_is);
  copy_folder(Reference("vae").dir(), root / "vae", "diffusion_pytorch_model.safetensors", as_is);
  copy_folder(Reference("text_encoder").dir(), root / "text_encoder", "model.safetensors", as_is);
  if (with_extras) {
    copy_folder(Reference("image_encoder").dir(), root / "image_encoder", "model.safetensors", as_is);
    copy_folder(Reference("controlnet").dir(), root / "controlnet", "diffusion_pytorch_model.safetensors", as_is);
  }
  fs::create_directories(root / "tokenizer");
  write_file_atomic(root / "tokenizer" / "vocab.json", "{}");
  write_file_atomic(root / "tokenizer" / "merges.txt", "#version: 0.2\n");
  fs::create_directories(root / "scheduler");
  save_json_file(root / "scheduler" / "scheduler_config.json", Json{{"_class_name", "PNDMScheduler"}, {"prediction_type", "epsilon"}});
  save_json_file(root / "model_index.json", Json{{"_class_name", "StableDiffusionPipeline"}});
  return root;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

const WeightsPiece* piece(const WeightsReport& r, const std::string& name) {
  for (const auto& p : r.pieces)
    if (p.name == name) return &p;
  return nullptr;
}

struct CliResult {
  int code;
  std::string out, err;
};

CliResult run(const std::vector<std::string>& words) {
  std::vector<std::string> argv_storage = {"likeness"};
  argv_storage.insert(argv_storage.end(), words.begin(), words.end());
  std::vector<char*> argv;
  for (auto& w : argv_storage) argv.push_back(w.data());
  std::ostringstream out, err;
  const int code = cli::run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

// Points the user config folder at a fresh temporary folder for one test.
class RegistryTest : public ::testing::Test {
protected:
  void SetUp() override {
    config_ = temp_dir("config_home");
    ::setenv("XDG_CONFIG_HOME", config_.c_str(), 1);
  }
  fs::path config_;
};

}  // namespace

TEST(WeightsReport, FullPipelineUnlocksEveryFeature) {
  const fs::path root = write_pipeline("report_full", true);
  const WeightsReport r = inspect_weights(root);
  EXPECT_TRUE(r.ok()) << r.errors();
  EXPECT_EQ(r.layout, "diffusers pipeline");
  for (const char* p : {"model_index", "unet", "vae", "text_encoder", "image_encoder", "controlnet", "scheduler", "tokenizer"})
    EXPECT_NE(piece(r, p), nullptr) << p;
  EXPECT_NE(piece(r, "unet")->detail.find("715,700 parameters"), std::string::npos) << piece(r, "unet")->detail;
  for (const char* f : {"text_embeddings", "sds", "controlnet", "clip_guidance", "attention_masks"}) EXPECT_TRUE(has(r.features, f)) << f;
  EXPECT_FALSE(has(r.features, "instruct_pix2pix"));
  EXPECT_FALSE(has(r.features, "v_prediction"));
  EXPECT_EQ(r.to_json().at("ok"), true);
}

TEST(WeightsReport, ComponentAndClipFolders) {
  const WeightsReport unet = inspect_weights(Reference("unet").dir());
  EXPECT_TRUE(unet.ok()) << unet.errors();
  EXPECT_EQ(unet.layout, "component folder");
  EXPECT_TRUE(has(unet.features, "attention_masks"));
  EXPECT_FALSE(has(unet.features, "sds")) << "a UNet alone cannot distil";
  const WeightsReport text = inspect_weights(Reference("text_encoder").dir());
  EXPECT_TRUE(text.ok()) << text.errors();
  EXPECT_EQ(text.family, "CLIP");
  EXPECT_TRUE(has(text.features, "text_embeddings"));
  EXPECT_FALSE(has(text.features, "clip_guidance")) << "needs the vision tower too";
}

TEST(WeightsReport, InvalidPiecesAndDisagreementsAreNamed) {
  const fs::path root = write_pipeline("report_bad", false);
  // A wrong tensor in the VAE.
  auto vae = read_all(root / "vae" / "diffusion_pytorch_model.safetensors");
  std::string stored_shape, wrong_shape;
  for (auto& [n, t] : vae)
    if (n == "decoder.conv_out.weight") {
      stored_shape = shape_text(t.sizes().vec());
      t = at::zeros({t.size(0), t.size(1), t.size(2) + 2, t.size(3) + 2});
      wrong_shape = shape_text(t.sizes().vec());
    }
  io::save_safetensors(root / "vae" / "diffusion_pytorch_model.safetensors", vae);
  // A text encoder half as wide as the embeddings the UNet attends to.
  ClipTextConfig narrow = ClipTextConfig::from_json(load_json_file(Reference("text_encoder").dir() / "config.json"), "config");
  const std::int64_t context = load_json_file(Reference("unet").dir() / "config.json").at("cross_attention_dim").get<std::int64_t>();
  narrow.hidden_size = context / 2;
  const ClipTextModel small = ClipTextModel::create(narrow, false);
  NamedTensors weights;
  for (const auto& [n, p] : small.named_parameters()) weights.emplace_back(n, at::zeros(p.sizes()));
  io::save_safetensors(root / "text_encoder" / "model.safetensors", weights);
  Json config = load_json_file(root / "text_encoder" / "config.json");
  config["hidden_size"] = narrow.hidden_size;
  save_json_file(root / "text_encoder" / "config.json", config);

  const WeightsReport r = inspect_weights(root);
  EXPECT_FALSE(r.ok());
  ASSERT_NE(piece(r, "vae"), nullptr);
  EXPECT_FALSE(piece(r, "vae")->ok);
  EXPECT_NE(piece(r, "vae")->detail.find("'decoder.conv_out.weight': expected " + stored_shape + ", found " + wrong_shape), std::string::npos)
      << piece(r, "vae")->detail;
  EXPECT_TRUE(piece(r, "unet")->ok);
  const std::string errors = r.errors();
  EXPECT_NE(errors.find(std::to_string(context) + "-wide text embeddings but the text encoder gives " + std::to_string(narrow.hidden_size)),
            std::string::npos)
      << errors;
  EXPECT_FALSE(has(r.features, "sds"));
}

TEST(WeightsReport, SingleFilesEmptyFoldersAndOtherFamilies) {
  const fs::path dir = temp_dir("report_files");
  io::save_safetensors(dir / "sd_xl.safetensors", {{"model.diffusion_model.input_blocks.0.0.weight", at::zeros({2})},
                                                   {"conditioner.embedders.0.transformer.x", at::zeros({2})}});
  const WeightsReport xl = inspect_weights(dir / "sd_xl.safetensors");
  EXPECT_FALSE(xl.ok());
  EXPECT_EQ(xl.family, "SDXL");
  EXPECT_NE(xl.errors().find("SDXL"), std::string::npos) << xl.errors();
  io::save_safetensors(dir / "misc.safetensors", {{"some.weight", at::zeros({2})}});
  const WeightsReport misc = inspect_weights(dir / "misc.safetensors");
  EXPECT_FALSE(misc.ok());
  EXPECT_NE(misc.errors().find("no SD component"), std::string::npos) << misc.errors();
  const WeightsReport empty = inspect_weights(temp_dir("report_empty"));
  EXPECT_FALSE(empty.ok());
  EXPECT_NE(empty.errors().find("no neural weights found"), std::string::npos);
  EXPECT_THROW(inspect_weights(dir / "absent"), InputError);
}

TEST_F(RegistryTest, AddListRemoveAndRoundTrip) {
  EXPECT_EQ(ModelRegistry::default_file(), config_ / "likeness" / "models.json");
  ModelRegistry registry = ModelRegistry::load();
  EXPECT_TRUE(registry.models().empty());
  const fs::path root = write_pipeline("registry_pipeline", false);
  const WeightsReport report = inspect_weights(root);
  registry.add(RegisteredModel::from_report(report));
  registry.add(RegisteredModel::from_report(inspect_weights(Reference("unet").dir()), "tiny unet"));
  registry.save();
  const ModelRegistry again = ModelRegistry::load();
  ASSERT_EQ(again.models().size(), 2u);
  const RegisteredModel* m = again.find("likeness_neural_registry_pipeline");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->path, fs::absolute(root).lexically_normal().string());
  EXPECT_TRUE(has(m->features, "sds"));
  EXPECT_TRUE(has(m->pieces, "tokenizer"));
  EXPECT_EQ(m->added.size(), 20u) << m->added;
  // Re-adding the same path replaces it, under the new name.
  registry.add(RegisteredModel::from_report(report, "sd-tiny"));
  EXPECT_EQ(registry.models().size(), 2u);
  EXPECT_TRUE(registry.remove("sd-tiny"));
  EXPECT_FALSE(registry.remove("sd-tiny"));
  EXPECT_EQ(RegisteredModel::from_report(report, "").name, "likeness_neural_registry_pipeline") << "no name: the folder's";
  EXPECT_THROW(RegisteredModel::from_report(report, "-rf"), InputError) << "a name that reads as an option";
  EXPECT_THROW(RegisteredModel::from_report(report, "a\tb"), InputError) << "a control character";
  EXPECT_THROW(RegisteredModel::from_report(report, std::string(101, 'x')), InputError) << "too long";
}

TEST_F(RegistryTest, MalformedRegistryNamesTheFile) {
  fs::create_directories(config_ / "likeness");
  write_file_atomic(config_ / "likeness" / "models.json", R"({"version": 1, "models": [{"name": "x"}]})");
  try {
    ModelRegistry::load();
    ADD_FAILURE() << "accepted an entry without a path";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("models.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'path'"), std::string::npos) << e.what();
  }
  write_file_atomic(config_ / "likeness" / "models.json", R"({"version": 7, "models": []})");
  EXPECT_THROW(ModelRegistry::load(), InputError);
}

TEST_F(RegistryTest, CliModelsAddListRemove) {
  const fs::path root = write_pipeline("cli_pipeline", true);
  CliResult empty = run({"models", "list"});
  EXPECT_EQ(empty.code, 0) << empty.err;
  EXPECT_NE(empty.out.find("No models registered"), std::string::npos) << empty.out;

  CliResult add = run({"models", "add", root.string(), "--name", "sd-tiny"});
  ASSERT_EQ(add.code, 0) << add.err;
  EXPECT_NE(add.out.find("unet"), std::string::npos);
  EXPECT_NE(add.out.find("Features: text_embeddings, sds, controlnet, attention_masks, clip_guidance"), std::string::npos) << add.out;
  EXPECT_NE(add.out.find("Registered as 'sd-tiny'"), std::string::npos) << add.out;

  CliResult list = run({"models", "list", "--json"});
  ASSERT_EQ(list.code, 0) << list.err;
  const Json j = Json::parse(list.out);
  ASSERT_EQ(j.at("models").size(), 1u);
  EXPECT_EQ(j.at("models")[0].at("name"), "sd-tiny");
  EXPECT_EQ(j.at("models")[0].at("present"), true);
  EXPECT_EQ(run({"models"}).out, run({"models", "list"}).out);

  // Invalid weights: exit 3, the piece and the tensor named, nothing recorded.
  const fs::path bad = temp_dir("cli_bad");
  copy_folder(Reference("unet").dir(), bad, "diffusion_pytorch_model.safetensors",
              [](const std::string& n, const at::Tensor& t) { return n == "conv_out.bias" ? std::make_pair(std::string(), t) : std::make_pair(n, t); });
  CliResult rejected = run({"models", "add", bad.string()});
  EXPECT_EQ(rejected.code, 3);
  EXPECT_NE(rejected.err.find("not registered"), std::string::npos) << rejected.err;
  EXPECT_NE(rejected.err.find("'conv_out.bias'"), std::string::npos) << rejected.err;
  EXPECT_EQ(ModelRegistry::load().models().size(), 1u);

  EXPECT_EQ(run({"models", "add"}).code, 2);
  EXPECT_EQ(run({"models", "add", (bad / "absent").string()}).code, 3);
  EXPECT_EQ(run({"models", "frobnicate"}).code, 2);
  CliResult unknown = run({"models", "remove", "sd-tiny2"});
  EXPECT_EQ(unknown.code, 3);
  EXPECT_NE(unknown.err.find("did you mean 'sd-tiny'"), std::string::npos) << unknown.err;
  EXPECT_EQ(run({"models", "remove", "sd-tiny"}).code, 0);
  EXPECT_TRUE(ModelRegistry::load().models().empty());
  EXPECT_EQ(run({"models", "add", "--help"}).code, 0);
}
