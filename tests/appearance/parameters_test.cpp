#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <set>

#include <nlohmann/json.hpp>

#include "engine/appearance/parameters.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"

using namespace likeness;
using namespace likeness::appearance;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(AppearanceSchema, HoldsExactlyTheVocabularyIds) {
  auto schema = AppearanceSchema::load_default();
  // The ids agreed in docs/attributes.md, in the lexicon's order.
  Json lexicon = load_json_file(resource_dir() / "lexicon/attributes.json");
  std::vector<std::string> expected;
  for (const auto& [id, spec] : lexicon["appearance"].items()) expected.push_back(id);
  std::vector<std::string> names = schema->names();
  std::set<std::string> a(names.begin(), names.end()), b(expected.begin(), expected.end());
  EXPECT_EQ(a, b);
  EXPECT_EQ(names.size(), 42u);
  EXPECT_EQ(schema->size(), 32 + 3 * 10);
  EXPECT_EQ(schema->entry_names().size(), static_cast<std::size_t>(schema->size()));
  EXPECT_EQ(schema->spec("skin.age").min, 5.0f);
  EXPECT_EQ(schema->spec("skin.age").max, 95.0f);
  EXPECT_EQ(schema->spec("skin.age").unit, "years");
  EXPECT_TRUE(schema->spec("iris.color").is_color());
  const int iris = schema->offset("iris.color");
  EXPECT_EQ(schema->entry_names()[static_cast<std::size_t>(iris) + 1], "iris.color.g");
  // Ranges and defaults agree with the lexicon.
  for (const auto& [id, spec] : lexicon["appearance"].items()) {
    const ParameterSpec& s = schema->spec(id);
    if (spec.contains("range")) {
      EXPECT_EQ(s.min, spec["range"][0].get<float>()) << id;
      EXPECT_EQ(s.max, spec["range"][1].get<float>()) << id;
      EXPECT_EQ(s.default_value[0], spec["default"].get<float>()) << id;
    } else {
      EXPECT_EQ(to_hex(s.default_value), spec["rgb"].get<std::string>()) << id;
    }
    EXPECT_FALSE(s.regions.empty()) << id;
    EXPECT_FALSE(s.unit.empty()) << id;
  }
}

TEST(AppearanceSchema, UnknownIdsGetSuggestions) {
  auto schema = AppearanceSchema::load_default();
  const std::string e = error_of([&] { schema->index("skin.melanine"); });
  EXPECT_TRUE(contains(e, "skin.melanine")) << e;
  EXPECT_TRUE(contains(e, "skin.melanin")) << e;
  EXPECT_FALSE(schema->contains("elbow.hair"));
}

TEST(AppearanceSchema, MalformedSchemasNameTheField) {
  auto bad = [](const std::string& text) { return error_of([&] { AppearanceSchema::parse(text, "test.json"); }); };
  EXPECT_TRUE(contains(bad("{"), "test.json"));
  EXPECT_TRUE(contains(bad(R"({"parameters": [{"id": "a", "kind": "scalar", "range": [1, 0], "default": 0}]})"), "parameters.a.range"));
  EXPECT_TRUE(contains(bad(R"({"parameters": [{"id": "a", "kind": "scalar", "range": [0, 1], "default": 3}]})"), "parameters.a.default"));
  EXPECT_TRUE(contains(bad(R"({"parameters": [{"id": "a", "kind": "colour", "default": "#000000"}]})"), "parameters.a.kind"));
  EXPECT_TRUE(contains(bad(R"({"parameters": [{"id": "a", "kind": "color", "default": "#00"}]})"), "parameters.a.default"));
  EXPECT_TRUE(contains(bad(R"({"parameters": [{"id": "a", "kind": "scalar", "range": [0, 1], "default": 0},
                                              {"id": "a", "kind": "scalar", "range": [0, 1], "default": 0}]})"),
                       "duplicate"));
  EXPECT_TRUE(contains(bad(R"({"parameters": [{"id": "a", "kind": "scalar", "range": [0, 1], "default": 0,
                                               "prior": {"normal": [0, 1], "when": {"b": [0, 1]}}}]})"),
                       "unknown parameter 'b'"));
  EXPECT_TRUE(contains(bad(R"({"parameters": [{"id": "a", "kind": "scalar", "range": [0, 1], "default": 0,
                                               "prior": {"when": {"b": [0, 1]}, "normal": [0, 1]}},
                                              {"id": "b", "kind": "scalar", "range": [0, 1], "default": 0,
                                               "prior": {"when": {"a": [0, 1]}, "normal": [0, 1]}}]})"),
                       "cycle"));
  EXPECT_TRUE(contains(bad(R"({"parameters": [{"id": "a", "kind": "scalar", "range": [0, 1], "default": 0,
                                               "prior": {"normal": [0, 1], "uniform": [0, 1]}}]})"),
                       "exactly one"));
}

