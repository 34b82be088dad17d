// The prompt parser: input limits, spans, degree and negation arithmetic, edits, attention,
// warnings and the JSON/table reports. The corpora (corpus_test.cpp) cover breadth; these pin
// down the rules.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "engine/core/error.h"
#include "engine/text/prompt_parser.h"

namespace likeness::text {
namespace {

const PromptParser& parser() { return PromptParser::default_parser(); }
ParseResult parse(const std::string& s) { return parser().parse(s); }
ParseResult parse_edit(const std::string& s) {
  ParseOptions o;
  o.context = ParseOptions::Context::Edit;
  return parser().parse(s, o);
}

const Warning* find_warning(const ParseResult& r, Warning::Kind kind) {
  for (const Warning& w : r.warnings)
    if (w.kind == kind) return &w;
  return nullptr;
}

std::string at(const ParseResult& r, const Span& s) { return r.text.substr(s.offset, s.length); }

TEST(Parser, RejectsEmptyOverLongAndMalformedInput) {
  EXPECT_THROW(parse(""), InputError);
  EXPECT_THROW(parse("   \n\t "), InputError);
  EXPECT_THROW(parse("... !!! ,,,"), InputError);
  std::string long_text;
  for (int i = 0; i < 400; ++i) long_text += "nose ";  // 2000 code points
  EXPECT_NO_THROW(parse(long_text));
  try {
    parse(long_text + "x");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("2001"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("2000"), std::string::npos) << e.what();
  }
  // The limit counts code points, not bytes: 2000 CJK characters (6000 bytes) are accepted.
  std::string cjk;
  for (int i = 0; i < 2000; ++i) cjk += "\u6771";
  EXPECT_NO_THROW(parse(cjk));
  try {
    parse("big \xC3 nose");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("byte 4"), std::string::npos) << e.what();
  }
}

TEST(Parser, DegreeWordsScaleLevels) {
  // big = z 1.0 (one standard deviation: a "small" nose is clearly below the 20th percentile);
  // very x1.5; extremely x1.8; slightly x0.5.
  EXPECT_NEAR(parse("big nose").measurement("nose_size")->z, 1.0, 1e-9);
  EXPECT_NEAR(parse("very big nose").measurement("nose_size")->z, 1.5, 1e-9);
  EXPECT_NEAR(parse("very big nose").measurement("nose_size")->percentile, 93.3, 0.1);
  EXPECT_NEAR(parse("extremely big nose").measurement("nose_size")->z, 1.8, 1e-9);
  EXPECT_NEAR(parse("slightly big nose").measurement("nose_size")->z, 0.5, 1e-9);
  EXPECT_NEAR(parse("small nose").measurement("nose_size")->percentile, 100 - 84.1, 0.1);
  EXPECT_NEAR(parse("medium nose").measurement("nose_size")->percentile, 50, 1e-9);
  // Degrees multiply, and the result is limited to |z| <= 2.5.
  EXPECT_NEAR(parse("extremely extremely huge nose").measurement("nose_size")->z, 2.5, 1e-9);
  EXPECT_NEAR(parse("biggest nose").measurement("nose_size")->z, 1.0 * 1.6, 1e-9);
}

TEST(Parser, NegationLeansTheOtherWayWithLessWeight) {
  const auto r = parse("her nose is not too wide");
  const auto* m = r.measurement("nose_width");
  ASSERT_NE(m, nullptr);
  EXPECT_NEAR(m->z, -0.3, 1e-9);
  EXPECT_NEAR(m->weight, 0.6, 1e-9);
  EXPECT_EQ(m->source.phrase, "nose is not too wide");
  EXPECT_NEAR(parse("no freckles").appearance_target("skin.freckles")->value, 0, 1e-12);
  EXPECT_NEAR(parse("a man without a beard or a moustache").appearance_target("moustache.coverage")->value, 0, 1e-12);
  const auto smile = parse("she is not smiling");
  EXPECT_NEAR(smile.expression("mouthSmile_L")->value, 0, 1e-12);
}

TEST(Parser, CoordinationAttachesEveryAdjective) {
  const auto r = parse("He has big and black eyes.");
  EXPECT_GT(r.measurement("eye_width")->percentile, 70);
  EXPECT_EQ(r.appearance_target("iris.color")->color_name, "black");
  EXPECT_EQ(r.measurement("eye_width")->source.phrase, "big and black eyes");
  EXPECT_EQ(r.appearance_target("iris.color")->source.phrase, "black eyes");
  const auto p = parse("His face is square and medium.");
  EXPECT_GT(p.measurement("jaw_cheek_ratio")->percentile, 75);
  EXPECT_NEAR(p.measurement("face_size")->percentile, 50, 1e-9);
}

TEST(Parser, EditsAreDeltasUnlessAbsolute) {
  const auto r = parse("make the nose smaller");
  ASSERT_EQ(r.instructions.size(), 1u);
  EXPECT_TRUE(r.instructions[0].edit);
  const auto* m = r.measurement("nose_size");
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->delta);
  EXPECT_NEAR(m->delta_sd, -0.7 * 1.0, 1e-9);
  EXPECT_NEAR(parse("make the nose slightly smaller").measurement("nose_size")->delta_sd, -0.7 * 1.0 * 0.5, 1e-9);
  EXPECT_NEAR(parse("widen the jaw slightly").measurement("jaw_width")->delta_sd, 0.7 * 0.5, 1e-9);
  // A colour in an edit is absolute.
  const auto eyes = parse("give him blue eyes");
  EXPECT_TRUE(eyes.edit());
  EXPECT_FALSE(eyes.appearance_target("iris.color")->delta);
  EXPECT_EQ(to_hex(*eyes.appearance_target("iris.color")->color), "#5b87b8");
  // A stated number of years is a change of skin.age by exactly that.
  const auto older = parse("make her look 20 years older");
  EXPECT_TRUE(older.appearance_target("skin.age")->delta);
  EXPECT_NEAR(older.appearance_target("skin.age")->value, 20, 1e-9);
  EXPECT_NEAR(parse("make him 10 years younger").appearance_target("skin.age")->value, -10, 1e-9);
}

