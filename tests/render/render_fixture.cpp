#include "tests/render/render_fixture.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "app/cli/render_adapter.h"
#include "engine/face/face_model.h"

namespace likeness::test {

std::shared_ptr<const face::FaceModel> head_model() {
  static std::shared_ptr<const face::FaceModel> model = face::FaceModel::load_default();
  return model;
}

render::OffscreenRenderer& offscreen() {
  static render::OffscreenRenderer renderer([] {
    render::OffscreenOptions o;
    o.validation = true;
    o.samples = 4;
    return o;
  }());
  return renderer;
}

const render::Scene& generated_scene() {
  static const render::Scene scene = [] {
    auto model = head_model();
    render_adapter::HeadState state = render_adapter::neutral_state(*model);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(7);
    state.identity = at::randn({model->identity_count()}, gen, at::kFloat);
    state.seed = 7;
    return render_adapter::make_scene(model, state, 256);
  }();
  return scene;
}

void show_generated_face() { offscreen().set_scene(generated_scene()); }

render::Overlays region_overlay(const std::string& region) {
  return render_adapter::make_overlays(head_model(), region);
}

render::ViewOptions front_view(float aspect) {
  render::ViewOptions v;
  v.camera = render::frame_bounds(offscreen().bounds(), render::ViewPreset::Front, aspect);
  return v;
}

void RenderTest::SetUp() { offscreen().device().clear_validation_messages(); }

void RenderTest::TearDown() {
  const auto errors = offscreen().device().validation_errors();
  EXPECT_TRUE(errors.empty()) << errors.size() << " validation error(s), first: " << (errors.empty() ? "" : errors.front());
}

}  // namespace likeness::test
