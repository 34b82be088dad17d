#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <filesystem>
#include <map>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/face/measurements.h"
#include "engine/face/population.h"
#include "tests/face/face_fixture.h"

using namespace likeness;
using likeness::test::head_model;

namespace {
std::shared_ptr<const face::Measurements> measurements() { return face::Measurements::load_default(head_model()); }
}  // namespace

TEST(Measurements, AtLeastTwentyCoveringTheIssueList) {
  auto m = measurements();
  EXPECT_GE(m->size(), 20u);
  for (const char* id : {"face_width", "face_length", "jaw_width", "chin_height", "chin_projection", "forehead_height", "nose_length",
                         "nose_width", "nose_bridge_height", "nose_tip_projection", "eye_width", "eye_height", "eye_distance",
                         "brow_height", "mouth_width", "upper_lip_thickness", "lower_lip_thickness", "cheekbone_prominence",
                         "jaw_cheek_ratio", "head_width", "neck_width"})
    EXPECT_NO_THROW(m->index(id)) << id;
  try {
    m->index("nose_widht");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nose_width"), std::string::npos);
  }
}

TEST(Measurements, NeutralHeadHasPlausibleAdultValues) {
  auto m = measurements();
  at::Tensor values = m->compute(head_model()->neutral());
  // Soft-tissue adult ranges (Farkas-style anthropometry), generous bounds.
  const std::map<std::string, std::pair<double, double>> plausible = {
      {"face_width", {12.0, 16.0}},     {"face_length", {10.0, 13.5}},   {"jaw_width", {9.5, 14.0}},
      {"forehead_height", {4.5, 7.5}},  {"nose_length", {4.2, 6.0}},     {"nose_width", {2.8, 4.5}},
      {"eye_width", {2.3, 3.5}},        {"eye_height", {0.6, 1.3}},      {"eye_distance", {2.6, 4.2}},
      {"mouth_width", {4.2, 6.2}},      {"upper_lip_thickness", {0.5, 1.5}}, {"lower_lip_thickness", {0.5, 1.6}},
      {"head_width", {13.5, 17.0}},     {"neck_width", {9.5, 13.5}},     {"nose_tip_projection", {1.4, 3.0}},
      {"brow_height", {1.5, 3.2}},      {"chin_height", {2.8, 5.0}},     {"eye_tilt", {-5.0, 12.0}},
      {"face_aspect", {0.65, 0.95}},    {"jaw_cheek_ratio", {0.7, 1.0}},
      // Composites and depths (ICT's own definitions: sizes as geometric means, projections
      // against the face's vertical plane).
      {"face_size", {11.0, 15.0}},      {"chin_projection", {-1.5, 0.5}}, {"chin_width", {2.0, 4.5}},
      {"forehead_width", {9.5, 13.0}},  {"brow_ridge_projection", {0.8, 2.5}}, {"nose_bridge_height", {1.5, 3.2}},
      {"nose_size", {2.8, 4.5}},        {"lip_thickness", {1.0, 3.0}},   {"cheekbone_prominence", {0.1, 1.0}},
      {"cheek_fullness", {11.0, 15.5}}};
  // Every measurement has a range: none goes unchecked.
  for (const auto& info : m->infos()) EXPECT_TRUE(plausible.count(info.id)) << "no plausible range for " << info.id;
  for (const auto& [id, range] : plausible) {
    double v = values[m->index(id)].item<double>();
    EXPECT_GE(v, range.first) << id;
    EXPECT_LE(v, range.second) << id;
  }
}