TEST(AppearanceParams, GetSetAndDefaults) {
  AppearanceParams p;
  EXPECT_FLOAT_EQ(p.get("skin.melanin"), 0.25f);
  EXPECT_EQ(to_hex(p.get_color("iris.color")), "#5b3a1e");
  p.set("skin.age", 70.0f);
  EXPECT_FLOAT_EQ(p.get("skin.age"), 70.0f);
  p.set_color("hair.color", {0.9f, 0.8f, 0.1f});
  EXPECT_FLOAT_EQ(p.get_color("hair.color")[2], 0.1f);
  EXPECT_THROW(p.get("iris.color"), InputError);
  EXPECT_THROW(p.get_color("skin.age"), InputError);
  EXPECT_THROW(p.set("nope", 1.0f), InputError);
  // Setting on a tensor that needs gradients keeps autograd usable.
  p.values.requires_grad_(true);
  p.set("skin.age", 40.0f);
  EXPECT_FLOAT_EQ(p.get("skin.age"), 40.0f);
}

TEST(AppearanceParams, ValidateRejectsWithAClearMessageAndClampFixes) {
  AppearanceParams p;
  p.set("skin.age", 120.0f);
  const std::string e = error_of([&] { p.validate("face.json"); });
  EXPECT_TRUE(contains(e, "face.json")) << e;
  EXPECT_TRUE(contains(e, "'skin.age'")) << e;
  EXPECT_TRUE(contains(e, "120")) << e;
  EXPECT_TRUE(contains(e, "5..95")) << e;
  AppearanceParams c = p.clamped();
  EXPECT_FLOAT_EQ(c.get("skin.age"), 95.0f);
  EXPECT_NO_THROW(c.validate());
  p = AppearanceParams();
  p.set_color("iris.color", {0.2f, 1.5f, 0.1f});
  EXPECT_TRUE(contains(error_of([&] { p.validate(); }), "'iris.color' (green)"));
  p = AppearanceParams();
  p.set("brows.arch", std::nanf(""));
  EXPECT_TRUE(contains(error_of([&] { p.validate(); }), "not a finite number"));
  EXPECT_FLOAT_EQ(p.clamped().get("brows.arch"), 0.2f);  // the default
  EXPECT_THROW(AppearanceParams::from_tensor(AppearanceSchema::load_default(), at::zeros({3})), InputError);
}

TEST(AppearanceParams, JsonRoundTripIsExact) {
  AppearanceParams p = AppearanceParams::sample_prior(17);
  Json j = p.to_json();
  EXPECT_TRUE(j["iris.color"].is_array());
  AppearanceParams q = AppearanceParams::from_json(j);
  EXPECT_TRUE(at::equal(p.values, q.values));
  // Hex colours and missing parameters (defaults) are accepted.
  AppearanceParams h = AppearanceParams::from_json(Json{{"iris.color", "#4f6f9a"}, {"skin.age", 60}});
  EXPECT_EQ(to_hex(h.get_color("iris.color")), "#4f6f9a");
  EXPECT_FLOAT_EQ(h.get("skin.melanin"), 0.25f);
  EXPECT_TRUE(contains(error_of([] { AppearanceParams::from_json(Json{{"skin.agee", 3}}, "s.json"); }), "skin.age"));
  EXPECT_TRUE(contains(error_of([] { AppearanceParams::from_json(Json{{"skin.age", "old"}}, "s.json"); }), "'skin.age'"));
  EXPECT_TRUE(contains(error_of([] { AppearanceParams::from_json(Json{{"iris.color", "blue"}}, "s.json"); }), "'iris.color'"));
  EXPECT_TRUE(contains(error_of([] { AppearanceParams::from_json(Json{{"skin.age", 300}}, "s.json"); }), "out of range"));
}

