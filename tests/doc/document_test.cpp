#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "engine/core/error.h"
#include "engine/doc/document.h"
#include "tests/doc/doc_fixtures.h"

using namespace likeness;
using namespace likeness::doc;
namespace fs = std::filesystem;

namespace {
fs::path temp_path(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / "likeness_doc_test";
  fs::create_directories(dir);
  fs::remove(dir / name);
  return dir / name;
}
}  // namespace

TEST(Document, CommitUndoRedoCheckout) {
  Document doc = Document::create(test::step_state(0), {{"label", "new face"}});
  EXPECT_EQ(doc.step_count(), 1);
  EXPECT_FALSE(doc.can_undo());
  EXPECT_TRUE(doc.modified());
  EXPECT_EQ(doc.commit_step(StepKind::Generate, test::step_state(1), {{"prompt", "a young woman"}, {"seed", 7}},
                            test::fake_png(1)),
            1);
  EXPECT_EQ(doc.commit_step(StepKind::Edit, test::step_state(2), {{"instruction", "bigger nose"}}), 2);
  EXPECT_TRUE(state::equal(doc.current_state(), test::step_state(2)));
  EXPECT_TRUE(doc.undo());
  EXPECT_TRUE(state::equal(doc.current_state(), test::step_state(1)));
  EXPECT_TRUE(doc.redo());
  EXPECT_TRUE(state::equal(doc.current_state(), test::step_state(2)));
  doc.checkout(0);
  EXPECT_TRUE(state::equal(doc.current_state(), test::step_state(0)));
  EXPECT_TRUE(state::equal(doc.state_at(1), test::step_state(1)));
  EXPECT_EQ(doc.current_step(), 0);
  // A new step from step 0 branches; nothing is dropped.
  EXPECT_EQ(doc.commit_step(StepKind::Slider, test::step_state(3), {{"changes", {{"jawOpen", 0.3}}}}), 3);
  EXPECT_EQ(doc.step_count(), 4);
  EXPECT_EQ(doc.step(3).parent, 0);
  EXPECT_EQ(doc.step(3).label, "slider: jawOpen");
  EXPECT_EQ(doc.step(1).label, "a young woman");
  EXPECT_EQ(doc.step(1).cause["seed"], 7);
  EXPECT_TRUE(doc.step(1).has_thumbnail);
  EXPECT_FALSE(doc.step(2).has_thumbnail);
  EXPECT_EQ(doc.thumbnail(1), test::fake_png(1));
  EXPECT_EQ(doc.thumbnail(2), "");
  EXPECT_EQ(doc.lineage(2), (std::vector<int>{0, 1, 2}));
  EXPECT_THROW(doc.checkout(17), InputError);
}

TEST(Document, CopiesAreTheCallersOwn) {
  Document doc = Document::create(test::step_state(0));
  state::FaceState s = test::step_state(1);
  doc.commit_step(StepKind::Edit, s);
  s.identity.fill_(9.0f);  // the caller changes its own tensors after committing
  EXPECT_TRUE(state::equal(doc.current_state(), test::step_state(1)));
  state::FaceState copy = doc.current_state();
  copy.expression.fill_(0.5f);
  EXPECT_TRUE(state::equal(doc.current_state(), test::step_state(1)));
}

TEST(Document, RejectsBadInputNamingIt) {
  Document doc = Document::create(test::step_state(0));
  state::FaceState bad = test::step_state(1);
  bad.expression = at::full({53}, 2.0f);
  try {
    doc.commit_step(StepKind::Edit, bad);
    ADD_FAILURE() << "accepted expression weights of 2";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("expression"), std::string::npos) << e.what();
  }
  EXPECT_THROW(doc.commit_step(StepKind::Edit, test::step_state(1), Json::array()), InputError);
  try {
    doc.commit_step(StepKind::Edit, test::step_state(1), {}, "not a png");
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("PNG"), std::string::npos);
  }
  EXPECT_EQ(doc.step_count(), 1) << "nothing committed";
  EXPECT_THROW(doc.save(), InputError) << "untitled: no path";
}