TEST(Parser, DescriptionsAreNotEdits) {
  const auto r = parse("This middle-aged man is a westerner. He has a dense and black beard.");
  EXPECT_FALSE(r.edit());
  EXPECT_EQ(r.instructions.size(), 2u);
  EXPECT_EQ(r.subject.sex, "male");
  ASSERT_TRUE(r.subject.age);
  EXPECT_NEAR(*r.subject.age, 48, 1e-9);
  EXPECT_EQ(r.subject.ancestry, std::vector<std::string>{"european"});
  EXPECT_NEAR(r.appearance_target("beard.coverage")->value, 1, 1e-12);
  EXPECT_EQ(r.appearance_target("beard.coverage")->source.instruction, 1);
}

TEST(Parser, ComparisonsWithTheNormDescribe) {
  // "than average" compares with the population: a description at 0.7 of the plain adjective,
  // attached to the noun whether it comes before or after the phrase.
  for (const char* text : {"a nose bigger than average", "a bigger than average nose", "her nose is bigger than usual",
                           "a man with a bigger than normal nose"}) {
    const auto r = parse(text);
    EXPECT_FALSE(r.edit()) << text;
    const auto* m = r.measurement("nose_size");
    ASSERT_NE(m, nullptr) << text;
    EXPECT_FALSE(m->delta) << text;
    EXPECT_NEAR(m->z, parse("a big nose").measurement("nose_size")->z * 0.7, 1e-9) << text;
  }
  EXPECT_LT(parse("a nose smaller than most").measurement("nose_size")->z, -0.5);
  // The adjective before "than usual" reaches the noun after it, not the part named earlier.
  const auto two = parse("a nose bigger than average and a wider than usual mouth");
  ASSERT_NE(two.measurement("mouth_width"), nullptr);
  EXPECT_GT(two.measurement("mouth_width")->z, 0.5);
  EXPECT_EQ(two.measurement("nose_width"), nullptr);
  // Compared with the face as it was, it stays a change.
  const auto before = parse("make the nose bigger than before");
  EXPECT_TRUE(before.edit());
  EXPECT_TRUE(before.measurement("nose_size")->delta);
  EXPECT_NEAR(before.measurement("nose_size")->delta_sd, 0.7, 1e-9);
}

