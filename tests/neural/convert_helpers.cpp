#include "tests/neural/convert_helpers.h"

#include <ATen/ATen.h>

#include <map>
#include <regex>

#include "engine/io/safetensors.h"

namespace likeness::neural::test {

namespace fs = std::filesystem;

NamedTensors read_all(const fs::path& file) {
  const auto st = io::SafetensorsFile::open(file);
  NamedTensors out;
  for (const auto& name : st.names()) out.emplace_back(name, st.tensor(name));
  return out;
}

namespace {

std::string resnet_to_original(const std::string& rest) {
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"norm1.", "in_layers.0."}, {"conv1.", "in_layers.2."}, {"time_emb_proj.", "emb_layers.1."},
      {"norm2.", "out_layers.0."}, {"conv2.", "out_layers.3."}, {"conv_shortcut.", "skip_connection."}};
  for (const auto& [from, to] : names)
    if (rest.rfind(from, 0) == 0) return to + rest.substr(from.size());
  return rest;
}

// The encoder half shared by UNet and ControlNet; empty if `name` is not part of it.
std::string encoder_to_original(const std::string& name, int layers) {
  std::smatch m;
  static const std::regex down_resnet(R"(^down_blocks\.(\d+)\.resnets\.(\d+)\.(.*)$)");
  static const std::regex down_attention(R"(^down_blocks\.(\d+)\.attentions\.(\d+)\.(.*)$)");
  static const std::regex downsampler(R"(^down_blocks\.(\d+)\.downsamplers\.0\.conv\.(.*)$)");
  if (name.rfind("conv_in.", 0) == 0) return "input_blocks.0.0." + name.substr(8);
  if (name.rfind("time_embedding.linear_1.", 0) == 0) return "time_embed.0." + name.substr(24);
  if (name.rfind("time_embedding.linear_2.", 0) == 0) return "time_embed.2." + name.substr(24);
  if (name.rfind("mid_block.resnets.0.", 0) == 0) return "middle_block.0." + resnet_to_original(name.substr(20));
  if (name.rfind("mid_block.attentions.0.", 0) == 0) return "middle_block.1." + name.substr(23);
  if (name.rfind("mid_block.resnets.1.", 0) == 0) return "middle_block.2." + resnet_to_original(name.substr(20));
  if (std::regex_match(name, m, down_resnet))
    return "input_blocks." + std::to_string(1 + std::stoi(m[1]) * (layers + 1) + std::stoi(m[2])) + ".0." +
           resnet_to_original(m[3]);
  if (std::regex_match(name, m, down_attention))
    return "input_blocks." + std::to_string(1 + std::stoi(m[1]) * (layers + 1) + std::stoi(m[2])) + ".1." + std::string(m[3]);
  if (std::regex_match(name, m, downsampler))
    return "input_blocks." + std::to_string((std::stoi(m[1]) + 1) * (layers + 1)) + ".0.op." + std::string(m[2]);
  return "";
}

}  // namespace

std::string unet_to_original(const std::string& name, int layers, const std::vector<bool>& up_attention) {
  if (auto e = encoder_to_original(name, layers); !e.empty()) return e;
  std::smatch m;
  static const std::regex up_resnet(R"(^up_blocks\.(\d+)\.resnets\.(\d+)\.(.*)$)");
  static const std::regex up_attention_re(R"(^up_blocks\.(\d+)\.attentions\.(\d+)\.(.*)$)");
  static const std::regex upsampler(R"(^up_blocks\.(\d+)\.upsamplers\.0\.conv\.(.*)$)");
  if (name.rfind("conv_norm_out.", 0) == 0) return "out.0." + name.substr(14);
  if (name.rfind("conv_out.", 0) == 0) return "out.2." + name.substr(9);
  if (std::regex_match(name, m, up_resnet))
    return "output_blocks." + std::to_string(std::stoi(m[1]) * (layers + 1) + std::stoi(m[2])) + ".0." + resnet_to_original(m[3]);
  if (std::regex_match(name, m, up_attention_re))
    return "output_blocks." + std::to_string(std::stoi(m[1]) * (layers + 1) + std::stoi(m[2])) + ".1." + std::string(m[3]);
  if (std::regex_match(name, m, upsampler)) {
    const int block = std::stoi(m[1]);
    return "output_blocks." + std::to_string(block * (layers + 1) + layers) + (up_attention[block] ? ".2" : ".1") +
           ".conv." + std::string(m[2]);
  }
  return "UNMAPPED." + name;
}

