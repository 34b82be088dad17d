// OpenAI CLIP TorchScript archives through torch::jit, patched for the device as clip.load does.
#include <torch/csrc/jit/ir/ir.h>
#include <torch/script.h>

#include "engine/core/error.h"
#include "engine/core/strings.h"
#include "engine/neural/clip.h"

namespace likeness::neural {

namespace fs = std::filesystem;

struct ClipTorchScript::Impl {
  mutable torch::jit::Module module;
  at::Device device = at::Device(at::kCPU);
};

namespace {

using torch::jit::Block;
using torch::jit::Node;

// The archives were traced on CUDA: string/device constants "cuda..." name the device, and on the
// CPU the fp16 casts (aten::to with dtype 5) must become float32 (6).
void patch_block(Block* block, torch::jit::Graph& graph, const std::string& device, bool to_float) {
  for (Node* node : block->nodes()) {
    for (Block* sub : node->blocks()) patch_block(sub, graph, device, to_float);
    if (node->kind() == c10::prim::Constant && node->hasAttribute(c10::attr::value) &&
        node->kindOf(c10::attr::value) == torch::jit::AttributeKind::s &&
        starts_with(node->s(c10::attr::value), "cuda") && device != node->s(c10::attr::value))
      node->s_(c10::attr::value, device);
    if (to_float && node->kind() == c10::aten::to) {
      for (std::size_t i = 1; i < node->inputs().size() && i <= 2; ++i) {
        Node* producer = node->inputs()[i]->node();
        if (producer->kind() == c10::prim::Constant && producer->hasAttribute(c10::attr::value) &&
            producer->kindOf(c10::attr::value) == torch::jit::AttributeKind::i &&
            producer->i(c10::attr::value) == static_cast<std::int64_t>(at::kHalf)) {
          torch::jit::WithInsertPoint guard(node);
          node->replaceInput(i, graph.insertConstant(static_cast<std::int64_t>(at::kFloat)));
        }
      }
    }
  }
}

void patch_module(torch::jit::Module& module, at::Device device) {
  const std::string name = device.str();
  const bool to_float = !device.is_cuda();
  for (const torch::jit::Module& m : module.modules())
    for (const torch::jit::Method& method : m.get_methods()) {
      auto graph = method.graph();
      patch_block(graph->block(), *graph, name, to_float);
    }
}

}  // namespace

ClipTorchScript ClipTorchScript::load(const fs::path& file, at::Device device) {
  if (!fs::is_regular_file(file)) throw InputError(at_file(file.string(), "no such TorchScript archive"));
  auto impl = std::make_shared<Impl>();
  impl->device = device;
  try {
    impl->module = torch::jit::load(file.string(), device);
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw InputError(at_file(file.string(), "not a TorchScript archive (" + what.substr(0, what.find('\n')) + ")"));
  }
  for (const char* method : {"encode_text", "encode_image"})
    if (!impl->module.find_method(method))
      throw InputError(at_file(file.string(), std::string("TorchScript archive without '") + method +
                                                  "': not an OpenAI CLIP model"));
  patch_module(impl->module, device);
  if (!device.is_cuda()) impl->module.to(at::kFloat);
  impl->module.eval();
  ClipTorchScript out;
  out.impl_ = impl;
  return out;
}

at::Tensor ClipTorchScript::encode_text(const at::Tensor& tokens) const {
  if (tokens.dim() != 2 || at::isFloatingType(tokens.scalar_type()))
    throw InputError("CLIP TorchScript: tokens must be integer ids [B, context_length], got " + c10::str(tokens.sizes()));
  return impl_->module.run_method("encode_text", tokens.to(impl_->device, at::kLong)).toTensor();
}

at::Tensor ClipTorchScript::encode_image(const at::Tensor& images) const {
  const std::int64_t r = input_resolution();
  if (images.dim() != 4 || images.size(1) != 3 || (r > 0 && (images.size(2) != r || images.size(3) != r)))
    throw InputError("CLIP TorchScript: images have shape " + c10::str(images.sizes()) + ", expected [B, 3, " +
                     std::to_string(r) + ", " + std::to_string(r) + "]");
  // The archive casts to its own dtype (encode_image: self.visual(image.type(self.dtype))).
  return impl_->module.run_method("encode_image", images.to(impl_->device, at::kFloat)).toTensor();
}

std::int64_t ClipTorchScript::input_resolution() const {
  if (!impl_->module.hasattr("input_resolution")) return 0;
  const c10::IValue v = impl_->module.attr("input_resolution");
  if (v.isTensor()) return v.toTensor().item<std::int64_t>();
  if (v.isInt()) return v.toInt();
  return 0;
}

at::Device ClipTorchScript::device() const { return impl_->device; }

}  // namespace likeness::neural