TEST(Parser, AgesFromNumbersAndWords) {
  auto age = [](const std::string& s) {
    const auto r = parse(s);
    return r.subject.age ? *r.subject.age : -1.0;
  };
  EXPECT_EQ(age("a woman in her 40s"), 45);
  EXPECT_EQ(age("a woman in her early forties"), 42);
  EXPECT_EQ(age("a man in his late twenties"), 28);
  EXPECT_EQ(age("a 35-year-old man"), 35);
  EXPECT_EQ(age("a man, 35"), 35);
  EXPECT_EQ(age("aged 61"), 61);
  EXPECT_EQ(age("twenty five years old"), 25);
  EXPECT_EQ(age("an old man"), 70);
  EXPECT_EQ(age("a very old man"), 35 + 35 * 1.5);
  EXPECT_EQ(age("a boy"), 10);
  EXPECT_EQ(age("an 80-year-old grandmother"), 80);  // the stated age beats the noun's typical one
  // Outside what skin.age covers: clamped, with a warning.
  const auto baby = parse("a 2 year old baby");
  EXPECT_EQ(*baby.subject.age, 5);
  EXPECT_NE(find_warning(baby, Warning::Kind::Clamped), nullptr);
}

TEST(Parser, ColoursUseTheirDomainShade) {
  const auto r = parse("red hair, red lips, black eyes, hazel-green eyes");
  EXPECT_EQ(to_hex(*r.appearance_target("hair.color")->color), "#9c3a1f");  // red hair is copper
  EXPECT_GT(r.appearance_target("lips.redness")->value, 0.8);               // red lips: natural pigment
  const auto eyes = parse("dark brown eyes");
  EXPECT_EQ(eyes.appearance_target("iris.color")->color_name, "dark brown");
  const auto mixed = parse("hazel-green eyes");
  EXPECT_EQ(mixed.appearance_target("iris.color")->color_name, "hazel green");
  const auto dark = parse("dark green eyes");  // a modifier darkens the vocabulary shade
  EXPECT_EQ(dark.appearance_target("iris.color")->color_name, "dark green");
  EXPECT_LT(lightness(*dark.appearance_target("iris.color")->color),
            lightness(*parse("green eyes").appearance_target("iris.color")->color));
}

TEST(Parser, SpansPointIntoTheInput) {
  const std::string text = "Cafe\u0301 owner \U0001F600 with a very big nose";
  const auto r = parse(text);
  const auto* m = r.measurement("nose_size");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(at(r, m->source.span), "very big nose");
  for (const Warning& w : r.warnings) EXPECT_EQ(at(r, w.span), w.word);
  const auto* unknown = find_warning(r, Warning::Kind::UnknownWord);
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->span.offset, 0u);
  EXPECT_EQ(unknown->word, "Cafe\u0301");
  for (const TokenAttention& t : r.tokens) EXPECT_EQ(at(r, t.span), t.text);
}

TEST(Parser, AttentionPerTokenAndInstruction) {
  const auto r = parse("thin lips. freckles on the nose");
  ASSERT_EQ(r.instructions.size(), 2u);
  const TokenAttention* lips = nullptr;
  const TokenAttention* the = nullptr;
  for (const auto& t : r.tokens) {
    if (t.text == "lips") lips = &t;
    if (t.text == "the") the = &t;
  }
  ASSERT_NE(lips, nullptr);
  EXPECT_EQ(lips->regions.at("lips"), 1.0);
  EXPECT_EQ(lips->regions.at("mouth_corners"), 0.5);
  EXPECT_TRUE(the->regions.empty());
  EXPECT_EQ(r.instructions[0].attention.at("lips"), 1.0);
  EXPECT_EQ(r.instructions[0].attention.count("nose"), 0u);
  EXPECT_EQ(r.instructions[1].attention.at("nose"), 1.0);
  EXPECT_EQ(r.instructions[1].attention.at("cheeks"), 1.0);
  EXPECT_EQ(r.attention().at("lips"), 1.0);
}

TEST(Parser, WarningsNameWordsAndContradictionsBothPhrases) {
  const auto r = parse("a bearded man with no beard and glasses, plus a zorbly chin");
  const auto* c = find_warning(r, Warning::Kind::Contradiction);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->word, "no beard");
  ASSERT_TRUE(c->other);
  EXPECT_EQ(c->other_word, "bearded man");
  const auto* u = find_warning(r, Warning::Kind::Unsupported);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->word, "glasses");
  const auto* k = find_warning(r, Warning::Kind::UnknownWord);
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->word, "zorbly");
  EXPECT_EQ(r.text.substr(k->span.offset, k->span.length), "zorbly");
  // Suggestions for misspellings.
  const auto typo = parse("big noze");
  EXPECT_NE(find_warning(typo, Warning::Kind::UnknownWord)->message.find("nose"), std::string::npos);
  // An adjective that fits nothing is reported, not dropped.
  EXPECT_NE(find_warning(parse("a sparse chin"), Warning::Kind::Unattached), nullptr);
}

