#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "engine/doc/autosave.h"
#include "tests/doc/doc_fixtures.h"

using namespace likeness;
using namespace likeness::doc;
namespace fs = std::filesystem;

namespace {
fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

bool wait_for(const std::function<bool()>& condition) {
  for (int i = 0; i < 300; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}
}  // namespace

TEST(Autosave, WritesChangesAndIsFoundAfterACrash) {
  const fs::path dir = fresh_dir("likeness_autosave_test");
  const fs::path project = dir / "face.likeness";
  Document doc = Document::create(test::step_state(0));
  doc.save_as(project);
  const fs::path autosave = autosave_path_for(project);
  EXPECT_EQ(autosave, dir / ".face.likeness.autosave");
  {
    Autosaver saver(doc, autosave, std::chrono::milliseconds(30));
    saver.start();
    EXPECT_FALSE(find_autosave(project)) << "nothing unsaved yet";
    doc.commit_step(StepKind::Edit, test::step_state(1), {{"instruction", "unsaved work"}});
    ASSERT_TRUE(wait_for([&] { return saver.saves() >= 1; })) << saver.last_error();
    doc.commit_step(StepKind::Edit, test::step_state(2));
    ASSERT_TRUE(wait_for([&] { return saver.saves() >= 2; })) << saver.last_error();
    saver.stop();  // the "crash": the project file was never saved again
  }
  auto found = find_autosave(project);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->autosave_of, project.string());
  EXPECT_EQ(found->steps, 3);
  Document restored = restore_autosave(*found);
  EXPECT_EQ(restored.path(), project) << "restoring goes back to the project";
  EXPECT_TRUE(restored.modified());
  EXPECT_EQ(restored.step_count(), 3);
  EXPECT_TRUE(state::equal(restored.current_state(), test::step_state(2)));
  EXPECT_EQ(Document::open(project).step_count(), 1) << "the project itself is untouched";

  // After a clean save the autosave is redundant: the autosaver removes it.
  restored.save();
  Autosaver saver(restored, autosave, std::chrono::milliseconds(1000));
  EXPECT_FALSE(saver.save_now());
  EXPECT_FALSE(fs::exists(autosave));
  EXPECT_FALSE(find_autosave(project));
}

TEST(Autosave, UntitledDocumentsAndDiscard) {
  const fs::path dir = fresh_dir("likeness_autosave_untitled");
  Document doc = Document::create(test::step_state(0));
  const fs::path path = untitled_autosave_path(dir);
  EXPECT_EQ(path.parent_path(), dir);
  Autosaver saver(doc, path, std::chrono::milliseconds(1000));
  EXPECT_TRUE(saver.save_now()) << saver.last_error();
  EXPECT_FALSE(saver.save_now()) << "nothing changed since";
  auto list = list_autosaves(dir);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].autosave_of, "");
  Document restored = restore_autosave(list[0]);
  EXPECT_TRUE(restored.path().empty()) << "an untitled document stays untitled";
  saver.discard();
  EXPECT_TRUE(list_autosaves(dir).empty());
  // A failing autosave reports instead of throwing.
  Autosaver broken(doc, "/proc/likeness-cannot-write-here/x.likeness", std::chrono::milliseconds(1000));
  EXPECT_FALSE(broken.save_now());
  EXPECT_FALSE(broken.last_error().empty());
}
