// Every malformed or mismatched weights case is rejected with a message naming the file, the
// field or tensor, and what was expected and found.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/io/safetensors.h"
#include "engine/neural/checkpoint_keys.h"
#include "engine/neural/clip.h"
#include "engine/neural/controlnet.h"
#include "engine/neural/unet.h"
#include "engine/neural/vae.h"
#include "engine/neural/weights.h"
#include "tests/neural/convert_helpers.h"
#include "tests/neural/neural_ref.h"

namespace fs = std::filesystem;
using namespace likeness;
using namespace likeness::neural;
using namespace likeness::neural::test;

namespace {

template <typename F>
void expect_input_error(F&& f, const std::vector<std::string>& needles) {
  try {
    f();
    ADD_FAILURE() << "accepted; expected an error mentioning '" << needles.front() << "'";
  } catch (const InputError& e) {
    const std::string what = e.what();
    for (const auto& n : needles) EXPECT_NE(what.find(n), std::string::npos) << "'" << n << "' missing from: " << what;
  }
}

// A copy of the reference UNet folder with its weights edited.
fs::path unet_copy(const std::string& name,
                   const std::function<std::pair<std::string, at::Tensor>(const std::string&, const at::Tensor&)>& edit) {
  const fs::path dir = temp_dir(name);
  copy_folder(Reference("unet").dir(), dir, "diffusion_pytorch_model.safetensors", edit);
  return dir;
}

// A copy of the reference UNet folder with its config edited.
fs::path unet_config_copy(const std::string& name, const std::function<void(Json&)>& edit) {
  const fs::path dir = temp_dir(name);
  copy_folder(Reference("unet").dir(), dir, "diffusion_pytorch_model.safetensors",
              [](const std::string& n, const at::Tensor& t) { return std::make_pair(n, t); });
  Json config = load_json_file(dir / "config.json");
  edit(config);
  save_json_file(dir / "config.json", config);
  return dir;
}

// Sizes of the reference UNet, read from its config.json: the messages below are built from them,
// so nothing here assumes the tiny reference's widths.
struct UnetSizes {
  std::vector<std::int64_t> widths;  // block_out_channels
  std::int64_t in_channels = 0;
};

UnetSizes unet_sizes() {
  const Json c = load_json_file(Reference("unet").dir() / "config.json");
  UnetSizes s;
  s.widths = c.at("block_out_channels").get<std::vector<std::int64_t>>();
  s.in_channels = c.value("in_channels", std::int64_t{4});
  return s;
}
}  // namespace

TEST(Rejects, MissingFoldersFilesAndWeights) {
  expect_input_error([] { UNet::load("/nonexistent/likeness/weights"); }, {"/nonexistent/likeness/weights", "no such folder"});
  const fs::path empty = temp_dir("empty");
  expect_input_error([&] { UNet::load(empty); }, {empty.string(), "no unet here", "unet/"});
  const fs::path no_weights = temp_dir("no_weights");
  fs::copy_file(Reference("unet").dir() / "config.json", no_weights / "config.json");
  expect_input_error([&] { UNet::load(no_weights); }, {no_weights.string(), "no weights", "diffusion_pytorch_model.safetensors"});
  write_file_atomic(no_weights / "diffusion_pytorch_model.bin", "pickle");
  expect_input_error([&] { UNet::load(no_weights); }, {"diffusion_pytorch_model.bin", "pickle", "safetensors"});
  expect_input_error([&] { UNet::load(no_weights / "diffusion_pytorch_model.bin"); }, {"pickle"});
}

