#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "tests/cli/run_command.h"
#include "tests/face/synthetic_ict.h"

using likeness::test::likeness_bin;
using likeness::test::run_command;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  return dir;
}
}  // namespace

TEST(Cli, OverviewAndHelpEverywhere) {
  auto r = run_command(likeness_bin() + " --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* c : {"info", "sample", "stats", "regions", "assets"}) EXPECT_NE(r.out.find(c), std::string::npos) << c;
  // Every registered command answers --help with its usage and exit 0.
  for (const char* c : {"info", "sample", "stats", "stats generate", "regions", "assets", "assets import-ict"}) {
    auto h = run_command(likeness_bin() + " " + c + " --help");
    EXPECT_EQ(h.exit_code, 0) << c;
    EXPECT_NE(h.out.find(std::string("Usage: likeness ") + c), std::string::npos) << c << ": " << h.out;
  }
  EXPECT_EQ(run_command(likeness_bin()).exit_code, 2);
}

TEST(Cli, ExitCodesMeanSomething) {
  auto unknown = run_command(likeness_bin() + " smaple");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("sample"), std::string::npos) << "suggests the near command";
  auto bad_option = run_command(likeness_bin() + " sample --seeds 3 --out /tmp/x");
  EXPECT_EQ(bad_option.exit_code, 2);
  EXPECT_NE(bad_option.err.find("--seeds"), std::string::npos);
  auto bad_value = run_command(likeness_bin() + " sample --seed banana --out /tmp/x");
  EXPECT_EQ(bad_value.exit_code, 2);
  EXPECT_NE(bad_value.err.find("banana"), std::string::npos);
  // Bad input: a folder that is not an ICT FaceXModel folder.
  fs::path empty = temp_dir("likeness_cli_empty");
  fs::create_directories(empty);
  auto bad_input = run_command(likeness_bin() + " assets import-ict '" + empty.string() + "' --out /tmp/likeness_cli_out");
  EXPECT_EQ(bad_input.exit_code, 3);
  EXPECT_NE(bad_input.err.find("generic_neutral_mesh.obj"), std::string::npos);
  // Missing asset: search only an empty folder.
  auto missing = run_command(likeness_bin() + " info", "LIKENESS_ASSETS='" + empty.string() + "' LIKENESS_ASSETS_ONLY=1");
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("ict-facekit"), std::string::npos);
  EXPECT_NE(missing.err.find(empty.string()), std::string::npos) << "names the folders searched";
}

