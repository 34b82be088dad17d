#include "engine/optim/step_record.h"

#include <ATen/ATen.h>

#include "engine/export/png_encode.h"
#include "engine/optim/pipeline.h"
#include "engine/raster/shading.h"

namespace likeness::optim {
namespace {

Json common(const Outcome& outcome) {
  Json terms = Json::object();
  for (const guidance::Term& t : outcome.session.terms) terms[t.name] = terms.value(t.name, 0.0) + t.value;
  return {{"guidance", "builtin"},
          {"steps_run", outcome.session.steps_run},
          {"best_step", outcome.session.best_step},
          {"loss", outcome.session.loss},
          {"seconds", outcome.session.seconds},
          {"terms", terms}};
}

}  // namespace

Json generation_cause(const Outcome& outcome, const GenerateOptions& options) {
  Json j = common(outcome);
  j["prompt"] = outcome.understanding.parsed.text;
  j["seed"] = options.seed;
  j["steps"] = options.steps;
  return j;
}

Json edit_cause(const Outcome& outcome, const EditOptions& options) {
  Json j = common(outcome);
  j["instruction"] = outcome.understanding.parsed.text;
  j["scope"] = to_string(options.scope);
  j["mask"] = to_string(options.mask);
  j["strength"] = options.strength;
  j["steps"] = options.steps;
  return j;
}

std::string thumbnail_png(const Pipeline& pipeline, const state::FaceState& state, int size) {
  at::Tensor coverage;
  const at::Tensor views = pipeline.preview(state, size, {0.0}, &coverage);  // [1, S, S, 3] linear
  // Brighter than the preview's plain SH light, over the studio's grey: legible at 48 px.
  const at::Tensor image = (views * 1.6).clamp(0, 1) * coverage + 0.08 * (1 - coverage);
  return exporter::encode_png(raster::to_image(image, raster::RowOrder::TopFirst, 0), exporter::PngEncoding::Srgb);
}

}  // namespace likeness::optim