TEST(Rejects, MissingWrongShapeAndUnexpectedTensors) {
  const fs::path missing = unet_copy("missing", [](const std::string& n, const at::Tensor& t) {
    return n == "mid_block.attentions.0.proj_in.weight" ? std::make_pair(std::string(), t) : std::make_pair(n, t);
  });
  expect_input_error([&] { UNet::load(missing); }, {"UNet", "1 missing", "'mid_block.attentions.0.proj_in.weight'",
                                                    (missing / "diffusion_pytorch_model.safetensors").string()});
  const UnetSizes sz = unet_sizes();
  const std::int64_t w0 = sz.widths.front(), in = sz.in_channels;
  const fs::path wrong = unet_copy("wrong_shape", [&](const std::string& n, const at::Tensor& t) {
    return std::make_pair(n, n == "conv_in.weight" ? at::zeros({w0 + 3, in, 3, 3}) : t);
  });
  expect_input_error([&] { UNet::load(wrong); }, {"wrong shape", "'conv_in.weight': expected " + shape_text({w0, in, 3, 3}) +
                                                                     ", found " + shape_text({w0 + 3, in, 3, 3})});
  const fs::path extra = temp_dir("unexpected");
  copy_folder(Reference("unet").dir(), extra, "diffusion_pytorch_model.safetensors",
              [](const std::string& n, const at::Tensor& t) { return std::make_pair(n, t); });
  auto tensors = read_all(extra / "diffusion_pytorch_model.safetensors");
  tensors.emplace_back("down_blocks.0.extra.weight", at::zeros({2}));
  io::save_safetensors(extra / "diffusion_pytorch_model.safetensors", tensors);
  expect_input_error([&] { UNet::load(extra); }, {"1 unexpected", "'down_blocks.0.extra.weight'"});
  const fs::path ints = unet_copy("integer", [](const std::string& n, const at::Tensor& t) {
    return std::make_pair(n, n == "conv_out.bias" ? t.to(at::kInt) : t);
  });
  expect_input_error([&] { UNet::load(ints); }, {"'conv_out.bias'", "expected floating point"});
}

TEST(Rejects, ConfigsThatDoNotDescribeTheWeights) {
  // A config read from the folder decides every shape: widen it and every tensor disagrees.
  const UnetSizes sz = unet_sizes();
  const std::int64_t w0 = sz.widths.front(), in = sz.in_channels;
  std::vector<std::int64_t> doubled = sz.widths;
  for (std::int64_t& w : doubled) w *= 2;
  const fs::path wider = unet_config_copy("wider", [&](Json& c) { c["block_out_channels"] = doubled; });
  expect_input_error([&] { UNet::load(wider); },
                     {"wrong shape", "expected " + shape_text({2 * w0, in, 3, 3}) + ", found " + shape_text({w0, in, 3, 3})});
  const fs::path sdxl = unet_config_copy("sdxl_config", [](Json& c) { c["addition_embed_type"] = "text_time"; });
  expect_input_error([&] { UNet::load(sdxl); }, {"config.json", "field 'addition_embed_type'", "text_time", "SDXL"});
  const fs::path bad_type = unet_config_copy("bad_type", [](Json& c) { c["block_out_channels"] = "wide"; });
  expect_input_error([&] { UNet::load(bad_type); }, {"field 'block_out_channels'", "\"wide\""});
  const fs::path bad_block = unet_config_copy("bad_block", [](Json& c) { c["down_block_types"][0] = "AttnDownBlock2D"; });
  expect_input_error([&] { UNet::load(bad_block); }, {"field 'down_block_types'", "AttnDownBlock2D", "not supported"});
  std::int64_t bad_heads = 2;  // the smallest head count that does not divide the first block's width
  while (w0 % bad_heads == 0) ++bad_heads;
  const fs::path heads = unet_config_copy("heads", [&](Json& c) { c["attention_head_dim"] = bad_heads; });
  expect_input_error([&] { UNet::load(heads); }, {"attention_head_dim", std::to_string(bad_heads) + " heads do not divide block width " +
                                                                            std::to_string(w0)});
  const std::vector<std::int64_t> short_list(sz.widths.size() - 1, 1);  // one entry too few
  const fs::path lists = unet_config_copy("lists", [&](Json& c) { c["attention_head_dim"] = short_list; });
  expect_input_error([&] { UNet::load(lists); }, {"attention_head_dim", std::to_string(short_list.size()) + " entries",
                                                  "one per block (" + std::to_string(sz.widths.size()) + ")"});
  const fs::path broken = temp_dir("broken_json");
  copy_folder(Reference("unet").dir(), broken, "diffusion_pytorch_model.safetensors",
              [](const std::string& n, const at::Tensor& t) { return std::make_pair(n, t); });
  write_file_atomic(broken / "config.json", "{\"_class_name\": \"UNet2DConditionModel\", ");
  expect_input_error([&] { UNet::load(broken); }, {(broken / "config.json").string(), "invalid JSON"});
  // A VAE folder where a UNet is expected.
  const fs::path pipeline = temp_dir("swapped");
  copy_folder(Reference("vae").dir(), pipeline / "unet", "diffusion_pytorch_model.safetensors",
              [](const std::string& n, const at::Tensor& t) { return std::make_pair(n, t); });
  expect_input_error([&] { UNet::load(pipeline); }, {"describes vae, not a unet"});
  expect_input_error([&] { ControlNet::load(Reference("unet").dir()); }, {"no controlnet here"});
}

