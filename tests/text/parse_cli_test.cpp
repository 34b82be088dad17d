// `likeness parse`: the table, --json, --edit, stdin, the errors and exit codes, and (with the ICT
// assets) the region coverage and the --maps files. Runs the built binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/cli/run_command.h"

namespace {

namespace fs = std::filesystem;
using likeness::test::likeness_bin;
using likeness::test::run_command;
using Json = nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Json parse_json(const std::string& args) {
  const auto r = run_command(likeness_bin() + " parse --json " + args);
  EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
  try {
    return Json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << args << ": not JSON: " << e.what() << "\n" << r.out;
    return Json::object();
  }
}

const Json* find_id(const Json& list, const std::string& key, const std::string& id) {
  for (const Json& item : list)
    if (item.value(key, "") == id) return &item;
  return nullptr;
}

TEST(ParseCli, TableShowsTargetsAttentionAndWarnings) {
  const auto r = run_command(likeness_bin() + " parse --no-regions 'old woman, round face, thin lips, freckles, zorblax'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* part : {"Mode: description", "sex: female", "Measurements", "face_aspect", "lip_thickness",
                           "Appearance", "skin.freckles", "Attention", "Warnings", "unknown_word", "zorblax"})
    EXPECT_TRUE(contains(r.out, part)) << part << "\n" << r.out;
  EXPECT_FALSE(contains(r.out, "Coverage")) << "--no-regions skips the head model";
}

TEST(ParseCli, JsonHasTargetsSpansAttentionAndWarnings) {
  const std::string text = "a very big nose and no beard, glasses";
  const Json j = parse_json("--no-regions '" + text + "'");
  ASSERT_TRUE(j.contains("measurements"));
  const Json* nose = find_id(j["measurements"], "id", "nose_size");
  ASSERT_NE(nose, nullptr) << j.dump(1);
  EXPECT_GT((*nose)["percentile"].get<double>(), 85);
  const Json span = (*nose)["source"]["span"];
  EXPECT_EQ(text.substr(span[0].get<std::size_t>(), span[1].get<std::size_t>()), "very big nose");
  const Json* beard = find_id(j["appearance"], "id", "beard.coverage");
  ASSERT_NE(beard, nullptr);
  EXPECT_EQ((*beard)["value"].get<double>(), 0.0);
  ASSERT_EQ(j["instructions"].size(), 1u);
  EXPECT_GE(j["instructions"][0]["attention"]["nose"].get<double>(), 0.9);
  bool unsupported = false;
  for (const Json& w : j["warnings"]) unsupported = unsupported || w.value("word", "") == "glasses";
  EXPECT_TRUE(unsupported) << j["warnings"].dump(1);
  EXPECT_FALSE(j["tokens"].empty());
}

TEST(ParseCli, EditFlagAndStandardInput) {
  // "bigger nose" is an edit by itself; --edit makes a plain statement one too.
  const Json edit = parse_json("--no-regions --edit 'blue eyes'");
  EXPECT_EQ(edit["instructions"][0]["mode"], "edit");
  const auto r = run_command("printf 'make the nose smaller' | " + likeness_bin() + " parse --no-regions --json -");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = Json::parse(r.out);
  const Json* nose = find_id(j["measurements"], "id", "nose_size");
  ASSERT_NE(nose, nullptr);
  EXPECT_EQ((*nose)["kind"], "delta");
  EXPECT_LT((*nose)["delta_sd"].get<double>(), -0.3);
}

TEST(ParseCli, BadInputIsAClearErrorWithExitCode3) {
  auto empty = run_command(likeness_bin() + " parse --no-regions ''");
  EXPECT_EQ(empty.exit_code, 3);
  EXPECT_TRUE(contains(empty.err, "empty")) << empty.err;
  auto long_text = run_command(likeness_bin() + " parse --no-regions " + std::string(2001, 'a'));
  EXPECT_EQ(long_text.exit_code, 3);
  EXPECT_TRUE(contains(long_text.err, "2000")) << long_text.err;
  auto bad_utf8 = run_command("printf 'abc\\377' | " + likeness_bin() + " parse --no-regions -");
  EXPECT_EQ(bad_utf8.exit_code, 3);
  EXPECT_TRUE(contains(bad_utf8.err, "UTF-8")) << bad_utf8.err;
  auto two = run_command(likeness_bin() + " parse big nose");
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_TRUE(contains(two.err, "quote")) << two.err;
  // CJK and emoji are fine: unknown words, no error.
  auto cjk = run_command(likeness_bin() + " parse --no-regions '\xe7\xac\x91\xe9\xa1\x94 \xf0\x9f\x98\x80 big nose'");
  EXPECT_EQ(cjk.exit_code, 0) << cjk.err;
  EXPECT_TRUE(contains(cjk.out, "unknown_word")) << cjk.out;
}

TEST(ParseCli, CoverageAndMapsWithTheHeadModel) {
  const Json j = parse_json("'make the nose smaller. add freckles'");
  ASSERT_EQ(j["instructions"].size(), 2u);
  if (!j["instructions"][0].contains("coverage")) GTEST_SKIP() << "ICT assets not installed";
  const double nose = j["instructions"][0]["coverage"]["fraction"].get<double>();
  const double freckles = j["instructions"][1]["coverage"]["fraction"].get<double>();
  EXPECT_GT(nose, 0.0);
  EXPECT_LT(nose, 0.1) << "the nose is a small part of the head";
  EXPECT_GT(freckles, nose) << "freckles cover cheeks, nose and forehead";

  const fs::path dir = fs::temp_directory_path() / ("likeness_parse_maps_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const auto r = run_command(likeness_bin() + " parse --json --resolution 64 --maps '" + dir.string() +
                             "' 'make the nose smaller. add freckles'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json maps = Json::parse(r.out)["maps"];
  EXPECT_GE(maps.size(), 3u);  // the vertex maps and at least one UV image per instruction
  for (const Json& f : maps) EXPECT_GT(fs::file_size(f.get<std::string>()), 0u) << f;
  EXPECT_TRUE(fs::exists(dir / "attention_vertex_maps.safetensors"));
  EXPECT_TRUE(fs::exists(dir / "instruction_0_tile0.png"));
  EXPECT_TRUE(fs::exists(dir / "instruction_1_tile0.png"));
  fs::remove_all(dir);
}

}  // namespace
