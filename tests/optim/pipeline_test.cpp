// The generation and editing pipeline end to end on the built-in guidance: held-out descriptions
// reach the requested side of the population, edits change only what they name, sequential edits
// do not drift, cancellation leaves nothing half-written, seeds reproduce results.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "engine/appearance/appearance_model.h"
#include "engine/appearance/parameters.h"
#include "engine/appearance/texture_set.h"
#include "engine/core/error.h"
#include "engine/face/face_model.h"
#include "engine/face/measurements.h"
#include "engine/face/population.h"
#include "engine/face/regions.h"
#include "engine/guidance/builtin_guidance.h"
#include "engine/guidance/context.h"
#include "engine/optim/pipeline.h"
#include "engine/optim/worker.h"
#include "engine/text/parse_result.h"

namespace likeness::optim {
namespace {

const Pipeline& pipeline() {
  static Pipeline p;
  return p;
}

const Outcome& base_face() {
  static Outcome o = pipeline().generate("a man in his thirties with a straight nose, full lips and brown eyes", {7, 0});
  return o;
}

double achieved_percentile(const Outcome& o, const std::string& id) {
  const auto face = pipeline().describe(o.state);
  return pipeline().resources().population->percentile_of(id, face.measurements.at(id));
}

// Working-resolution albedo of a state (linear).
at::Tensor albedo_of(const state::FaceState& s) {
  const auto& res = pipeline().resources();
  auto params = appearance::AppearanceParams::from_tensor(res.schema, appearance_from_state(*res.schema, s));
  return res.appearance->generate(params, {s.albedo_residual, s.normal_residual}).albedo;
}

struct Change {
  double max_vertex_cm = 0;      // outside the edit: largest vertex displacement
  double mean_texel = 0;         // outside the edit: mean absolute albedo change (sRGB-ish units 0..1)
  long kept_vertices = 0, kept_texels = 0;
};

// Change between two states where the consistency weights of `edit` are 1 (fully kept).
Change change_outside(const state::FaceState& before, const state::FaceState& after, const Outcome& edit) {
  Change c;
  at::Tensor kept_v = edit.vertex_weights >= 0.999f;
  at::Tensor dv = (pipeline().vertices(after) - pipeline().vertices(before)).norm(2, 1);
  c.kept_vertices = kept_v.sum().item<long>();
  c.max_vertex_cm = c.kept_vertices ? dv.masked_select(kept_v).max().item<double>() : 0.0;
  at::Tensor kept_t = edit.uv_weights >= 0.999f;  // [8, R, R]
  at::Tensor dt = (albedo_of(after) - albedo_of(before)).abs().mean(-1);
  c.kept_texels = kept_t.sum().item<long>();
  c.mean_texel = c.kept_texels ? dt.masked_select(kept_t).mean().item<double>() : 0.0;
  return c;
}

TEST(Pipeline, HeldOutDescriptionsLandOnTheRequestedSide) {
  struct Case {
    const char* prompt;
    const char* id;
    bool above;
    double percentile;
  };
  const Case cases[] = {
      {"a tall man with a very big nose and a kind look", "nose_size", true, 85},
      {"a young woman with a small nose and green eyes", "nose_size", false, 20},
      {"an old woman with a very wide jaw", "jaw_width", true, 80},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.prompt);
    Outcome o = pipeline().generate(c.prompt, {3, 0});
    const double p = achieved_percentile(o, c.id);
    if (c.above) EXPECT_GT(p, c.percentile);
    else EXPECT_LT(p, c.percentile);
    // Every stated measurement target is met within a third of a standard deviation.
    const auto face = pipeline().describe(o.state);
    for (const auto& t : o.understanding.targets.measurements)
      if (!t.prior) {
        EXPECT_LT(std::abs(face.measurements.at(t.id) - t.target) / t.sd, 0.35) << t.id << " from '" << t.phrase << "'";
      }
  }
}

TEST(Pipeline, AppearanceTargetsAreMet) {
  Outcome o = pipeline().generate("an old woman with blue eyes, red lips and freckles", {5, 0});
  const auto face = pipeline().describe(o.state);
  ASSERT_FALSE(o.understanding.targets.appearance.empty());
  for (const auto& t : o.understanding.targets.appearance) {
    const auto& got = face.appearance.at(t.id);
    ASSERT_EQ(got.size(), t.value.size()) << t.id;
    for (std::size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], t.value[k], 0.05) << t.id << " from '" << t.phrase << "'";
  }
  // Blue eyes are blue: the iris colour's blue channel dominates its red one.
  const auto& iris = face.appearance.at("iris.color");
  EXPECT_GT(iris[2], iris[0]);
  // The render path ran: the optimization reports the image-space term.
  bool region_term = false;
  for (const auto& t : o.session.terms) region_term |= t.name == "region_colour";
  EXPECT_TRUE(region_term);
}

