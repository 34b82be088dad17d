// The project and export commands of the `likeness` CLI, run as a process: new, history, undo,
// redo, checkout, recover, export. Needs the ICT assets (CI always has them).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine/core/json_util.h"
#include "engine/doc/document.h"
#include "engine/face/face_model.h"

namespace {
namespace fs = std::filesystem;
using likeness::Json;

struct CliRun {
  int code = 0;
  std::string out;
};

CliRun likeness_cli(const std::string& arguments) {
  const std::string command = std::string(LIKENESS_BIN_DIR) + "/likeness " + arguments + " 2>&1";
  CliRun r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("likeness-doc-cli-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

bool have_assets() {
  try {
    likeness::face::FaceModel::load_default();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

TEST(ProjectCli, NewHistoryUndoRedoCheckout) {
  if (!have_assets()) GTEST_SKIP() << "ICT assets not installed";
  const fs::path dir = temp_dir("history");
  const std::string p = (dir / "head.likeness").string();
  CliRun r = likeness_cli("new " + p + " --seed 5");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(likeness_cli("new " + p).code, 3) << "refuses to replace without --force";

  // Two steps appended through the Document API (what generate and edit do), then a branch.
  {
    auto d = likeness::doc::Document::open(p);
    auto s = d.current_state();
    s.expression[0] = 0.5;
    d.commit_step(likeness::doc::StepKind::Edit, s, {{"instruction", "raise the brows"}});
    s.expression[1] = 0.25;
    d.commit_step(likeness::doc::StepKind::Slider, s, {{"changes", {{"browDown_R", 0.25}}}});
    d.save();
  }
  r = likeness_cli("undo " + p + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Json::parse(r.out)["current_step"], 1);
  r = likeness_cli("undo " + p);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("step 0"), std::string::npos) << r.out;
  r = likeness_cli("undo " + p);
  EXPECT_EQ(r.code, 3) << "nothing to undo";
  EXPECT_NE(r.out.find("nothing to undo"), std::string::npos) << r.out;
  r = likeness_cli("redo " + p + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Json::parse(r.out)["current_step"], 1);
  r = likeness_cli("checkout " + p + " 2 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Json::parse(r.out)["current_step"], 2);
  EXPECT_EQ(likeness_cli("redo " + p).code, 3);
  EXPECT_EQ(likeness_cli("checkout " + p + " 9").code, 3);
  EXPECT_EQ(likeness_cli("checkout " + p + " two").code, 3);
  EXPECT_EQ(likeness::doc::Document::open(p).current_step(), 2) << "moves are saved";

  // A branch from step 0, seen in history.
  {
    auto d = likeness::doc::Document::open(p);
    d.checkout(0);
    auto s = d.current_state();
    s.identity[0] = 1.0;
    d.commit_step(likeness::doc::StepKind::Generate, s, {{"prompt", "a long narrow face"}, {"seed", 3}});
    d.save();
  }
  r = likeness_cli("history " + p);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("4 steps, at step 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("raise the brows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("* "), std::string::npos) << r.out;
  r = likeness_cli("history " + p + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const Json h = Json::parse(r.out);
  ASSERT_EQ(h["steps"].size(), 4u);
  EXPECT_EQ(h["steps"][3]["cause"]["prompt"], "a long narrow face");
  EXPECT_EQ(h["steps"][0]["children"], Json::array({1, 3}));
  EXPECT_TRUE(h["steps"][3]["current"].get<bool>());
  EXPECT_FALSE(h["steps"][2]["on_current_path"].get<bool>());
}

TEST(ProjectCli, DamagedProjectsAndRecovery) {
  if (!have_assets()) GTEST_SKIP() << "ICT assets not installed";
  const fs::path dir = temp_dir("damaged");
  const std::string p = (dir / "head.likeness").string();
  ASSERT_EQ(likeness_cli("new " + p).code, 0);
  {
    auto d = likeness::doc::Document::open(p);
    auto s = d.current_state();
    s.expression[2] = 0.75;
    d.commit_step(likeness::doc::StepKind::Edit, s, {{"instruction", "smile"}});
    d.save();
  }
  // Cut the footer and manifest off.
  const auto size = fs::file_size(p);
  fs::resize_file(p, size - 40);
  CliRun r = likeness_cli("history " + p);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.out.find("head.likeness"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("likeness recover"), std::string::npos) << r.out;
  const std::string fixed = (dir / "fixed.likeness").string();
  r = likeness_cli("recover " + p + " --out " + fixed + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["steps_recovered"], 2);
  EXPECT_FALSE(j["problems"].empty());
  EXPECT_EQ(likeness::doc::Document::open(fixed).step_count(), 2);
  // Not a project at all: refused without a recovery hint.
  std::ofstream(dir / "junk.likeness") << "{\"hello\": 1}";
  r = likeness_cli("history " + (dir / "junk.likeness").string());
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out.find("likeness recover"), std::string::npos) << r.out;
}

TEST(ProjectCli, ExportEveryFormat) {
  if (!have_assets()) GTEST_SKIP() << "ICT assets not installed";
  const fs::path dir = temp_dir("export");
  const std::string p = (dir / "head.likeness").string();
  ASSERT_EQ(likeness_cli("new " + p).code, 0);
  for (const std::string format : {"glb", "fbx", "obj"}) {
    const fs::path out = dir / format;
    CliRun r = likeness_cli("export " + p + " --format " + format + " --preset unreal --resolution 128 --padding 4 --out " + out.string() +
                         " --json");
    ASSERT_EQ(r.code, 0) << r.out;
    const Json j = Json::parse(r.out);
    EXPECT_TRUE(fs::exists(j["file"].get<std::string>())) << format;
    EXPECT_EQ(j["blendshapes"], 53);
    EXPECT_EQ(j["preset"], "unreal");
    // The main file, 18 PNG maps (6 texture sets x albedo, normal, roughness), and OBJ's .mtl.
    const std::size_t expected = format == "fbx" ? 19u : format == "obj" ? 20u : 1u;  // glb: self-contained
    EXPECT_EQ(j["files"].size(), expected) << format;
  }
  EXPECT_EQ(likeness_cli("export " + p + " --format usdz --out " + dir.string()).code, 2);
  EXPECT_EQ(likeness_cli("export " + p + " --preset houdini --out " + dir.string()).code, 2);
  EXPECT_EQ(likeness_cli("export " + p + " --step 7 --out " + dir.string()).code, 2);
}

}  // namespace