TEST(Parser, PronounsInEditsAddNoPriors) {
  const auto description = parse("she has blue eyes");
  EXPECT_EQ(description.subject.sex, "female");
  EXPECT_NE(description.measurement("jaw_width"), nullptr);
  EXPECT_TRUE(description.measurement("jaw_width")->source.prior);
  const auto edit = parse_edit("she has blue eyes");
  EXPECT_TRUE(edit.edit());
  EXPECT_EQ(edit.measurement("jaw_width"), nullptr);
  EXPECT_EQ(parse("give her blue eyes").measurement("jaw_width"), nullptr);
}

TEST(Parser, ExplicitWordsOverridePriors) {
  const auto r = parse("an old woman with full lips");
  const auto* lips = r.measurement("lip_thickness");
  ASSERT_NE(lips, nullptr);
  EXPECT_FALSE(lips->source.prior);
  EXPECT_GT(lips->percentile, 75);
  int count = 0;
  for (const auto& m : r.measurements) count += m.id == "lip_thickness" && !m.delta;
  EXPECT_EQ(count, 1);
}

TEST(Parser, ExpressionsMapToIctShapes) {
  const auto r = parse("a big smile");
  EXPECT_GT(r.expression("mouthSmile_L")->value, 0.7);
  EXPECT_EQ(r.expression("mouthSmile_L")->value, r.expression("mouthSmile_R")->value);
  const auto neutral = parse("neutral expression");
  EXPECT_EQ(neutral.expressions.size(), 53u);
  for (const auto& e : neutral.expressions) EXPECT_EQ(e.value, 0);
  const auto more = parse("smile more");
  EXPECT_TRUE(more.edit());
  EXPECT_TRUE(more.expression("mouthSmile_L")->delta);
  int smiles = 0;
  for (const auto& e : more.expressions) smiles += e.name == "mouthSmile_L";
  EXPECT_EQ(smiles, 1);  // only the change, no absolute smile
}

TEST(Parser, AnyUtf8IsHandled) {
  for (const std::string s : {"\u7b11\u9854\u306e\u5973\u6027", "\U0001F600\U0001F600\U0001F600", "\u0416\u0435\u043d\u0449\u0438\u043d\u0430",
                              "\u202e\u0645\u0631\u062d\u0628\u0627", "a\u0301\u0302\u0303", "\U0001F468\u200D\U0001F469\u200D\U0001F467",
                              "\uFFFD\uFFFD", "\U000E0041 tag"}) {
    ParseResult r;
    ASSERT_NO_THROW(r = parse(s)) << s;
    for (const Warning& w : r.warnings) EXPECT_EQ(at(r, w.span), w.word);
  }
}

TEST(Parser, ReportsAsJsonAndTable) {
  const auto r = parse("very big nose, blue eyes, smiling. Make the lips fuller.");
  const nlohmann::json j = to_json(r);
  EXPECT_EQ(j["mode"], "edit");
  EXPECT_EQ(j["instructions"].size(), 2u);
  EXPECT_EQ(j["instructions"][1]["mode"], "edit");
  bool found = false;
  for (const auto& m : j["measurements"])
    if (m["id"] == "nose_size") {
      found = true;
      EXPECT_EQ(m["kind"], "percentile");
      EXPECT_NEAR(m["percentile"].get<double>(), 93.3, 0.05);
      EXPECT_EQ(m["source"]["phrase"], "very big nose");
    }
  EXPECT_TRUE(found);
  for (const auto& a : j["appearance"]) {
    if (a["id"] == "iris.color") {
      EXPECT_EQ(a["hex"], "#5b87b8");
    }
  }
  EXPECT_TRUE(j["tokens"].is_array());
  EXPECT_TRUE(j["attention"].contains("nose"));
  const std::string table = to_table(r);
  EXPECT_NE(table.find("nose_size"), std::string::npos);
  EXPECT_NE(table.find("P93"), std::string::npos);
  EXPECT_NE(table.find("lip_thickness"), std::string::npos);
  EXPECT_NE(table.find("+0.63 sd"), std::string::npos);  // "fuller": 0.7 x 0.9
  EXPECT_NE(table.find("mouthSmile_L"), std::string::npos);
}

}  // namespace
}  // namespace likeness::text