std::string controlnet_to_original(const std::string& name, int layers, int hint_blocks) {
  if (auto e = encoder_to_original(name, layers); !e.empty()) return e;
  std::smatch m;
  static const std::regex zero(R"(^controlnet_down_blocks\.(\d+)\.(.*)$)");
  static const std::regex hint(R"(^controlnet_cond_embedding\.blocks\.(\d+)\.(.*)$)");
  if (std::regex_match(name, m, zero)) return "zero_convs." + std::string(m[1]) + ".0." + std::string(m[2]);
  if (name.rfind("controlnet_mid_block.", 0) == 0) return "middle_block_out.0." + name.substr(21);
  if (name.rfind("controlnet_cond_embedding.conv_in.", 0) == 0) return "input_hint_block.0." + name.substr(34);
  if (std::regex_match(name, m, hint)) return "input_hint_block." + std::to_string(2 * (std::stoi(m[1]) + 1)) + "." + std::string(m[2]);
  if (name.rfind("controlnet_cond_embedding.conv_out.", 0) == 0)
    return "input_hint_block." + std::to_string(2 * (hint_blocks + 1)) + "." + name.substr(35);
  return "UNMAPPED." + name;
}

std::pair<std::string, at::Tensor> vae_to_original(const std::string& name, const at::Tensor& t, int levels) {
  std::smatch m;
  static const std::regex enc_resnet(R"(^encoder\.down_blocks\.(\d+)\.resnets\.(\d+)\.(.*)$)");
  static const std::regex enc_down(R"(^encoder\.down_blocks\.(\d+)\.downsamplers\.0\.conv\.(.*)$)");
  static const std::regex dec_resnet(R"(^decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.(.*)$)");
  static const std::regex dec_up(R"(^decoder\.up_blocks\.(\d+)\.upsamplers\.0\.conv\.(.*)$)");
  static const std::regex mid(R"(^(encoder|decoder)\.mid_block\.(resnets\.0|resnets\.1|attentions\.0)\.(.*)$)");
  static const std::regex other(R"(^(encoder|decoder)\.conv_norm_out\.(.*)$)");
  auto shortcut = [](std::string rest) { return rest.rfind("conv_shortcut.", 0) == 0 ? "nin_shortcut." + rest.substr(14) : rest; };
  if (std::regex_match(name, m, enc_resnet))
    return {"encoder.down." + std::string(m[1]) + ".block." + std::string(m[2]) + "." + shortcut(m[3]), t};
  if (std::regex_match(name, m, enc_down)) return {"encoder.down." + std::string(m[1]) + ".downsample.conv." + std::string(m[2]), t};
  if (std::regex_match(name, m, dec_resnet))
    return {"decoder.up." + std::to_string(levels - 1 - std::stoi(m[1])) + ".block." + std::string(m[2]) + "." + shortcut(m[3]), t};
  if (std::regex_match(name, m, dec_up))
    return {"decoder.up." + std::to_string(levels - 1 - std::stoi(m[1])) + ".upsample.conv." + std::string(m[2]), t};
  if (std::regex_match(name, m, other)) return {std::string(m[1]) + ".norm_out." + std::string(m[2]), t};
  if (std::regex_match(name, m, mid)) {
    const std::string side = m[1], part = m[2], rest = m[3];
    if (part == "resnets.0") return {side + ".mid.block_1." + rest, t};
    if (part == "resnets.1") return {side + ".mid.block_2." + rest, t};
    static const std::map<std::string, std::string> attn = {
        {"group_norm", "norm"}, {"to_q", "q"}, {"to_k", "k"}, {"to_v", "v"}, {"to_out.0", "proj_out"}};
    for (const auto& [from, to] : attn)
      if (rest.rfind(from + ".", 0) == 0) {
        at::Tensor w = t.dim() == 2 ? t.reshape({t.size(0), t.size(1), 1, 1}) : t;
        return {side + ".mid.attn_1." + to + rest.substr(from.size()), w};
      }
  }
  return {name, t};
}

void copy_folder(const fs::path& from, const fs::path& to, const std::string& weights_name,
                 const std::function<std::pair<std::string, at::Tensor>(const std::string&, const at::Tensor&)>& convert) {
  fs::create_directories(to);
  fs::copy_file(from / "config.json", to / "config.json", fs::copy_options::overwrite_existing);
  fs::path weights = from / "diffusion_pytorch_model.safetensors";
  if (!fs::exists(weights)) weights = from / "model.safetensors";
  NamedTensors out;
  for (const auto& [name, t] : read_all(weights)) {
    auto converted = convert(name, t);
    if (!converted.first.empty()) out.push_back(converted);
  }
  io::save_safetensors(to / weights_name, out, {{"format", "pt"}});
}

::testing::AssertionResult same_parameters(const NeuralModel& a, const NeuralModel& b) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  std::map<std::string, at::Tensor> mb(pb.begin(), pb.end());
  if (pa.size() != pb.size()) return ::testing::AssertionFailure() << pa.size() << " parameters vs " << pb.size();
  for (const auto& [name, t] : pa) {
    auto it = mb.find(name);
    if (it == mb.end()) return ::testing::AssertionFailure() << "'" << name << "' only in the first";
    if (!at::equal(t, it->second)) return ::testing::AssertionFailure() << "'" << name << "' differs";
  }
  return ::testing::AssertionSuccess() << pa.size() << " identical parameters";
}

}  // namespace likeness::neural::test