TEST(Pipeline, GeometryEditChangesOnlyTheNamedRegion) {
  const Outcome& base = base_face();
  Outcome e = pipeline().edit(base.state, "make the nose narrower", {});
  const auto before = pipeline().describe(base.state);
  const auto after = pipeline().describe(e.state);
  const double sd = pipeline().resources().population->stats("nose_width").sd;
  EXPECT_LT(after.measurements.at("nose_width"), before.measurements.at("nose_width") - 0.3 * sd);
  Change c = change_outside(base.state, e.state, e);
  EXPECT_GT(c.kept_vertices, 1000);
  EXPECT_LT(c.max_vertex_cm, 0.02);  // 0.2 mm
  EXPECT_LT(c.mean_texel, 1.0 / 255);
}

TEST(Pipeline, TextureEditChangesOnlyTheNamedRegion) {
  const Outcome& base = base_face();
  EditOptions options;
  options.scope = EditScope::Texture;
  Outcome e = pipeline().edit(base.state, "give him a grey stubble", options);
  const auto before = pipeline().describe(base.state);
  const auto after = pipeline().describe(e.state);
  EXPECT_GT(after.appearance.at("stubble.coverage")[0], before.appearance.at("stubble.coverage")[0] + 0.3);
  Change c = change_outside(base.state, e.state, e);
  EXPECT_GT(c.kept_texels, 10000);
  EXPECT_LT(c.mean_texel, 1.0 / 255);
  EXPECT_EQ(c.max_vertex_cm, 0.0);  // a texture edit never moves the mesh
  // The beard area did change.
  at::Tensor open = e.uv_weights < 0.5f;
  at::Tensor dt = (albedo_of(e.state) - albedo_of(base.state)).abs().mean(-1);
  EXPECT_GT(dt.masked_select(open).mean().item<double>(), 2.0 / 255);
}

TEST(Pipeline, ExpressionEdit) {
  Outcome e = pipeline().edit(base_face().state, "she is smiling", {});
  const auto after = pipeline().describe(e.state);
  EXPECT_GT(after.expressions.at("mouthSmile_L"), 0.5);
  EXPECT_GT(after.expressions.at("mouthSmile_R"), 0.5);
}