TEST(Rejects, CheckpointsOfAnotherFamily) {
  // SDXL single file: original UNet keys plus label_emb and two text encoders.
  const fs::path dir = temp_dir("sdxl");
  NamedTensors sdxl = {{"model.diffusion_model.input_blocks.0.0.weight", at::zeros({320, 4, 3, 3})},
                       {"model.diffusion_model.label_emb.0.0.weight", at::zeros({1280, 2816})},
                       {"conditioner.embedders.1.model.ln_final.weight", at::zeros({1280})}};
  io::save_safetensors(dir / "sd_xl_base.safetensors", sdxl);
  expect_input_error([&] { UNet::load(dir / "sd_xl_base.safetensors"); }, {"sd_xl_base.safetensors", "SDXL", "found '", "SD 1.x/2.x"});
  expect_input_error([&] { Vae::load(dir / "sd_xl_base.safetensors"); }, {"SDXL"});
  // SDXL diffusers-named weights where an SD 1.5-style config is expected: listed, and named SDXL.
  const fs::path mixed = unet_copy("sdxl_weights", [](const std::string& n, const at::Tensor& t) { return std::make_pair(n, t); });
  auto tensors = read_all(mixed / "diffusion_pytorch_model.safetensors");
  tensors.emplace_back("add_embedding.linear_1.weight", at::zeros({64, 16}));
  io::save_safetensors(mixed / "diffusion_pytorch_model.safetensors", tensors);
  expect_input_error([&] { UNet::load(mixed); }, {"unexpected", "'add_embedding.linear_1.weight'", "SDXL weights"});
  // SD 3 and Flux.
  io::save_safetensors(dir / "sd3.safetensors", {{"model.diffusion_model.joint_blocks.0.x_block.attn.qkv.weight", at::zeros({2})}});
  expect_input_error([&] { UNet::load(dir / "sd3.safetensors"); }, {"SD 3"});
  // An SD 2.x OpenCLIP text encoder in the original layout.
  io::save_safetensors(dir / "sd21.safetensors", {{"cond_stage_model.model.ln_final.weight", at::zeros({1024})}});
  expect_input_error([&] { ClipTextModel::load(dir / "sd21.safetensors"); }, {"OpenCLIP", "text_encoder/"});
  // A file with no UNet at all.
  io::save_safetensors(dir / "vae_only.safetensors", {{"first_stage_model.encoder.conv_in.weight", at::zeros({2})}});
  expect_input_error([&] { UNet::load(dir / "vae_only.safetensors"); }, {"no UNet in this checkpoint", "first_stage_model."});
}

TEST(Rejects, MalformedFiles) {
  const fs::path dir = temp_dir("malformed");
  copy_folder(Reference("unet").dir(), dir, "diffusion_pytorch_model.safetensors",
              [](const std::string& n, const at::Tensor& t) { return std::make_pair(n, t); });
  const std::string bytes = read_file(dir / "diffusion_pytorch_model.safetensors");
  write_file_atomic(dir / "diffusion_pytorch_model.safetensors", bytes.substr(0, bytes.size() / 2));
  expect_input_error([&] { UNet::load(dir); }, {(dir / "diffusion_pytorch_model.safetensors").string()});
  // A sharded index naming a shard that is not there.
  const fs::path sharded = temp_dir("bad_index");
  fs::copy_file(Reference("unet").dir() / "config.json", sharded / "config.json");
  save_json_file(sharded / "diffusion_pytorch_model.safetensors.index.json",
                 Json{{"weight_map", {{"conv_in.weight", "part-1.safetensors"}}}});
  expect_input_error([&] { UNet::load(sharded); }, {"shard 'part-1.safetensors' is missing"});
  save_json_file(sharded / "diffusion_pytorch_model.safetensors.index.json", Json{{"metadata", Json::object()}});
  expect_input_error([&] { UNet::load(sharded); }, {"weight_map", "missing"});
  // Not a TorchScript archive.
  write_file_atomic(dir / "ViT-B-32.pt", "not a zip");
  expect_input_error([&] { ClipTorchScript::load(dir / "ViT-B-32.pt"); }, {"ViT-B-32.pt", "not a TorchScript archive"});
}