TEST(Measurements, GradientsMatchFiniteDifferences) {
  auto model = head_model();
  auto m = measurements();
  at::manual_seed(11);
  at::Tensor a0 = at::randn({100}, at::kDouble) * 0.7;
  at::Tensor e0 = at::rand({53}, at::kDouble) * 0.3;
  // Autograd through the full model in float64.
  at::Tensor a = a0.clone().requires_grad_(true);
  at::Tensor e = e0.clone().requires_grad_(true);
  at::Tensor values = m->compute(model->vertices(a, e));
  // Finite differences on the measured vertices only (same linear model, restricted), float64.
  const at::Tensor& req = m->required_vertices();
  const long s = req.size(0);
  at::Tensor id_basis = model->identity_basis().index_select(1, req).reshape({100, s * 3}).to(at::kDouble);
  at::Tensor ex_basis = model->expression_basis().index_select(1, req).reshape({53, s * 3}).to(at::kDouble);
  at::Tensor neutral = model->neutral().index_select(0, req).reshape({s * 3}).to(at::kDouble);
  auto measure = [&](const at::Tensor& ai, const at::Tensor& ei) {
    return m->compute_from_subset((neutral + at::matmul(ai, id_basis) + at::matmul(ei, ex_basis)).reshape({s, 3}));
  };
  EXPECT_LT((measure(a0, e0) - values.detach()).abs().max().item<double>(), 1e-9);
  const double h = 1e-5;
  for (long i = 0; i < values.size(0); ++i) {
    auto grads = torch::autograd::grad({values[i]}, {a, e}, {}, /*retain_graph=*/true);
    for (long k : {0L, 3L, 42L, 99L}) {
      at::Tensor ap = a0.clone(), am = a0.clone();
      ap[k] += h;
      am[k] -= h;
      double fd = (measure(ap, e0)[i] - measure(am, e0)[i]).item<double>() / (2 * h);
      EXPECT_NEAR(grads[0][k].item<double>(), fd, 1e-6 + 1e-5 * std::abs(fd)) << m->infos()[static_cast<std::size_t>(i)].id << " identity " << k;
    }
    for (long j : {10L, 26L, 45L}) {
      at::Tensor ep = e0.clone(), em = e0.clone();
      ep[j] += h;
      em[j] -= h;
      double fd = (measure(a0, ep)[i] - measure(a0, em)[i]).item<double>() / (2 * h);
      EXPECT_NEAR(grads[1][j].item<double>(), fd, 1e-6 + 1e-5 * std::abs(fd)) << m->infos()[static_cast<std::size_t>(i)].id << " expression " << j;
    }
  }
}

TEST(Measurements, SubsetComputationEqualsFull) {
  auto model = head_model();
  auto m = measurements();
  at::Tensor v = model->vertices(at::randn({3, 100}));
  at::Tensor full = m->compute(v);
  at::Tensor subset = m->compute_from_subset(v.index_select(1, m->required_vertices()));
  EXPECT_TRUE(at::allclose(full, subset));
  EXPECT_EQ(full.sizes(), (at::IntArrayRef{3, static_cast<long>(m->size())}));
}

TEST(Measurements, ExpressionsMoveWhatTheyShould) {
  auto model = head_model();
  auto m = measurements();
  at::Tensor neutral = m->compute(model->neutral());
  at::Tensor e = model->zero_expression();
  e[model->expression_index("eyeBlink_L")] = 1.0f;
  e[model->expression_index("eyeBlink_R")] = 1.0f;
  at::Tensor blink = m->compute(model->vertices(model->zero_identity(), e));
  EXPECT_LT(blink[m->index("eye_height")].item<float>(), 0.5f * neutral[m->index("eye_height")].item<float>());
  e.zero_();
  e[model->expression_index("mouthSmile_L")] = 1.0f;
  e[model->expression_index("mouthSmile_R")] = 1.0f;
  at::Tensor smile = m->compute(model->vertices(model->zero_identity(), e));
  EXPECT_GT(smile[m->index("mouth_width")].item<float>(), neutral[m->index("mouth_width")].item<float>() + 0.3f);
}

TEST(Population, RegressionDirectionsMoveTheirMeasurement) {
  auto model = head_model();
  auto m = measurements();
  auto pop = face::Population::load_default();
  at::Tensor base = m->compute(model->neutral());
  for (std::size_t i = 0; i < m->size(); ++i) {
    const std::string& id = m->infos()[i].id;
    const auto& s = pop->stats(id);
    at::Tensor dir = pop->direction(id);
    double slope_norm = at::tensor(s.slope, at::kDouble).norm().item<double>();
    for (double t : {-1.5, 1.5}) {
      double moved = m->compute(model->vertices(dir * t))[static_cast<long>(i)].item<double>() - base[static_cast<long>(i)].item<double>();
      // Moves the way the sign says, by about the predicted amount.
      EXPECT_GT(moved * t, 0.0) << id;
      EXPECT_NEAR(moved, slope_norm * t, 0.25 * slope_norm * std::abs(t) + 0.02 * s.sd) << id;
    }
    // Along the direction the measurement moves far more than along a random orthogonal one.
    EXPECT_GT(slope_norm, 0.5 * s.sd) << id;
  }
}