TEST(Pipeline, PaintedMaskDrivesTheWeights) {
  state::FaceState s = base_face().state.clone();
  const int v = pipeline().resources().model->vertex_count();
  s.painted_mask = at::zeros({v}, at::kFloat);
  s.painted_mask.slice(0, 0, 100).fill_(1.0f);
  auto [wv, wuv] = pipeline().edit_weights(s, {}, MaskSource::Painted);
  EXPECT_FLOAT_EQ(wv[0].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(wv[v - 1].item<float>(), 1.0f);
  EXPECT_LT(wuv.min().item<float>(), 0.5f);
  // Both: either source may open a vertex.
  auto [both_v, both_uv] = pipeline().edit_weights(s, {{"nose", 1.0}}, MaskSource::Both);
  at::Tensor nose = pipeline().resources().regions->vertex_mask("nose") > 0.99f;
  EXPECT_LT(both_v.masked_select(nose).max().item<float>(), 0.03f);
  EXPECT_FLOAT_EQ(both_v[0].item<float>(), 0.0f);
  // A painted-only edit without a mask names the problem.
  EXPECT_THROW(pipeline().edit_weights(base_face().state, {}, MaskSource::Painted), InputError);
}

TEST(Pipeline, TenSequentialEditsDoNotDrift) {
  const char* edits[] = {"make the nose narrower", "make the lips fuller", "make the chin longer", "make the nose longer",
                         "make the lips thinner",  "make the chin shorter", "make the nose wider",  "make the lips fuller",
                         "make the nose smaller",  "make the chin longer"};
  state::FaceState s = base_face().state.clone();
  // Forehead and ears are named by no edit: track them across all ten.
  const auto& regions = *pipeline().resources().regions;
  at::Tensor untouched = (regions.vertex_mask("forehead") > 0.99f) | (regions.vertex_mask("ears") > 0.99f);
  ASSERT_GT(untouched.sum().item<long>(), 100);
  at::Tensor v0 = pipeline().vertices(s);
  at::Tensor a0 = albedo_of(s);
  at::Tensor untouched_uv = at::ones({8, a0.size(1), a0.size(2)}, at::kBool);
  EditOptions options;
  options.steps = 25;
  for (const char* text : edits) {
    SCOPED_TRACE(text);
    Outcome e = pipeline().edit(s, text, options);
    untouched_uv &= e.uv_weights >= 0.999f;
    s = e.state;
  }
  at::Tensor drift = (pipeline().vertices(s) - v0).norm(2, 1).masked_select(untouched);
  EXPECT_LT(drift.max().item<double>(), 0.02);
  at::Tensor texel = (albedo_of(s) - a0).abs().mean(-1).masked_select(untouched_uv);
  ASSERT_GT(texel.numel(), 10000);
  EXPECT_LT(texel.mean().item<double>(), 1.0 / 255);
}

TEST(Pipeline, SameSeedSameResult) {
  Outcome a = pipeline().generate("a woman with a long nose and grey eyes", {11, 30});
  Outcome b = pipeline().generate("a woman with a long nose and grey eyes", {11, 30});
  EXPECT_TRUE(state::equal(a.state, b.state));
  Outcome c = pipeline().generate("a woman with a long nose and grey eyes", {12, 30});
  EXPECT_FALSE(state::equal(a.state, c.state));
}

TEST(Pipeline, CancelAndRestartLeaveNoCorruptState) {
  Worker worker;
  Latest<state::FaceState> published;
  std::atomic<int> steps{0};
  std::atomic<bool> first_preview{false};
  auto job = [&](JobControl& control) {
    Outcome o = pipeline().generate("a man with a very big nose", {3, 40}, &control, [&](const Progress& p) {
      if (p.step == 0 && p.snapshot) first_preview = true;
      ++steps;
    });
    published.publish(o.state);  // only complete results are published
  };
  worker.start(job);
  while (steps < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  worker.cancel();
  EXPECT_TRUE(first_preview);
  EXPECT_EQ(published.latest(), nullptr);
  steps = 0;
  worker.start(job);
  worker.wait();
  auto got = published.latest();
  ASSERT_NE(got, nullptr);
  got->validate("restarted run");
  Outcome fresh = pipeline().generate("a man with a very big nose", {3, 40});
  EXPECT_TRUE(state::equal(*got, fresh.state));
}

TEST(Pipeline, PromptChangedMidRun) {
  // A session picks up new guidances at its next step and ends on the new target.
  Understanding big = pipeline().understand("a man with a very big nose");
  Understanding small = pipeline().understand("a man with a very small nose");
  SessionOptions so;
  so.schedule = Schedule::generation().with_total_steps(60);
  so.patience = 0;
  Session session(std::shared_ptr<const guidance::Resources>(&pipeline().resources(), [](const guidance::Resources*) {}), so);
  state::FaceState start = pipeline().warm_start(big.targets, 1);
  at::Tensor e0 = start.expression.clone();
  at::Tensor a0 = appearance_from_state(*pipeline().resources().schema, start);
  session.set_guidances({std::make_shared<guidance::BuiltinGuidance>(big.targets, e0, a0)});
  SessionResult r = session.run(start, nullptr, nullptr, [&](const Progress& p) {
    if (p.step == 5) session.set_guidances({std::make_shared<guidance::BuiltinGuidance>(small.targets, e0, a0)});
  });
  const auto face = pipeline().describe(r.state);
  EXPECT_LT(pipeline().resources().population->percentile_of("nose_size", face.measurements.at("nose_size")), 30);
}

TEST(Pipeline, BadInputNamesTheProblem) {
  EXPECT_THROW(pipeline().generate("", {}), InputError);
  try {
    pipeline().edit(base_face().state, "hello there", {});
    FAIL() << "an instruction without any change must be refused";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("hello there"), std::string::npos);
  }
  EditOptions bad;
  bad.strength = 0;
  EXPECT_THROW(pipeline().edit(base_face().state, "make the nose narrower", bad), InputError);
}

TEST(Pipeline, GeometryFormEqualsTheUvPositionMapTerm) {
  // x^T Q x must equal mean(W (P(x) - P0)^2) with P the UV position map, for the local identity
  // delta and free expressions.
  const auto& res = pipeline().resources();
  const state::FaceState& s = base_face().state;
  auto [wv, wuv] = pipeline().edit_weights(s, {{"nose", 1.0}, {"mouth", 0.6}}, MaskSource::Attention);
  const at::Tensor mask = (1 - wv).clamp(0, 1);
  const std::vector<std::int64_t> free = {res.model->expression_index("mouthSmile_L"), res.model->expression_index("jawOpen")};
  const at::Tensor q = geometry_consistency_form(res, mask, wuv, free);
  ASSERT_EQ(q.size(0), res.model->identity_count() + 2);
  EXPECT_LT((q - q.t()).abs().max().item<double>(), 1e-6 * q.abs().max().item<double>() + 1e-12);
  at::Generator gen = at::detail::createCPUGenerator(3);
  const at::Tensor delta = at::randn({res.model->identity_count()}, gen) * 0.5;
  const at::Tensor de = at::tensor({0.4f, 0.2f});
  const at::Tensor v0 = pipeline().vertices(s);
  at::Tensor e = s.expression.clone();
  e.index_add_(0, at::tensor(free, at::kLong), de);
  at::Tensor v1 = res.model->vertices(s.identity, e) + s.displacement +
                  at::matmul(delta, res.model->identity_basis().reshape({res.model->identity_count(), -1})).reshape({-1, 3}) *
                      mask.unsqueeze(1);
  const int r = static_cast<int>(wuv.size(1)) / 2;
  const at::Tensor w = at::upsample_bilinear2d(wuv.slice(0, 0, 2).unsqueeze(1), {r, r}, false).squeeze(1).clamp(0, 1);
  const double direct = consistency_loss(uv_position_map(res, v1, r), uv_position_map(res, v0, r), w).item<double>();
  const at::Tensor x = at::cat({delta, de});
  const double form = at::dot(x, at::mv(q, x)).item<double>();
  EXPECT_GT(direct, 0.0);
  EXPECT_NEAR(form, direct, 1e-3 * direct + 1e-9);
}

TEST(Pipeline, EditsDropWhatPronounsImply) {
  // "woman" implies female measurements and brows for a new face, never for an edit.
  EXPECT_TRUE(pipeline().understand("give him a grey stubble", &base_face().state).targets.measurements.empty());
  const Understanding u = pipeline().understand("the woman gets a bigger nose", &base_face().state);
  ASSERT_EQ(u.targets.measurements.size(), 1u);
  EXPECT_EQ(u.targets.measurements[0].id, "nose_size");
  for (const auto& a : u.targets.appearance) EXPECT_FALSE(a.prior) << a.id;
  bool warned = false;
  for (const auto& w : u.parsed.warnings) warned |= w.kind == text::Warning::Kind::Ignored;
  EXPECT_TRUE(warned);
  // A description keeps them.
  const Understanding d = pipeline().understand("a woman with a bigger nose");
  bool prior = false;
  for (const auto& m : d.targets.measurements) prior |= m.prior;
  EXPECT_TRUE(prior);
}

TEST(Pipeline, EditsStartWarmAndConvergeQuickly) {
  const Outcome& base = base_face();
  Outcome e = pipeline().edit(base.state, "make the nose much narrower", {});
  const double sd = pipeline().resources().population->stats("nose_width").sd;
  const auto& t = e.understanding.targets.measurements;
  ASSERT_FALSE(t.empty());
  const auto after = pipeline().describe(e.state);
  for (const auto& m : t) EXPECT_LT(std::abs(after.measurements.at(m.id) - m.target) / sd, 0.35) << m.id;
  EXPECT_LT(e.session.steps_run, 20) << "a warm-started edit needs only a few refinement steps";
  // A colour-only edit never runs the shape terms, a shape-only edit never the texture terms.
  EditOptions options;
  Outcome c = pipeline().edit(base.state, "give him blue eyes", options);
  for (const auto& term : c.session.terms) EXPECT_NE(term.name, "geometry_consistency");
  for (const auto& term : e.session.terms) EXPECT_NE(term.name, "texture_consistency");
  // Asking for geometry only on a colour edit is refused with the instruction named.
  options.scope = EditScope::Geometry;
  try {
    pipeline().edit(base.state, "give him blue eyes", options);
    FAIL() << "a colour edit limited to geometry must be refused";
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find("blue eyes"), std::string::npos) << err.what();
  }
}

