// Weight layouts users hold load into identical modules: single-file checkpoints with the original
// key names, F16/BF16 copies, old VAE attention names, sharded and fp16-variant files, pipeline
// and CLIP folders. Shapes for real checkpoints are inferred from their tensors.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/io/safetensors.h"
#include "engine/neural/checkpoint_keys.h"
#include "engine/neural/clip.h"
#include "engine/neural/controlnet.h"
#include "engine/neural/model_source.h"
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

std::pair<std::string, at::Tensor> as_is(const std::string& n, const at::Tensor& t) { return {n, t}; }

int layers_of(const fs::path& folder) { return load_json_file(folder / "config.json").at("layers_per_block").get<int>(); }

std::vector<bool> up_attention_of(const fs::path& folder) {
  std::vector<bool> out;
  const Json config = load_json_file(folder / "config.json");
  for (const auto& t : config.at("up_block_types")) out.push_back(t == "CrossAttnUpBlock2D");
  return out;
}

// One single-file SD checkpoint holding the reference UNet, VAE and text encoder (without the
// projection, as SD 1.x has none) under their original names.
fs::path write_sd_checkpoint(const fs::path& dir) {
  const fs::path unet = Reference("unet").dir(), vae = Reference("vae").dir(), text = Reference("text_encoder").dir();
  NamedTensors all;
  for (const auto& [n, t] : read_all(unet / "diffusion_pytorch_model.safetensors"))
    all.emplace_back(kOriginalUNetPrefix + unet_to_original(n, layers_of(unet), up_attention_of(unet)), t);
  const int levels = static_cast<int>(load_json_file(vae / "config.json").at("block_out_channels").size());
  for (const auto& [n, t] : read_all(vae / "diffusion_pytorch_model.safetensors")) {
    auto [name, tensor] = vae_to_original(n, t, levels);
    all.emplace_back(kOriginalVaePrefix + name, tensor);
  }
  for (const auto& [n, t] : read_all(text / "model.safetensors"))
    if (n != "text_projection.weight") all.emplace_back(kOriginalTextPrefix + n, t);
  all.emplace_back(std::string(kOriginalTextPrefix) + "text_model.embeddings.position_ids", at::arange(77, at::kLong).unsqueeze(0));
  const fs::path file = dir / "sd-tiny.safetensors";
  io::save_safetensors(file, all);
  return file;
}

ModelOptions with_config(const fs::path& config) {
  ModelOptions o;
  o.config_file = config;
  return o;
}

// Expects `f` to throw InputError whose message contains every needle.
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

}  // namespace

TEST(SingleFile, OriginalKeyNamesGiveTheFolderModules) {
  const fs::path dir = temp_dir("single_file");
  const fs::path file = write_sd_checkpoint(dir);
  const Reference unet_ref("unet"), vae_ref("vae"), text_ref("text_encoder");

  const UNet unet = UNet::load(file, with_config(unet_ref.dir() / "config.json"));
  EXPECT_TRUE(same_parameters(unet, UNet::load(unet_ref.dir())));
  const Vae vae = Vae::load(file, with_config(vae_ref.dir() / "config.json"));
  EXPECT_TRUE(same_parameters(vae, Vae::load(vae_ref.dir())));
  const ClipTextModel text = ClipTextModel::load(file, with_config(text_ref.dir() / "config.json"));
  EXPECT_FALSE(text.has_projection());

  // And they compute the same thing: the UNet's reference output, the text encoder's hidden states.
  const at::Tensor out = unet.forward(unet_ref.get("input.sample"), unet_ref.get("input.timesteps"),
                                      unet_ref.get("input.encoder_hidden_states"));
  EXPECT_TRUE(close(out, unet_ref.get("output.sample"), tolerance_for(unet_ref, "output.sample")));
  const ClipTextOutput t = text.forward(text_ref.get("input.input_ids"));
  EXPECT_TRUE(close(t.last_hidden_state, text_ref.get("output.last_hidden_state"),
                    tolerance_for(text_ref, "output.last_hidden_state")));
  EXPECT_FALSE(t.text_embeds.defined());
}

