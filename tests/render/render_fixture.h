#pragma once
// Shared state of the renderer tests: the head model, one offscreen renderer with the validation
// layer on (created once per process), a generated face, and a fixture that fails any test during
// which the validation layer reported an error.
#include <gtest/gtest.h>

#include <memory>

#include "render/offscreen.h"
#include "render/scene.h"
#include "render/view_options.h"

namespace likeness::face {
class FaceModel;
}

namespace likeness::test {

/// The ICT head model, loaded once.
std::shared_ptr<const face::FaceModel> head_model();

/// The shared offscreen renderer (validation layer on, 4x MSAA where supported).
render::OffscreenRenderer& offscreen();

/// A generated face: a random identity (seed 7) with stand-in textures at 256 texels per tile.
const render::Scene& generated_scene();

/// Uploads generated_scene() into offscreen() (undoing what earlier tests set).
void show_generated_face();

/// Overlays for generated_scene(): the region overlay shows `region`.
render::Overlays region_overlay(const std::string& region);

/// A front view of the shown head for an aspect ratio, three-point lighting.
render::ViewOptions front_view(float aspect = 1.0f);

/// Fails the test if the validation layer reported an error while it ran.
class RenderTest : public ::testing::Test {
protected:
  void SetUp() override;
  void TearDown() override;
};

}  // namespace likeness::test