TEST(Rejects, InputsOfTheWrongShape) {
  // Every size comes from the models' config.json and the reference inputs.
  const Reference ref("unet");
  const Json uc = load_json_file(ref.dir() / "config.json");
  const std::int64_t channels = uc.at("in_channels").get<std::int64_t>(), context = uc.at("cross_attention_dim").get<std::int64_t>();
  const std::string cs = std::to_string(channels), xs = std::to_string(context);
  const UNet unet = UNet::load(ref.dir());
  const at::Tensor sample = ref.get("input.sample"), ehs = ref.get("input.encoder_hidden_states");
  const std::int64_t batch = sample.size(0);
  expect_input_error([&] { unet.forward(at::zeros({batch, channels - 1, sample.size(2), sample.size(3)}), ref.get("input.timesteps"), ehs); },
                     {"sample", "[B, " + cs + ", H, W]"});
  std::string ehs_shape = "[";
  ehs_shape += std::to_string(batch);
  ehs_shape += ", tokens, ";
  ehs_shape += xs;
  ehs_shape += "]";
  expect_input_error([&] { unet.forward(sample, ref.get("input.timesteps"), at::zeros({batch, ehs.size(1), context + 1})); },
                     {"encoder_hidden_states", ehs_shape});
  expect_input_error([&] { unet.forward(sample, at::zeros({batch - 1}), ehs); },
                     {std::to_string(batch - 1) + " timesteps for a batch of " + std::to_string(batch)});

  const Reference text_ref("text_encoder");
  const Json tc = load_json_file(text_ref.dir() / "config.json");
  const std::int64_t vocab = tc.at("vocab_size").get<std::int64_t>(), positions = tc.at("max_position_embeddings").get<std::int64_t>();
  const ClipTextModel text = ClipTextModel::load(text_ref.dir());
  expect_input_error([&] { text.forward(at::full({1, 5}, vocab + 10, at::kLong)); }, {"token id " + std::to_string(vocab + 10), "vocabulary"});
  expect_input_error([&] { text.forward(at::zeros({1, positions + 1}, at::kLong)); }, {"T <= " + std::to_string(positions)});

  const Reference vision_ref("image_encoder");
  const Json vc = load_json_file(vision_ref.dir() / "config.json");
  const std::int64_t image = vc.at("image_size").get<std::int64_t>(), rgb = vc.value("num_channels", std::int64_t{3});
  const ClipVisionModel vision = ClipVisionModel::load(vision_ref.dir());
  expect_input_error([&] { vision.forward(at::zeros({1, rgb, 2 * image, 2 * image})); },
                     {"pixel_values", "[B, " + std::to_string(rgb) + ", " + std::to_string(image) + ", " + std::to_string(image) + "]"});

  const Reference vae_ref("vae");
  const Vae vae = Vae::load(vae_ref.dir());
  const std::int64_t factor = vae.downscale_factor();
  const at::Tensor vae_image = vae_ref.get("input.image");
  expect_input_error([&] { vae.encode(at::zeros({1, vae_image.size(1), vae_image.size(2) + 2, vae_image.size(3)})); },
                     {"multiples of " + std::to_string(factor)});

  const Reference control_ref("controlnet");
  const ControlNet control = ControlNet::load(control_ref.dir());
  const at::Tensor cs_sample = control_ref.get("input.sample").narrow(0, 0, 1), cond = control_ref.get("input.controlnet_cond");
  const std::int64_t up = control.condition_scale_factor();
  const std::string want = "[1, " + std::to_string(cond.size(1)) + ", " + std::to_string(cs_sample.size(2) * up) + ", " +
                           std::to_string(cs_sample.size(3) * up) + "]";
  expect_input_error([&] { control.forward(cs_sample, at::zeros({1}), ehs.narrow(0, 0, 1), at::zeros({1, cond.size(1), cs_sample.size(2), cs_sample.size(3)})); },
                     {"condition", want, std::to_string(up) + " times the latent"});

  UNetCall bad;
  ControlResiduals few;
  few.down = {at::zeros({1})};
  bad.control = &few;
  const std::string skips = std::to_string(unet.skip_channels().size());
  expect_input_error([&] { unet.forward(sample, ref.get("input.timesteps"), ehs, bad); }, {"1 ControlNet residuals for " + skips + " skips"});
}