TEST(SingleFile, StandaloneOriginalVaeFile) {
  const Reference ref("vae");
  const fs::path dir = temp_dir("vae_file");
  const int levels = static_cast<int>(load_json_file(ref.dir() / "config.json").at("block_out_channels").size());
  NamedTensors all;
  for (const auto& [n, t] : read_all(ref.dir() / "diffusion_pytorch_model.safetensors")) all.push_back(vae_to_original(n, t, levels));
  io::save_safetensors(dir / "vae-ft.safetensors", all);
  EXPECT_TRUE(same_parameters(Vae::load(dir / "vae-ft.safetensors", with_config(ref.dir() / "config.json")), Vae::load(ref.dir())));
}

TEST(SingleFile, OriginalControlNetFile) {
  const Reference ref("controlnet");
  const Json config = load_json_file(ref.dir() / "config.json");
  const int hint_blocks = 2 * (static_cast<int>(config.at("conditioning_embedding_out_channels").size()) - 1);
  NamedTensors all;
  for (const auto& [n, t] : read_all(ref.dir() / "diffusion_pytorch_model.safetensors"))
    all.emplace_back(kOriginalControlPrefix + controlnet_to_original(n, config.at("layers_per_block").get<int>(), hint_blocks), t);
  const fs::path file = temp_dir("control_file") / "control_tiny.safetensors";
  io::save_safetensors(file, all);
  const ControlNet loaded = ControlNet::load(file, with_config(ref.dir() / "config.json"));
  EXPECT_TRUE(same_parameters(loaded, ControlNet::load(ref.dir())));
  // Without the config, everything but the head count is inferred; a context width other than
  // SD's 768 or 1024 needs it.
  expect_input_error([&] { ControlNet::load(file); }, {"attention heads", "config.json"});
  ShapeMap shapes = TensorMap::open(file).with_prefix(kOriginalControlPrefix).shapes();
  for (auto& [n, s] : shapes)
    if (n.find("attn2.to_k.weight") != std::string::npos || n.find("attn2.to_v.weight") != std::string::npos) s[1] = 768;
  expect_input_error([&] { infer_controlnet_config(shapes); }, {"32 groups", "config.json"});
  // The reference layout at widths that SD's 32 groups divide is inferred in full, hint blocks included.
  ControlNetConfig wide = ControlNetConfig::from_json(config, "controlnet/config.json");
  for (std::size_t i = 0; i < wide.unet.block_out_channels.size(); ++i)
    wide.unet.block_out_channels[i] = 32 * (static_cast<std::int64_t>(i) + 1);
  wide.unet.norm_num_groups = 32;
  wide.unet.cross_attention_dim.assign(wide.unet.block_out_channels.size(), 768);
  wide.unet.attention_heads.assign(wide.unet.block_out_channels.size(), 8);
  ShapeMap wide_shapes;
  for (const auto& [n, t] : ControlNet::create(wide).named_parameters())
    wide_shapes[controlnet_to_original(n, static_cast<int>(wide.unet.layers_per_block[0]), hint_blocks)] = t.sizes().vec();
  const ControlNetConfig inferred = infer_controlnet_config(wide_shapes);
  EXPECT_EQ(inferred.conditioning_embedding_out_channels,
            config.at("conditioning_embedding_out_channels").get<std::vector<std::int64_t>>());
  EXPECT_EQ(inferred.conditioning_channels, config.at("conditioning_channels").get<std::int64_t>());
  EXPECT_EQ(inferred.unet.block_out_channels, wide.unet.block_out_channels);
  EXPECT_EQ(inferred.unet.down_block_types, wide.unet.down_block_types);
}