TEST(Population, AnswersPercentileQuestions) {
  auto model = head_model();
  auto m = measurements();
  auto pop = face::Population::load_default();
  EXPECT_EQ(pop->identity_count(), 100);
  EXPECT_GE(pop->sample_count(), 10000);
  for (const char* id : {"nose_width", "jaw_width", "lip_thickness", "face_aspect", "eye_distance"}) {
    for (double pct : {10.0, 50.0, 90.0}) {
      double value = pop->value_at(id, pct);
      EXPECT_NEAR(pop->percentile_of(id, value), pct, 0.5) << id;
      at::Tensor identity = pop->identity_for(id, model->zero_identity(), value);
      double reached = m->compute(model->vertices(identity))[m->index(id)].item<double>();
      EXPECT_NEAR(reached, value, 0.1 * pop->stats(id).sd) << id << " at " << pct;
      EXPECT_NEAR(pop->percentile_of(id, reached), pct, 6.0) << id;
    }
  }
  EXPECT_LT(pop->value_at("nose_width", 10), pop->value_at("nose_width", 90));
  EXPECT_THROW(pop->stats("nose_colour"), InputError);
}

TEST(Population, RecomputedStatisticsAgreeWithTheResource) {
  auto model = head_model();
  auto m = measurements();
  auto stored = face::Population::load_default();
  face::Population fresh = face::Population::compute(*model, *m, 4000, 99);
  for (const auto& s : fresh.all()) {
    const auto& t = stored->stats(s.id);
    EXPECT_NEAR(s.mean, t.mean, 0.08 * t.sd) << s.id;
    EXPECT_NEAR(s.sd, t.sd, 0.08 * t.sd) << s.id;
    EXPECT_NEAR(s.percentiles[90], t.percentiles[90], 0.15 * t.sd) << s.id;
  }
  // Deterministic for a seed.
  face::Population again = face::Population::compute(*model, *m, 4000, 99);
  EXPECT_EQ(again.all()[0].percentiles, fresh.all()[0].percentiles);
}

TEST(Measurements, MalformedDefinitionsAreRejected) {
  auto dir = std::filesystem::temp_directory_path() / "likeness_measure_test";
  std::filesystem::create_directories(dir);
  auto expect_error = [&](const std::string& json, const std::string& needle) {
    auto path = dir / "m.json";
    write_file_atomic(path, json);
    try {
      face::Measurements::load(head_model(), path);
      ADD_FAILURE() << "accepted: " << json;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    }
  };
  expect_error(R"({"measurements": [{"id": "a", "type": "distance", "points": ["lm1"]}]})", "'a'");
  expect_error(R"({"measurements": [{"id": "a", "type": "distance", "points": ["lm1", "lm99"]}]})", "lm99");
  expect_error(R"({"measurements": [{"id": "a", "type": "distance", "points": ["lm1", "v999999"]}]})", "v999999");
  expect_error(R"({"measurements": [{"id": "a", "type": "volume", "points": []}]})", "volume");
  expect_error(R"({"measurements": [{"id": "a", "type": "ratio", "of": ["a", "a"]}]})", "itself");
  expect_error(R"({"measurements": [{"id": "a", "type": "mean", "of": ["b"]}]})", "'b'");
  expect_error(R"({"measurements": [{"id": "a", "type": "offset", "axis": "w", "points": ["lm1", "lm2"]}]})", "axis");
  expect_error(R"({"measurements": [{"id": "a", "type": "distance", "points": ["lm1", "lm2"]},
                                    {"id": "a", "type": "distance", "points": ["lm1", "lm2"]}]})", "twice");
}