TEST(AppearancePrior, DeterministicInRangeAndVaried) {
  for (std::uint64_t seed : {0ull, 1ull, 99ull}) {
    AppearanceParams a = AppearanceParams::sample_prior(seed), b = AppearanceParams::sample_prior(seed);
    EXPECT_TRUE(at::equal(a.values, b.values));
    EXPECT_NO_THROW(a.validate());
  }
  std::vector<float> melanin, age;
  int female = 0;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    AppearanceParams p = AppearanceParams::sample_prior(seed);
    ASSERT_NO_THROW(p.validate()) << seed;
    melanin.push_back(p.get("skin.melanin"));
    age.push_back(p.get("skin.age"));
    female += AppearanceParams::sampled_sex(seed) == Sex::Female;
  }
  EXPECT_LT(*std::min_element(melanin.begin(), melanin.end()), 0.1f);
  EXPECT_GT(*std::max_element(melanin.begin(), melanin.end()), 0.9f);
  EXPECT_LT(*std::min_element(age.begin(), age.end()), 25.0f);
  EXPECT_GT(*std::max_element(age.begin(), age.end()), 70.0f);
  EXPECT_GT(female, 70);
  EXPECT_LT(female, 130);
}

TEST(AppearancePrior, SexMarkersFollowTheHint) {
  int bearded_men = 0, women_with_makeup = 0;
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    AppearanceParams w = AppearanceParams::sample_prior(seed, Sex::Female);
    EXPECT_EQ(w.get("beard.coverage"), 0.0f);
    EXPECT_EQ(w.get("moustache.coverage"), 0.0f);
    EXPECT_EQ(w.get("stubble.coverage"), 0.0f);
    EXPECT_GT(w.get("hair.coverage"), 0.8f);
    women_with_makeup += w.get("makeup.lipstick.opacity") > 0 || w.get("makeup.eyeliner.opacity") > 0;
    AppearanceParams m = AppearanceParams::sample_prior(seed, Sex::Male);
    EXPECT_EQ(m.get("makeup.lipstick.opacity"), 0.0f);
    bearded_men += m.get("beard.coverage") > 0;
    // Freckles only on light skin; blond hair only on lighter skin.
    if (m.get("skin.melanin") > 0.45f) {
      EXPECT_EQ(m.get("skin.freckles"), 0.0f);
    }
  }
  EXPECT_GT(bearded_men, 20);
  EXPECT_LT(bearded_men, 70);
  EXPECT_GT(women_with_makeup, 30);
  EXPECT_EQ(parse_sex("Woman"), Sex::Female);
  EXPECT_EQ(parse_sex("m"), Sex::Male);
  EXPECT_TRUE(contains(error_of([] { parse_sex("robot"); }), "robot"));
}

TEST(AppearanceParams, HexHelpers) {
  EXPECT_EQ(to_hex({1.0f, 0.0f, 0.5f}), "#ff0080");
  EXPECT_EQ(to_hex({2.0f, -1.0f, std::nanf("")}), "#ff0000");
  auto c = parse_hex("#FF8000");
  ASSERT_TRUE(c);
  EXPECT_FLOAT_EQ((*c)[1], 128.0f / 255.0f);
  EXPECT_FALSE(parse_hex("#12345"));
  EXPECT_FALSE(parse_hex("#12345g"));
}