TEST(SingleFile, ArchitectureInferredFromSd15AndSd21Shapes) {
  for (const UNetConfig& preset : {UNetConfig::stable_diffusion_1(), UNetConfig::stable_diffusion_2()}) {
    // The shapes of a real-size UNet (parameters are created, never touched), under original names.
    const UNet unet = UNet::create(preset);
    std::vector<bool> up_attention;
    for (std::size_t i = 0; i < preset.up_block_types.size(); ++i) up_attention.push_back(preset.up_has_attention(i));
    ShapeMap original;
    for (const auto& [n, t] : unet.named_parameters())
      original[unet_to_original(n, static_cast<int>(preset.layers_per_block[0]), up_attention)] = t.sizes().vec();
    const UNetConfig inferred = infer_unet_config(original);
    EXPECT_EQ(inferred.block_out_channels, preset.block_out_channels);
    EXPECT_EQ(inferred.layers_per_block, preset.layers_per_block);
    EXPECT_EQ(inferred.down_block_types, preset.down_block_types);
    EXPECT_EQ(inferred.up_block_types, preset.up_block_types);
    EXPECT_EQ(inferred.attention_heads, preset.attention_heads);
    EXPECT_EQ(inferred.cross_attention_dim, preset.cross_attention_dim);
    EXPECT_EQ(inferred.use_linear_projection, preset.use_linear_projection);
    EXPECT_EQ(unet.parameter_count(), preset.use_linear_projection ? 865910724 : 859520964) << "SD's published UNet sizes";
      // The context width (768 or 1024) tells the family, with or without the checkpoint's prefix.
    EXPECT_EQ(detect_family(original).family,
              preset.use_linear_projection ? ModelFamily::StableDiffusion2 : ModelFamily::StableDiffusion1);
    ShapeMap prefixed;
    for (const auto& [n, s] : original) prefixed[kOriginalUNetPrefix + n] = s;
    EXPECT_EQ(detect_family(prefixed).family,
              preset.use_linear_projection ? ModelFamily::StableDiffusion2 : ModelFamily::StableDiffusion1);
  }
}

TEST(SingleFile, TinyShapesNeedTheirConfigForHeadCounts) {
  const fs::path file = write_sd_checkpoint(temp_dir("infer"));
  const std::int64_t context = load_json_file(Reference("unet").dir() / "config.json").at("cross_attention_dim").get<std::int64_t>();
  expect_input_error([&] { UNet::load(file); }, {"attention heads", std::to_string(context) + "-wide", "config.json"});
  // Everything but the heads is read from the shapes.
  const ShapeMap shapes = TensorMap::open(file).with_prefix(kOriginalUNetPrefix).shapes();
  ShapeMap sd_like = shapes;  // with a 768-wide context the heads are known, but not the group count
  for (auto& [n, s] : sd_like)
    if (n.find("attn2.to_k.weight") != std::string::npos || n.find("attn2.to_v.weight") != std::string::npos) s[1] = 768;
  const std::int64_t first_width = load_json_file(Reference("unet").dir() / "config.json").at("block_out_channels")[0].get<std::int64_t>();
  expect_input_error([&] { infer_unet_config(sd_like); }, {"block width " + std::to_string(first_width), "32 groups", "config.json"});
  // The reference architecture at widths that SD's 32 groups divide is inferred in full.
  UNetConfig wide = UNetConfig::from_json(load_json_file(Reference("unet").dir() / "config.json"), "unet/config.json");
  for (std::size_t i = 0; i < wide.block_out_channels.size(); ++i) wide.block_out_channels[i] = 32 * (static_cast<std::int64_t>(i) + 1);
  wide.norm_num_groups = 32;
  wide.cross_attention_dim.assign(wide.block_out_channels.size(), 768);
  wide.attention_heads.assign(wide.block_out_channels.size(), 8);
  std::vector<bool> up_attention;
  for (std::size_t i = 0; i < wide.up_block_types.size(); ++i) up_attention.push_back(wide.up_has_attention(i));
  ShapeMap wide_shapes;
  for (const auto& [n, t] : UNet::create(wide).named_parameters())
    wide_shapes[unet_to_original(n, static_cast<int>(wide.layers_per_block[0]), up_attention)] = t.sizes().vec();
  const UNetConfig inferred = infer_unet_config(wide_shapes);
  EXPECT_EQ(inferred.block_out_channels, wide.block_out_channels);
  EXPECT_EQ(inferred.layers_per_block, wide.layers_per_block);
  EXPECT_EQ(inferred.down_block_types, wide.down_block_types);
  EXPECT_EQ(inferred.up_block_types, wide.up_block_types);
  EXPECT_EQ(inferred.in_channels, wide.in_channels);
  EXPECT_EQ(inferred.use_linear_projection, wide.use_linear_projection);
  // The VAE's shapes are all inferable; 8-wide blocks are not a multiple of SD's 32 groups.
  expect_input_error([&] { Vae::load(file); }, {"32 groups", "config.json"});
  const ShapeMap vae_shapes = convert_original_vae(TensorMap::open(file).with_prefix(kOriginalVaePrefix)).shapes();
  const std::int64_t vae_width = load_json_file(Reference("vae").dir() / "config.json").at("block_out_channels")[0].get<std::int64_t>();
  expect_input_error([&] { infer_vae_config(vae_shapes); }, {"block width " + std::to_string(vae_width), "32 groups"});
  // The reference VAE at widths that 32 groups divide is inferred in full from its original names.
  VaeConfig wide_vae = VaeConfig::from_json(load_json_file(Reference("vae").dir() / "config.json"), "vae/config.json");
  for (std::size_t i = 0; i < wide_vae.block_out_channels.size(); ++i) wide_vae.block_out_channels[i] = 32 * (static_cast<std::int64_t>(i) + 1);
  wide_vae.norm_num_groups = 32;
  TensorMap wide_original;
  for (const auto& [n, t] : Vae::create(wide_vae).named_parameters()) {
    auto [name, tensor] = vae_to_original(n, t, static_cast<int>(wide_vae.block_out_channels.size()));
    wide_original.insert(name, tensor, "created");
  }
  const VaeConfig vae = infer_vae_config(convert_original_vae(wide_original).shapes());
  EXPECT_EQ(vae.block_out_channels, wide_vae.block_out_channels);
  EXPECT_EQ(vae.layers_per_block, wide_vae.layers_per_block);
  EXPECT_EQ(vae.latent_channels, wide_vae.latent_channels);
  EXPECT_EQ(vae.in_channels, wide_vae.in_channels);
  expect_input_error([&] { ClipTextModel::load(file); }, {"head count", "config.json"});
}