// `likeness assets import-ict` end to end on a synthetic FaceXModel folder: the documented layout
// (../shared/assets/ict-facekit/README.md), upstream's README and licence carried along.
TEST(Cli, ImportIctPacksTheDocumentedLayout) {
  likeness::test::SyntheticIct ict("likeness_cli_ict");
  const fs::path out = temp_dir("likeness_cli_ict_packed");
  auto r = run_command(likeness_bin() + " assets import-ict '" + ict.dir.string() + "' --out '" + out.string() + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["vertices"], 8);
  EXPECT_EQ(report["identity_modes"], 3);
  EXPECT_EQ(report["expressions"], 2);
  EXPECT_EQ(report["pupil_shapes"], 2);
  for (const char* f : {"ict_facekit_shapes.safetensors", "generic_neutral_mesh.obj", "ICTFaceModelMaterial.mtl",
                        "vertex_indices.json", "README.md", "UPSTREAM_README.md", "LICENSE"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  EXPECT_EQ(likeness::read_file(out / "UPSTREAM_README.md"), likeness::read_file(ict.dir.parent_path() / "README.md"));
  // The safetensors header: the four tensors as the README tables them, F32, contiguous in order.
  const std::string bytes = likeness::read_file(out / "ict_facekit_shapes.safetensors");
  ASSERT_GT(bytes.size(), 8u);
  std::uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  const auto header = nlohmann::json::parse(bytes.substr(8, header_len));
  const std::map<std::string, std::vector<int>> shapes = {
      {"neutral", {8, 3}}, {"identity", {3, 8, 3}}, {"expression", {2, 8, 3}}, {"pupil", {2, 8, 3}}};
  for (const auto& [name, shape] : shapes) {
    ASSERT_TRUE(header.contains(name)) << name;
    EXPECT_EQ(header[name]["dtype"], "F32") << name;
    EXPECT_EQ(header[name]["shape"].get<std::vector<int>>(), shape) << name;
  }
  EXPECT_EQ(header["__metadata__"]["expression_names"], R"(["jawOpen","eyeBlink_L"])");
  EXPECT_EQ(header["__metadata__"]["identity_names"], R"(["identity000","identity001","identity002"])");
  // Packing again over the same folder works (atomic writes replace the files).
  EXPECT_EQ(run_command(likeness_bin() + " assets import-ict '" + ict.dir.string() + "' --out '" + out.string() + "'").exit_code, 0);
}

TEST(Cli, InfoJson) {
  auto r = run_command(likeness_bin() + " info --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["vertices"], 26719);
  EXPECT_EQ(j["identity_modes"], 100);
  EXPECT_EQ(j["expressions"].size(), 53u);
  EXPECT_EQ(j["landmarks"], 68);
  EXPECT_EQ(j["triangles"], 52220);
}

TEST(Cli, SampleWritesAHeadAndItsMeasurements) {
  fs::path dir = temp_dir("likeness_cli_sample");
  auto r = run_command(likeness_bin() + " sample --seed 7 --out '" + dir.string() + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(fs::exists(j["obj"].get<std::string>()));
  EXPECT_TRUE(fs::exists(dir / "head.mtl"));
  EXPECT_GE(j["measurements"].size(), 20u);
  // The OBJ uses the MTL, and every map the MTL references (albedo, normal, roughness of each
  // textured tile) was written beside it as a PNG of the default 1024 texels.
  const std::string obj = likeness::read_file(dir / "head.obj");
  EXPECT_NE(obj.find("mtllib head.mtl"), std::string::npos);
  const std::string mtl = likeness::read_file(dir / "head.mtl");
  std::map<std::string, int> maps;  // statement -> count
  std::istringstream lines(mtl);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string key, file;
    words >> key;
    if (key != "map_Kd" && key != "norm" && key != "map_Pr" && key != "map_Bump") continue;
    while (words >> file) {}  // the file is the last word (after options such as -bm 1)
    ++maps[key];
    ASSERT_TRUE(fs::exists(dir / file)) << line;
    const std::string png = likeness::read_file(dir / file);
    ASSERT_GT(png.size(), 24u);
    EXPECT_EQ(png.substr(1, 3), "PNG") << file;
    auto be32 = [&](std::size_t at) {
      return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16) |
             (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
    };
    EXPECT_EQ(be32(16), 1024) << file;  // IHDR width
    EXPECT_EQ(be32(20), 1024) << file;  // IHDR height
  }
  for (const char* key : {"map_Kd", "norm", "map_Pr"}) EXPECT_GE(maps[key], 6) << key << " (one per textured tile)";
  for (const auto& m : j["measurements"]) {
    EXPECT_GE(m["percentile"].get<double>(), 0.0);
    EXPECT_LE(m["percentile"].get<double>(), 100.0);
  }
  // Same seed, same head; another seed, another head.
  // (Geometry only from here: the maps were checked above.)
  auto again = nlohmann::json::parse(run_command(likeness_bin() + " sample --seed 7 --no-textures --out '" + dir.string() + "_b' --json").out);
  auto other = nlohmann::json::parse(run_command(likeness_bin() + " sample --seed 8 --no-textures --out '" + dir.string() + "_c' --json").out);
  EXPECT_EQ(j["measurements"], again["measurements"]);
  EXPECT_NE(j["measurements"], other["measurements"]);
  // The table form prints where the files went.
  auto table = run_command(likeness_bin() + " sample --seed 7 --no-textures --out '" + dir.string() + "_d'");
  EXPECT_NE(table.out.find(dir.string() + "_d"), std::string::npos);
}

// `likeness sheet`: a 3 x 4 grid of front/three-quarter pairs, a JSON entry per face, the same
// sheet for the same seed and another for another seed.
TEST(Cli, SheetRendersTwelveDescribedFaces) {
  const fs::path dir = temp_dir("likeness_cli_sheet");
  fs::create_directories(dir);
  const std::string args = " --size 64 --resolution 512 --json";
  auto r = run_command(likeness_bin() + " sheet --seed 3 --out '" + (dir / "a.png").string() + "'" + args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["sheet"], (dir / "a.png").string());
  const std::string png = likeness::read_file(dir / "a.png");
  ASSERT_GT(png.size(), 24u);
  auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16) |
           (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
  };
  EXPECT_EQ(be32(16), 4 * 2 * 64);  // 4 faces a row, two views each
  EXPECT_EQ(be32(20), 3 * 64);      // 3 rows
  const auto faces = nlohmann::json::parse(likeness::read_file(report["faces"].get<std::string>()));
  ASSERT_EQ(faces["faces"].size(), 12u);
  std::set<long> seeds;
  std::set<std::pair<int, int>> cells;
  double melanin_lo = 1, melanin_hi = 0;
  for (const auto& f : faces["faces"]) {
    seeds.insert(f["seed"].get<long>());
    cells.insert({f["cell"]["row"].get<int>(), f["cell"]["column"].get<int>()});
    EXPECT_TRUE(f["sex"] == "male" || f["sex"] == "female") << f["sex"];
    EXPECT_GT(f["appearance"].size(), 20u);
    melanin_lo = std::min(melanin_lo, f["melanin"].get<double>());
    melanin_hi = std::max(melanin_hi, f["melanin"].get<double>());
  }
  EXPECT_EQ(seeds.size(), 12u) << "every face its own seed";
  EXPECT_EQ(cells.size(), 12u) << "every cell used once";
  EXPECT_GT(melanin_hi - melanin_lo, 0.1) << "a spread of skin tones";
  auto again = run_command(likeness_bin() + " sheet --seed 3 --out '" + (dir / "b.png").string() + "'" + args);
  auto other = run_command(likeness_bin() + " sheet --seed 4 --out '" + (dir / "c.png").string() + "'" + args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(likeness::read_file(dir / "b.png"), png);
  EXPECT_NE(likeness::read_file(dir / "c.png"), png);
}

TEST(Cli, StatsAnswersPercentileQueries) {
  auto r = run_command(likeness_bin() + " stats --query nose_width=90 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["reached_from_neutral"].get<double>(), j["value"].get<double>(), 0.05);
  EXPECT_EQ(run_command(likeness_bin() + " stats --query nose_wdth=90").exit_code, 3);
  EXPECT_EQ(run_command(likeness_bin() + " stats --query nose_width").exit_code, 2);
}

TEST(Cli, RegionsExportMasks) {
  fs::path dir = temp_dir("likeness_cli_regions");
  auto r = run_command(likeness_bin() + " regions --only lips --resolution 64 --out '" + dir.string() + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "lips_tile0.png"));
  EXPECT_TRUE(fs::exists(dir / "vertex_masks.safetensors"));
  EXPECT_EQ(run_command(likeness_bin() + " regions --only lipz --out '" + dir.string() + "'").exit_code, 3);
}

TEST(QuickStart, RunScriptMakesAFace) {
  // The README's first command, on this build (setup finds everything in place).
  fs::path out = temp_dir("likeness_quickstart");
  auto r = run_command("'" LIKENESS_REPO_DIR "/scripts/run.sh'",
                       "DISPLAY= WAYLAND_DISPLAY= LIKENESS_BUILD_DIR='" + fs::path(LIKENESS_BIN_DIR).parent_path().string() +
                           "' LIKENESS_OUT='" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(out.string()), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out / "head.obj"));
}

TEST(Cli, GenerateAndEditProjectsAndFolders) {
  const fs::path dir = temp_dir("likeness_cli_generate");
  fs::create_directories(dir);
  const std::string project = (dir / "head.likeness").string();
  // A generation appended to a new project: a neutral first step and the generated one.
  auto g = run_command(likeness_bin() + " generate 'an old woman with a round face and freckles' --project '" + project +
                       "' --steps 40 --seed 3 --json --quiet");
  ASSERT_EQ(g.exit_code, 0) << g.err;
  auto j = nlohmann::json::parse(g.out);
  EXPECT_EQ(j["project"]["step"], 1);
  EXPECT_EQ(j["project"]["steps"], 2);
  EXPECT_EQ(j["seed"], 3);
  EXPECT_FALSE(j["targets"]["measurements"].empty());
  for (const auto& m : j["targets"]["measurements"]) EXPECT_TRUE(m.contains("achieved_percentile"));
  EXPECT_TRUE(j["optimization"]["seconds"].is_number());

  // An edit of the project's current step: a third step, saved.
  auto e = run_command(likeness_bin() + " edit '" + project + "' 'make the nose narrower' --json --quiet");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  j = nlohmann::json::parse(e.out);
  EXPECT_EQ(j["project"]["step"], 2);
  auto h = run_command(likeness_bin() + " history '" + project + "' --json");
  ASSERT_EQ(h.exit_code, 0) << h.err;
  j = nlohmann::json::parse(h.out);
  ASSERT_EQ(j["steps"].size(), 3u);
  EXPECT_EQ(j["steps"][1]["kind"], "generate");
  EXPECT_EQ(j["steps"][1]["cause"]["prompt"], "an old woman with a round face and freckles");
  EXPECT_EQ(j["steps"][1]["cause"]["guidance"], "builtin");
  EXPECT_EQ(j["steps"][2]["kind"], "edit");
  EXPECT_EQ(j["steps"][2]["cause"]["instruction"], "make the nose narrower");
  EXPECT_TRUE(j["steps"][2]["thumbnail"].get<bool>());

  // Folders: generate --out writes the face; edit FOLDER needs --out and writes another.
  const fs::path face = dir / "face";
  auto f = run_command(likeness_bin() + " generate 'a young man with a wide jaw' --out '" + face.string() +
                       "' --steps 30 --resolution 512 --quiet");
  ASSERT_EQ(f.exit_code, 0) << f.err;
  for (const char* file : {"state.safetensors", "head.obj", "head.mtl", "preview.png", "understanding.json"})
    EXPECT_TRUE(fs::exists(face / file)) << file;
  EXPECT_EQ(run_command(likeness_bin() + " edit '" + face.string() + "' 'give him blue eyes'").exit_code, 2) << "--out is required";
  auto fe = run_command(likeness_bin() + " edit '" + face.string() + "' 'give him blue eyes' --scope texture --out '" +
                        (dir / "edited").string() + "' --no-textures --quiet");
  ASSERT_EQ(fe.exit_code, 0) << fe.err;
  EXPECT_TRUE(fs::exists(dir / "edited" / "state.safetensors"));

  // Usage and input errors.
  EXPECT_EQ(run_command(likeness_bin() + " generate 'a face'").exit_code, 2) << "--out or --project is required";
  auto scope = run_command(likeness_bin() + " edit '" + project + "' 'make the nose narrower' --scope shape");
  EXPECT_EQ(scope.exit_code, 2);
  EXPECT_NE(scope.err.find("shape"), std::string::npos);
  auto nothing = run_command(likeness_bin() + " edit '" + project + "' 'hello there'");
  EXPECT_EQ(nothing.exit_code, 3);
  EXPECT_NE(nothing.err.find("hello there"), std::string::npos);
  h = run_command(likeness_bin() + " history '" + project + "' --json");
  EXPECT_EQ(nlohmann::json::parse(h.out)["steps"].size(), 3u) << "a failed edit adds no step";
}
