// The lexicon data: it loads, it agrees with the face model's names, and errors in it are named.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"
#include "engine/text/color.h"
#include "engine/text/lexicon.h"
#include "engine/text/prompt_parser.h"

namespace likeness::text {
namespace {

namespace fs = std::filesystem;

const Lexicon& lex() { return *Lexicon::load_default(); }

/// A private copy of resources/lexicon to break or extend.
class LexiconCopy : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("likeness_lexicon_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::copy(require_resource("lexicon"), dir_, fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(dir_); }
  Json read(const std::string& file) { return load_json_file(dir_ / file); }
  void write(const std::string& file, const Json& j) { save_json_file(dir_ / file, j); }
  std::string load_error() {
    try {
      Lexicon::load(dir_);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

TEST(Lexicon, LoadsWithAllRoles) {
  EXPECT_GT(lex().phrases().size(), 1000u);
  EXPECT_GE(lex().features().size(), 30u);
  EXPECT_GE(lex().colors().size(), 50u);
  EXPECT_GE(lex().max_phrase_words(), 3);
  EXPECT_GE(lex().person_feature(), 0);
  const auto& roles = lex().roles("black");
  bool color = false;
  for (const Role& r : roles) color = color || r.kind == Role::Kind::Color;
  EXPECT_TRUE(color);
  EXPECT_TRUE(lex().roles("no such word").empty());
  EXPECT_EQ(normalize_phrase("Middle-Aged  \u2019Man"), "middle aged 'man");
}

TEST(Lexicon, NamesMatchTheFaceModelResources) {
  // Measurements and regions: the face model's own definitions.
  const Json measurements = load_json_file(require_resource("face/measurements.json"));
  std::set<std::string> ids;
  for (const auto& m : measurements["measurements"]) ids.insert(m["id"].get<std::string>());
  for (const std::string& id : lex().measurement_ids()) EXPECT_TRUE(ids.count(id)) << "measurement " << id;
  EXPECT_EQ(ids.size(), lex().measurement_ids().size());
  const Json regions = load_json_file(require_resource("face/regions.json"));
  std::set<std::string> names;
  for (const auto& r : regions["order"]) names.insert(r.get<std::string>());
  for (const auto& [g, members] : regions["groups"].items()) names.insert(g);
  for (const std::string& id : lex().region_ids()) EXPECT_TRUE(names.count(id)) << "region " << id;
}

TEST(Lexicon, AppearanceParametersMatchTheAppearanceModel) {
  // The lexicon's copy of the appearance parameters (ids, kinds, ranges, defaults) must agree with
  // the appearance model's definitions, both ways.
  const fs::path file = resource_dir() / "appearance" / "parameters.json";
  if (!fs::exists(file)) GTEST_SKIP() << file << " not present";
  const Json params = load_json_file(file);
  std::set<std::string> seen;
  for (const auto& p : params["parameters"]) {
    const std::string id = p["id"].get<std::string>();
    seen.insert(id);
    const auto it = lex().appearance().find(id);
    ASSERT_NE(it, lex().appearance().end()) << "parameter " << id << " is missing from the lexicon";
    const AppearanceParam& mine = it->second;
    if (p["kind"] == "color") {
      EXPECT_TRUE(mine.rgb) << id;
      const auto color = parse_hex_color(p["default"].get<std::string>());
      ASSERT_TRUE(color.has_value()) << id;
      EXPECT_EQ(to_hex(mine.default_color), to_hex(*color)) << id;
    } else {
      EXPECT_FALSE(mine.rgb) << id;
      EXPECT_DOUBLE_EQ(mine.min, p["range"][0].get<double>()) << id;
      EXPECT_DOUBLE_EQ(mine.max, p["range"][1].get<double>()) << id;
      EXPECT_DOUBLE_EQ(mine.default_value, p["default"].get<double>()) << id;
    }
  }
  for (const auto& [id, mine] : lex().appearance()) EXPECT_TRUE(seen.count(id)) << "lexicon parameter " << id << " is not in " << file;
}

TEST(Lexicon, ExpressionNamesAreTheIctShapes) {
  const Json indices = load_json_file(require_asset("ict-facekit/vertex_indices.json"));
  const auto ict = indices["expressions"].get<std::vector<std::string>>();
  EXPECT_EQ(ict, lex().expression_names());
  EXPECT_EQ(ict.size(), 53u);
}

TEST(Lexicon, EveryWordParsesWithoutUnknownWarnings) {
  // Each listed phrase, alone, is understood (no unknown-word warning), and nothing throws.
  int checked = 0;
  for (const std::string& phrase : lex().phrases()) {
    if (phrase.find_first_not_of(",&+/:;.!?") == std::string::npos) continue;  // punctuation only
    const ParseResult r = PromptParser::default_parser().parse(phrase);
    for (const Warning& w : r.warnings) EXPECT_NE(w.kind, Warning::Kind::UnknownWord) << phrase << ": " << w.message;
    ++checked;
  }
  EXPECT_GT(checked, 1000);
}

TEST_F(LexiconCopy, ASynonymIsADataEdit) {
  const std::string before = load_error();
  ASSERT_EQ(before, "");
  EXPECT_TRUE(Lexicon::load(dir_)->roles("conk").empty());
  Json features = read("features.json");
  features["features"]["nose"]["words"].push_back("conk");
  write("features.json", features);
  auto lexicon = Lexicon::load(dir_);
  PromptParser parser(lexicon);
  const ParseResult r = parser.parse("a big conk");
  ASSERT_NE(r.measurement("nose_size"), nullptr);
  EXPECT_GT(r.measurement("nose_size")->percentile, 70);
}

TEST_F(LexiconCopy, UnknownMeasurementIsNamed) {
  Json adjectives = read("features.json");
  adjectives["features"]["nose"]["dims"]["size"]["measurements"] = {"nose_siz"};
  write("features.json", adjectives);
  const std::string e = load_error();
  EXPECT_NE(e.find("features.json"), std::string::npos) << e;
  EXPECT_NE(e.find("nose_siz"), std::string::npos) << e;
  EXPECT_NE(e.find("nose_size"), std::string::npos) << e;  // the suggestion
}

TEST_F(LexiconCopy, UnknownRegionParameterExpressionAndColourAreNamed) {
  Json f = read("features.json");
  f["features"]["nose"]["regions"]["nostril_hair"] = 1.0;
  write("features.json", f);
  EXPECT_NE(load_error().find("nostril_hair"), std::string::npos);
  fs::remove_all(dir_);
  SetUp();
  Json e = read("expressions.json");
  e["expressions"]["smile"]["weights"][0]["x"] = "mouthSmile_X";
  write("expressions.json", e);
  EXPECT_NE(load_error().find("mouthSmile_X"), std::string::npos);
  fs::remove_all(dir_);
  SetUp();
  Json p = read("people.json");
  p["ancestries"]["european"]["bundle"][0]["a"] = "skin.melanine";
  write("people.json", p);
  EXPECT_NE(load_error().find("skin.melanine"), std::string::npos);
  fs::remove_all(dir_);
  SetUp();
  Json b = read("features.json");
  b["features"]["hair"]["overrides"]["dark"][0]["color"] = "dark mauvish";
  write("features.json", b);
  EXPECT_NE(load_error().find("dark mauvish"), std::string::npos);
}

TEST_F(LexiconCopy, MalformedValuesAreNamed) {
  Json a = read("adjectives.json");
  a["adjectives"]["big"]["senses"][0]["dim"] = "bigness";
  write("adjectives.json", a);
  EXPECT_NE(load_error().find("bigness"), std::string::npos);
  fs::remove_all(dir_);
  SetUp();
  Json c = read("colors.json");
  c["colors"]["blue"]["rgb"] = "#12345";
  write("colors.json", c);
  EXPECT_NE(load_error().find("colors.blue.rgb"), std::string::npos);
  fs::remove_all(dir_);
  SetUp();
  write_file_atomic(dir_ / "verbs.json", "{ \"verbs\": [ ");
  EXPECT_NE(load_error().find("verbs.json"), std::string::npos);
  fs::remove(dir_ / "people.json");
  EXPECT_NE(load_error().find("people.json"), std::string::npos);
}

}  // namespace
}  // namespace likeness::text