TEST(Dtypes, F16AndBf16CopiesLoadUpcastAndAgree) {
  for (const at::ScalarType stored : {at::kHalf, at::kBFloat16}) {
    const Reference ref("unet");
    const fs::path dir = temp_dir("half_unet");
    copy_folder(ref.dir(), dir, "diffusion_pytorch_model.safetensors",
                [&](const std::string& n, const at::Tensor& t) { return std::make_pair(n, t.to(stored)); });
    EXPECT_EQ(TensorMap::open(dir / "diffusion_pytorch_model.safetensors").dtypes().count(stored == at::kHalf ? "F16" : "BF16"), 1u);
    const UNet half = UNet::load(dir), full = UNet::load(ref.dir());
    EXPECT_EQ(half.dtype(), at::kFloat) << "CPU computes in float32";
    // Exactly the float32 weights rounded to the stored precision.
    const auto hp = half.named_parameters(), fp = full.named_parameters();
    for (std::size_t i = 0; i < hp.size(); ++i) ASSERT_TRUE(at::equal(hp[i].second, fp[i].second.to(stored).to(at::kFloat))) << hp[i].first;
    const at::Tensor expected = ref.get("output.sample");
    const at::Tensor out = half.forward(ref.get("input.sample"), ref.get("input.timesteps"), ref.get("input.encoder_hidden_states"));
    // Half precision keeps 11 bits (bfloat16 8): relative weight errors of 2^-11 (2^-8).
    const double unit = stored == at::kHalf ? 1.0 / 2048 : 1.0 / 256;
    EXPECT_TRUE(close(out, expected, 8 * unit * expected.abs().max().item<double>())) << c10::toString(stored);
    EXPECT_FALSE(close(out, expected, 1e-6)) << "the rounding must show";
  }
}