TEST(Pipeline, MeasurementsAreNeverMetByPullingAFace) {
  // No expression named: every expression weight stays 0, however the lips and chin are asked.
  Outcome o = pipeline().generate("a man with very thin lips, a very long chin and a small mouth", {4, 40});
  EXPECT_EQ(o.state.expression.abs().max().item<float>(), 0.0f);
  // A named expression moves, the others do not.
  Outcome s = pipeline().generate("a smiling woman with thin lips", {4, 40});
  const auto& model = *pipeline().resources().model;
  EXPECT_GT(s.state.expression[model.expression_index("mouthSmile_L")].item<float>(), 0.4f);
  EXPECT_EQ(s.state.expression[model.expression_index("jawOpen")].item<float>(), 0.0f);
}

TEST(Pipeline, BestStateIsKeptAndStagesRun) {
  std::vector<guidance::Stage> seen;
  Outcome o = pipeline().generate("a woman with a wide nose", {2, 0}, nullptr, [&](const Progress& p) {
    if (seen.empty() || seen.back() != p.stage) seen.push_back(p.stage);
  });
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen[0], guidance::Stage::Geometry);
  EXPECT_EQ(seen[1], guidance::Stage::Appearance);
  EXPECT_EQ(seen[2], guidance::Stage::Joint);
  EXPECT_GT(o.session.best_step, 0);
  EXPECT_LE(o.session.best_step, o.session.steps_run);
}

}  // namespace
}  // namespace likeness::optim