TEST(Document, SaveOpenRoundTripIsExact) {
  const fs::path path = temp_path("roundtrip.likeness");
  Document doc = Document::create(test::step_state(0), {{"label", "start"}}, test::fake_png(0));
  doc.commit_step(StepKind::Generate, test::step_state(1), {{"prompt", "an old man with a beard"}, {"settings", {{"steps", 80}}},
                                                             {"seed", 3}, {"guidance", "builtin"}},
                  test::fake_png(1));
  doc.commit_step(StepKind::Edit, test::step_state(2), {{"instruction", "make the beard grey"}});
  doc.undo();
  doc.commit_step(StepKind::MaskPaint, test::step_state(3), {{"label", "paint cheeks"}});
  doc.checkout(2);
  doc.save_as(path);
  EXPECT_FALSE(doc.modified());
  EXPECT_EQ(doc.path(), path);
  EXPECT_EQ(doc.memory_use().resident_blocks, 0u) << "after a save the blocks are read from the file";
  EXPECT_TRUE(state::equal(doc.state_at(3), test::step_state(3))) << "and still readable";

  Document back = Document::open(path);
  ASSERT_EQ(back.step_count(), 4);
  EXPECT_EQ(back.current_step(), 2);
  EXPECT_FALSE(back.modified());
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(state::equal(back.state_at(i), test::step_state(i))) << i;
    StepInfo a = doc.step(i), b = back.step(i);
    EXPECT_EQ(a.parent, b.parent);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.label, b.label);
    EXPECT_EQ(a.cause, b.cause);
    EXPECT_EQ(a.time, b.time);
    EXPECT_EQ(a.children, b.children);
    EXPECT_EQ(doc.thumbnail(i), back.thumbnail(i));
  }
  // Redo memory survives: from 1, redo goes to 2 (the checked-out path).
  back.checkout(1);
  EXPECT_TRUE(back.redo());
  EXPECT_EQ(back.current_step(), 2);

  // Change, save over the same file (its blocks are read from the file being replaced).
  back.commit_step(StepKind::Edit, test::step_state(4), {{"instruction", "add freckles"}});
  EXPECT_TRUE(back.modified());
  back.save();
  Document again = Document::open(path);
  EXPECT_EQ(again.step_count(), 5);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(state::equal(again.state_at(i), test::step_state(i))) << i;
  EXPECT_EQ(again.step(4).parent, 2);
}

TEST(Document, BackgroundSaveFromSnapshots) {
  const fs::path path = temp_path("background.likeness");
  Document doc = Document::create(test::step_state(0));
  std::atomic<bool> done{false};
  std::atomic<int> saves{0};
  std::thread saver([&] {
    while (!done) {
      auto snap = doc.snapshot();
      SavedProject saved = write_project(*snap, path);
      doc.mark_saved(saved);
      ++saves;
    }
  });
  for (int i = 1; i <= 12; ++i) {
    doc.commit_step(StepKind::Edit, test::step_state(i));
    if (i % 4 == 0) doc.undo();
  }
  done = true;
  saver.join();
  EXPECT_GT(saves.load(), 0);
  // A final save holds everything; every intermediate file was a complete project.
  doc.save_as(path);
  Document back = Document::open(path);
  EXPECT_EQ(back.step_count(), 13);
  for (int i = 0; i <= 12; ++i) EXPECT_TRUE(state::equal(back.state_at(i), test::step_state(i))) << i;
  EXPECT_EQ(back.current_step(), doc.current_step());
}

TEST(Document, MarkSavedKeepsLaterChangesUnsaved) {
  Document doc = Document::create(test::step_state(0));
  auto snap = doc.snapshot();
  doc.commit_step(StepKind::Edit, test::step_state(1));
  SavedProject saved = write_project(*snap, temp_path("stale.likeness"));
  doc.mark_saved(saved);
  EXPECT_TRUE(doc.modified()) << "step 1 came after the snapshot";
  EXPECT_EQ(snapshot_revision(*snap), saved.revision);
}