TEST(Dtypes, F16CopiesOfEveryOtherModule) {
  const auto to_half = [](const std::string& n, const at::Tensor& t) { return std::make_pair(n, t.to(at::kHalf)); };
  const double tol = 8.0 / 2048;
  {
    const Reference ref("vae");
    const fs::path dir = temp_dir("half_vae");
    copy_folder(ref.dir(), dir, "diffusion_pytorch_model.safetensors", to_half);
    const Vae vae = Vae::load(dir);
    const at::Tensor d = vae.decode(ref.get("input.latent"));
    EXPECT_TRUE(close(d, ref.get("output.decoded"), tol * ref.get("output.decoded").abs().max().item<double>()));
  }
  {
    const Reference ref("text_encoder");
    const fs::path dir = temp_dir("half_text");
    copy_folder(ref.dir(), dir, "model.safetensors", to_half);
    const ClipTextOutput out = ClipTextModel::load(dir).forward(ref.get("input.input_ids"));
    EXPECT_TRUE(close(out.text_embeds, ref.get("output.text_embeds"), tol * ref.get("output.text_embeds").abs().max().item<double>()));
  }
  {
    const Reference ref("image_encoder");
    const fs::path dir = temp_dir("half_vision");
    copy_folder(ref.dir(), dir, "model.safetensors", to_half);
    const ClipVisionOutput out = ClipVisionModel::load(dir).forward(ref.get("input.pixel_values"));
    EXPECT_TRUE(close(out.image_embeds, ref.get("output.image_embeds"), tol * ref.get("output.image_embeds").abs().max().item<double>()));
  }
  {
    const Reference ref("controlnet");
    const fs::path dir = temp_dir("half_control");
    copy_folder(ref.dir(), dir, "diffusion_pytorch_model.safetensors", to_half);
    const ControlResiduals r = ControlNet::load(dir).forward(ref.get("input.sample"), ref.get("input.timesteps"),
                                                             ref.get("input.encoder_hidden_states"), ref.get("input.controlnet_cond"));
    const at::Tensor expected = ref.get("output.mid_block_res_sample");
    EXPECT_TRUE(close(r.mid, expected, tol * expected.abs().max().item<double>()));
  }
}

TEST(Dtypes, Float64ComputeAndCpuHalfRefused) {
  const Reference ref("unet");
  ModelOptions f64;
  f64.dtype = at::kDouble;
  const UNet unet = UNet::load(ref.dir(), f64);
  EXPECT_EQ(unet.dtype(), at::kDouble);
  const at::Tensor out = unet.forward(ref.get("input.sample"), ref.get("input.timesteps"), ref.get("input.encoder_hidden_states"));
  EXPECT_EQ(out.scalar_type(), at::kDouble);
  // float64 lands within the recorded float32-vs-float64 gap of the float32 reference (plus the
  // timestep embedding, which diffusers computes in float32 in both).
  EXPECT_TRUE(close(out, ref.get("output.sample"), 2 * ref.fp64_gap("output.sample")));
  ModelOptions half;
  half.dtype = at::kHalf;
  expect_input_error([&] { UNet::load(ref.dir(), half); }, {"needs a CUDA device", "Half"});
}

TEST(Layouts, LegacyVaeAttentionNames) {
  const Reference ref("vae");
  const fs::path dir = temp_dir("legacy_vae");
  int renamed = 0;
  copy_folder(ref.dir(), dir, "diffusion_pytorch_model.safetensors", [&](const std::string& n, const at::Tensor& t) {
    std::string out = n;
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {".to_q.", ".query."}, {".to_k.", ".key."}, {".to_v.", ".value."}, {".to_out.0.", ".proj_attn."}})
      if (auto p = out.find(from); p != std::string::npos) {
        out = out.substr(0, p) + to + out.substr(p + from.size());
        ++renamed;
      }
    return std::make_pair(out, t);
  });
  EXPECT_EQ(renamed, 16) << "q, k, v, out weights and biases in two mid blocks";
  EXPECT_TRUE(same_parameters(Vae::load(dir), Vae::load(ref.dir())));
}