namespace likeness::optim {
namespace {

TEST(Pipeline, RendersLeaveOutLashCardsAndHelperMeshes) {
  // The rasterizer has no alpha: lash cards drawn opaque read as thick black rims around the eyes
  // of every preview and image term, and the transparent helpers would cover the eyes.
  const auto& res = pipeline().resources();
  const face::Topology& topo = res.model->topology();
  const long lashes = topo.triangles_of({face::MaterialKind::Lashes}).size(0);
  const long helpers = topo.triangles_of({face::MaterialKind::Transparent}).size(0);
  ASSERT_GT(lashes, 0);
  ASSERT_GT(helpers, 0);
  EXPECT_EQ(res.opaque_triangles.size(0), topo.triangle_count() - lashes - helpers);
  EXPECT_EQ(res.opaque_uv_triangles.size(0), res.opaque_triangles.size(0));
  // Every lash vertex used only by lash cards is absent from what renders draw.
  at::Tensor drawn = at::zeros({res.model->vertex_count()}, at::kBool);
  drawn.index_fill_(0, res.opaque_triangles.to(at::kLong).flatten(), true);
  EXPECT_FALSE(drawn.index_select(0, topo.triangles_of({face::MaterialKind::Lashes}).to(at::kLong).flatten()).any().item<bool>());
}

}  // namespace
}  // namespace likeness::optim
