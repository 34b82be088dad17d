#include "render/vk/pipelines.h"

#include <array>
#include <vector>

#include "render/device.h"
#include "render/vk/check.h"
#include "render/vk/shaders.h"

namespace likeness::render::vk {
namespace {

enum class Input { None, Mesh, PositionOnly, LandmarkInstances };

struct PipelineDesc {
  ShaderId vert;
  ShaderId frag;
  bool has_frag = true;
  Input input = Input::Mesh;
  VkPrimitiveTopology topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
  bool depth_test = true;
  bool depth_write = true;
  bool blend = false;
  bool alpha_to_coverage = false;
  /// Colour replaces, alpha keeps the larger of source and destination: alpha-to-coverage chose
  /// the samples, and a strand over skin must not lower the coverage the image's alpha reports.
  bool alpha_max = false;
  bool depth_bias = false;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  VkRenderPass pass = VK_NULL_HANDLE;
};

VkPipeline build(VkDevice device, VkPipelineLayout layout, const PipelineDesc& d) {
  VkShaderModule vs = create_shader_module(device, d.vert);
  VkShaderModule fs = d.has_frag ? create_shader_module(device, d.frag) : VK_NULL_HANDLE;
  std::vector<VkPipelineShaderStageCreateInfo> stages;
  VkPipelineShaderStageCreateInfo s{VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  s.stage = VK_SHADER_STAGE_VERTEX_BIT;
  s.module = vs;
  s.pName = "main";
  stages.push_back(s);
  if (d.has_frag) {
    s.stage = VK_SHADER_STAGE_FRAGMENT_BIT;
    s.module = fs;
    stages.push_back(s);
  }

  std::vector<VkVertexInputBindingDescription> bindings;
  std::vector<VkVertexInputAttributeDescription> attributes;
  switch (d.input) {
    case Input::None: break;
    case Input::Mesh:
      bindings = {{0, 24, VK_VERTEX_INPUT_RATE_VERTEX}, {1, 8, VK_VERTEX_INPUT_RATE_VERTEX}, {2, 12, VK_VERTEX_INPUT_RATE_VERTEX}};
      attributes = {{0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0},
                    {1, 0, VK_FORMAT_R32G32B32_SFLOAT, 12},
                    {2, 1, VK_FORMAT_R32G32_SFLOAT, 0},
                    {3, 2, VK_FORMAT_R32G32B32_SFLOAT, 0}};
      break;
    case Input::PositionOnly:
      bindings = {{0, 24, VK_VERTEX_INPUT_RATE_VERTEX}};
      attributes = {{0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0}};
      break;
    case Input::LandmarkInstances:
      bindings = {{0, 12, VK_VERTEX_INPUT_RATE_INSTANCE}};
      attributes = {{0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0}};
      break;
  }
  VkPipelineVertexInputStateCreateInfo vi{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  vi.vertexBindingDescriptionCount = static_cast<std::uint32_t>(bindings.size());
  vi.pVertexBindingDescriptions = bindings.data();
  vi.vertexAttributeDescriptionCount = static_cast<std::uint32_t>(attributes.size());
  vi.pVertexAttributeDescriptions = attributes.data();

  VkPipelineInputAssemblyStateCreateInfo ia{VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  ia.topology = d.topology;

  VkPipelineViewportStateCreateInfo vp{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
  vp.viewportCount = 1;
  vp.scissorCount = 1;

  VkPipelineRasterizationStateCreateInfo rs{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  rs.polygonMode = VK_POLYGON_MODE_FILL;
  rs.cullMode = VK_CULL_MODE_NONE;  // eyelashes and thin shells are seen from both sides
  rs.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
  rs.lineWidth = 1.0f;
  rs.depthBiasEnable = d.depth_bias ? VK_TRUE : VK_FALSE;
  rs.depthBiasConstantFactor = 1.5f;
  rs.depthBiasSlopeFactor = 2.0f;

  VkPipelineMultisampleStateCreateInfo ms{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  ms.rasterizationSamples = d.samples;
  ms.alphaToCoverageEnable = d.alpha_to_coverage ? VK_TRUE : VK_FALSE;

  VkPipelineDepthStencilStateCreateInfo ds{VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
  ds.depthTestEnable = d.depth_test ? VK_TRUE : VK_FALSE;
  ds.depthWriteEnable = d.depth_write ? VK_TRUE : VK_FALSE;
  ds.depthCompareOp = VK_COMPARE_OP_LESS_OR_EQUAL;

  VkPipelineColorBlendAttachmentState blend{};
  blend.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT | VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
  if (d.blend) {
    blend.blendEnable = VK_TRUE;
    blend.srcColorBlendFactor = VK_BLEND_FACTOR_SRC_ALPHA;
    blend.dstColorBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
    blend.colorBlendOp = VK_BLEND_OP_ADD;
    blend.srcAlphaBlendFactor = VK_BLEND_FACTOR_ZERO;  // keep the coverage alpha underneath
    blend.dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE;
    blend.alphaBlendOp = VK_BLEND_OP_ADD;
  } else if (d.alpha_max) {
    blend.blendEnable = VK_TRUE;
    blend.srcColorBlendFactor = VK_BLEND_FACTOR_ONE;
    blend.dstColorBlendFactor = VK_BLEND_FACTOR_ZERO;
    blend.colorBlendOp = VK_BLEND_OP_ADD;
    blend.srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE;
    blend.dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE;
    blend.alphaBlendOp = VK_BLEND_OP_MAX;
  }
  VkPipelineColorBlendStateCreateInfo cb{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
  cb.attachmentCount = d.has_frag ? 1 : 0;
  cb.pAttachments = &blend;

  const std::array<VkDynamicState, 2> dynamic_states{VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
  VkPipelineDynamicStateCreateInfo dyn{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
  dyn.dynamicStateCount = static_cast<std::uint32_t>(dynamic_states.size());
  dyn.pDynamicStates = dynamic_states.data();

  VkGraphicsPipelineCreateInfo pi{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
  pi.stageCount = static_cast<std::uint32_t>(stages.size());
  pi.pStages = stages.data();
  pi.pVertexInputState = &vi;
  pi.pInputAssemblyState = &ia;
  pi.pViewportState = &vp;
  pi.pRasterizationState = &rs;
  pi.pMultisampleState = &ms;
  pi.pDepthStencilState = &ds;
  pi.pColorBlendState = &cb;
  pi.pDynamicState = &dyn;
  pi.layout = layout;
  pi.renderPass = d.pass;
  pi.subpass = 0;
  VkPipeline pipeline = VK_NULL_HANDLE;
  VkResult r = vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &pi, nullptr, &pipeline);
  vkDestroyShaderModule(device, vs, nullptr);
  if (fs != VK_NULL_HANDLE) vkDestroyShaderModule(device, fs, nullptr);
  vk_check(r, "vkCreateGraphicsPipelines");
  return pipeline;
}

VkRenderPass make_shadow_pass(VkDevice device, VkFormat format) {
  VkAttachmentDescription depth{};
  depth.format = format;
  depth.samples = VK_SAMPLE_COUNT_1_BIT;
  depth.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  depth.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  depth.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  depth.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  depth.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  depth.finalLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_READ_ONLY_OPTIMAL;
  VkAttachmentReference ref{0, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
  VkSubpassDescription sub{};
  sub.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  sub.pDepthStencilAttachment = &ref;
  std::array<VkSubpassDependency, 2> deps{};
  // Earlier reads of this map (a previous frame's fragment shader) before we clear and write it.
  deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  deps[0].dstSubpass = 0;
  deps[0].srcStageMask = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT;
  deps[0].dstStageMask = VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
  deps[0].srcAccessMask = VK_ACCESS_SHADER_READ_BIT;
  deps[0].dstAccessMask = VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_READ_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
  // Depth writes before the main pass samples the map.
  deps[1].srcSubpass = 0;
  deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  deps[1].srcStageMask = VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
  deps[1].dstStageMask = VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT;
  deps[1].srcAccessMask = VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
  deps[1].dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
  VkRenderPassCreateInfo ci{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  ci.attachmentCount = 1;
  ci.pAttachments = &depth;
  ci.subpassCount = 1;
  ci.pSubpasses = &sub;
  ci.dependencyCount = static_cast<std::uint32_t>(deps.size());
  ci.pDependencies = deps.data();
  VkRenderPass pass = VK_NULL_HANDLE;
  vk_check(vkCreateRenderPass(device, &ci, nullptr, &pass), "vkCreateRenderPass (shadow)");
  return pass;
}

}  // namespace

Pipelines::Pipelines(const Device& device, const RenderTarget& target, VkFormat shadow_format) : device_(device.handle()) {
  try {
    std::array<VkDescriptorSetLayoutBinding, 2> frame_bindings{};
    frame_bindings[0] = {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
    frame_bindings[1] = {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
    VkDescriptorSetLayoutCreateInfo li{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    li.bindingCount = static_cast<std::uint32_t>(frame_bindings.size());
    li.pBindings = frame_bindings.data();
    vk_check(vkCreateDescriptorSetLayout(device_, &li, nullptr, &frame_set_layout), "vkCreateDescriptorSetLayout");

    std::array<VkDescriptorSetLayoutBinding, 2> material_bindings{};
    material_bindings[0] = {0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
    material_bindings[1] = {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
    li.bindingCount = static_cast<std::uint32_t>(material_bindings.size());
    li.pBindings = material_bindings.data();
    vk_check(vkCreateDescriptorSetLayout(device_, &li, nullptr, &material_set_layout), "vkCreateDescriptorSetLayout");

    const std::array<VkDescriptorSetLayout, 2> sets{frame_set_layout, material_set_layout};
    VkPushConstantRange push{VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(DrawPush)};
    VkPipelineLayoutCreateInfo pl{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    pl.setLayoutCount = static_cast<std::uint32_t>(sets.size());
    pl.pSetLayouts = sets.data();
    pl.pushConstantRangeCount = 1;
    pl.pPushConstantRanges = &push;
    vk_check(vkCreatePipelineLayout(device_, &pl, nullptr, &layout), "vkCreatePipelineLayout");

    shadow_pass = make_shadow_pass(device_, shadow_format);

    PipelineDesc d{};
    d.samples = target.samples;
    d.pass = target.render_pass;

    d.vert = ShaderId::BackgroundVert;
    d.frag = ShaderId::BackgroundFrag;
    d.input = Input::None;
    d.depth_test = false;
    d.depth_write = false;
    background = build(device_, layout, d);

    d.vert = ShaderId::MeshVert;
    d.frag = ShaderId::MeshFrag;
    d.input = Input::Mesh;
    d.depth_test = true;
    d.depth_write = true;
    mesh = build(device_, layout, d);

    d.alpha_to_coverage = true;
    d.alpha_max = true;
    lashes = build(device_, layout, d);
    d.alpha_to_coverage = false;
    d.alpha_max = false;

    d.vert = ShaderId::WireVert;
    d.frag = ShaderId::WireFrag;
    d.input = Input::PositionOnly;
    d.topology = VK_PRIMITIVE_TOPOLOGY_LINE_LIST;
    d.depth_write = false;
    d.blend = true;
    wire = build(device_, layout, d);

    d.vert = ShaderId::LandmarkVert;
    d.frag = ShaderId::LandmarkFrag;
    d.input = Input::LandmarkInstances;
    d.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
    d.depth_write = true;
    d.blend = false;
    landmarks = build(device_, layout, d);

    PipelineDesc sd{};
    sd.vert = ShaderId::ShadowVert;
    sd.has_frag = false;
    sd.input = Input::PositionOnly;
    sd.depth_bias = true;
    sd.samples = VK_SAMPLE_COUNT_1_BIT;
    sd.pass = shadow_pass;
    shadow = build(device_, layout, sd);
  } catch (...) {
    destroy();
    throw;
  }
}

Pipelines::~Pipelines() { destroy(); }

void Pipelines::destroy() {
  for (VkPipeline* p : {&background, &mesh, &lashes, &wire, &landmarks, &shadow})
    if (*p != VK_NULL_HANDLE) {
      vkDestroyPipeline(device_, *p, nullptr);
      *p = VK_NULL_HANDLE;
    }
  if (shadow_pass != VK_NULL_HANDLE) vkDestroyRenderPass(device_, shadow_pass, nullptr);
  if (layout != VK_NULL_HANDLE) vkDestroyPipelineLayout(device_, layout, nullptr);
  if (material_set_layout != VK_NULL_HANDLE) vkDestroyDescriptorSetLayout(device_, material_set_layout, nullptr);
  if (frame_set_layout != VK_NULL_HANDLE) vkDestroyDescriptorSetLayout(device_, frame_set_layout, nullptr);
  shadow_pass = VK_NULL_HANDLE;
  layout = VK_NULL_HANDLE;
  material_set_layout = VK_NULL_HANDLE;
  frame_set_layout = VK_NULL_HANDLE;
}

}  // namespace likeness::render::vk