TEST(Layouts, ShardedAndFp16VariantFiles) {
  const Reference ref("unet");
  const fs::path dir = temp_dir("sharded");
  fs::copy_file(ref.dir() / "config.json", dir / "config.json");
  NamedTensors a, b;
  Json map = Json::object();
  for (const auto& [n, t] : read_all(ref.dir() / "diffusion_pytorch_model.safetensors")) {
    const bool first = n < "mid";
    (first ? a : b).emplace_back(n, t);
    map[n] = first ? "diffusion_pytorch_model-00001-of-00002.safetensors" : "diffusion_pytorch_model-00002-of-00002.safetensors";
  }
  io::save_safetensors(dir / "diffusion_pytorch_model-00001-of-00002.safetensors", a);
  io::save_safetensors(dir / "diffusion_pytorch_model-00002-of-00002.safetensors", b);
  save_json_file(dir / "diffusion_pytorch_model.safetensors.index.json", Json{{"metadata", Json::object()}, {"weight_map", map}});
  EXPECT_TRUE(same_parameters(UNet::load(dir), UNet::load(ref.dir())));

  const fs::path variant = temp_dir("fp16_variant");
  copy_folder(ref.dir(), variant, "diffusion_pytorch_model.fp16.safetensors",
              [](const std::string& n, const at::Tensor& t) { return std::make_pair(n, t.to(at::kHalf)); });
  EXPECT_EQ(UNet::load(variant).named_parameters().size(), 686u);
}

TEST(Layouts, PipelineFolderWithVPredictionScheduler) {
  const fs::path root = temp_dir("pipeline");
  copy_folder(Reference("unet").dir(), root / "unet", "diffusion_pytorch_model.safetensors", as_is);
  copy_folder(Reference("vae").dir(), root / "vae", "diffusion_pytorch_model.safetensors", as_is);
  copy_folder(Reference("text_encoder").dir(), root / "text_encoder", "model.safetensors", as_is);
  save_json_file(root / "model_index.json", Json{{"_class_name", "StableDiffusionPipeline"}});
  fs::create_directories(root / "scheduler");
  save_json_file(root / "scheduler" / "scheduler_config.json",
                 Json{{"_class_name", "DDIMScheduler"}, {"prediction_type", "v_prediction"}, {"beta_schedule", "scaled_linear"}});
  EXPECT_EQ(UNet::load(root).prediction_type(), PredictionType::VPrediction);
  EXPECT_EQ(UNet::load(root / "unet").prediction_type(), PredictionType::VPrediction) << "from the sibling scheduler/";
  ModelOptions eps;
  eps.prediction_type = PredictionType::Epsilon;
  EXPECT_EQ(UNet::load(root, eps).prediction_type(), PredictionType::Epsilon);
  EXPECT_TRUE(same_parameters(Vae::load(root), Vae::load(Reference("vae").dir())));
  EXPECT_TRUE(ClipTextModel::load(root).has_projection());
  EXPECT_EQ(find_schedule_config(root).prediction_type, PredictionType::VPrediction);
}

TEST(Layouts, Sd2LinearProjectionsAndPerBlockHeads) {
  // SD 2.x's Transformer2D projects with Linear layers where SD 1.x has 1x1 convs: the same
  // weights, reshaped, must give the same prediction. Its config lists heads per block.
  const Reference ref("unet");
  const fs::path dir = temp_dir("sd2_linear");
  int reshaped = 0;
  copy_folder(ref.dir(), dir, "diffusion_pytorch_model.safetensors", [&](const std::string& n, const at::Tensor& t) {
    const bool projection = n.find("attentions.") != std::string::npos &&
                            (n.find(".proj_in.weight") != std::string::npos || n.find(".proj_out.weight") != std::string::npos);
    if (!projection) return std::make_pair(n, t);
    ++reshaped;
    return std::make_pair(n, t.reshape({t.size(0), t.size(1)}).contiguous());
  });
  Json config = load_json_file(ref.dir() / "config.json");
  const std::size_t levels = config.at("block_out_channels").size();
  config["use_linear_projection"] = true;
  if (!config.at("attention_head_dim").is_array()) config["attention_head_dim"] = Json(std::vector<Json>(levels, config.at("attention_head_dim")));
  save_json_file(dir / "config.json", config);
  EXPECT_GT(reshaped, 0);
  const UNet linear = UNet::load(dir);
  EXPECT_TRUE(linear.config().use_linear_projection);
  EXPECT_EQ(linear.config().attention_heads.size(), levels);
  const at::Tensor out = linear.forward(ref.get("input.sample"), ref.get("input.timesteps"), ref.get("input.encoder_hidden_states"));
  EXPECT_TRUE(close(out, ref.get("output.sample"), tolerance_for(ref, "output.sample")));
  // The conv-shaped weights do not fit a linear-projection config, and the reverse.
  copy_folder(ref.dir(), dir, "diffusion_pytorch_model.safetensors", as_is);
  save_json_file(dir / "config.json", config);
  expect_input_error([&] { UNet::load(dir); }, {"proj_in.weight", "expected"});
}

TEST(Layouts, FullClipFolderServesBothTowers) {
  const Reference text_ref("text_encoder"), vision_ref("image_encoder");
  const fs::path dir = temp_dir("clip_folder");
  NamedTensors all = read_all(text_ref.dir() / "model.safetensors");
  for (const auto& nt : read_all(vision_ref.dir() / "model.safetensors")) all.push_back(nt);
  all.emplace_back("logit_scale", at::scalar_tensor(2.6592));
  all.emplace_back("text_model.embeddings.position_ids", at::arange(77, at::kLong).unsqueeze(0));
  io::save_safetensors(dir / "model.safetensors", all);
  Json text_config = load_json_file(text_ref.dir() / "config.json"), vision_config = load_json_file(vision_ref.dir() / "config.json");
  save_json_file(dir / "config.json", Json{{"architectures", {"CLIPModel"}},
                                           {"model_type", "clip"},
                                           {"projection_dim", text_config.at("projection_dim")},
                                           {"text_config", text_config},
                                           {"vision_config", vision_config}});
  write_file_atomic(dir / "vocab.json", "{}");
  write_file_atomic(dir / "merges.txt", "#version: 0.2\n");
  const ClipTextOutput t = ClipTextModel::load(dir).forward(text_ref.get("input.input_ids"));
  EXPECT_TRUE(close(t.text_embeds, text_ref.get("output.text_embeds"), tolerance_for(text_ref, "output.text_embeds")));
  const ClipVisionOutput v = ClipVisionModel::load(dir).forward(vision_ref.get("input.pixel_values"));
  EXPECT_TRUE(close(v.image_embeds, vision_ref.get("output.image_embeds"), tolerance_for(vision_ref, "output.image_embeds")));
  EXPECT_TRUE(find_tokenizer(dir).has_value());
}

TEST(Layouts, TextEncoderWithoutProjectionIsSd15s) {
  const Reference ref("text_encoder");
  const fs::path dir = temp_dir("no_projection");
  copy_folder(ref.dir(), dir, "model.safetensors", [](const std::string& n, const at::Tensor& t) {
    return n == "text_projection.weight" ? std::make_pair(std::string(), t) : std::make_pair(n, t);
  });
  const ClipTextModel clip = ClipTextModel::load(dir);
  EXPECT_FALSE(clip.has_projection());
  const ClipTextOutput out = clip.forward(ref.get("input.input_ids"));
  EXPECT_TRUE(close(out.pooler_output, ref.get("output.pooler_output"), tolerance_for(ref, "output.pooler_output")));
  EXPECT_FALSE(out.text_embeds.defined());
}

TEST(Layouts, FloatWeightsAreMappedNotCopied) {
  const Reference ref("unet");
  const TensorMap weights = TensorMap::open(ref.dir() / "diffusion_pytorch_model.safetensors");
  const UNet unet = UNet::from_weights(UNetConfig::from_json(load_json_file(ref.dir() / "config.json"), "config"), weights);
  for (const auto& [name, p] : unet.named_parameters()) ASSERT_EQ(p.data_ptr(), weights.at(name).data_ptr()) << name;
}
