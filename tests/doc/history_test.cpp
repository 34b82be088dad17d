#include <gtest/gtest.h>

#include "engine/core/error.h"
#include "engine/doc/history.h"

using namespace likeness;
using namespace likeness::doc;

namespace {
StepRecord record(StepKind kind, const std::string& label) {
  StepRecord r;
  r.info.kind = kind;
  r.info.label = label;
  return r;
}
}  // namespace

TEST(History, UndoRedoAndBranches) {
  History h;
  EXPECT_EQ(h.append(record(StepKind::Create, "new")), 0);
  EXPECT_EQ(h.append(record(StepKind::Generate, "a face")), 1);
  EXPECT_EQ(h.append(record(StepKind::Edit, "bigger nose")), 2);
  EXPECT_FALSE(h.can_redo());
  EXPECT_TRUE(h.undo());
  EXPECT_EQ(h.current(), 1);
  EXPECT_TRUE(h.redo());
  EXPECT_EQ(h.current(), 2);
  EXPECT_TRUE(h.undo());
  // A new step after an undo starts a branch: step 2 is kept.
  EXPECT_EQ(h.append(record(StepKind::Edit, "smaller nose")), 3);
  EXPECT_EQ(h.step(3).info.parent, 1);
  EXPECT_EQ(h.step(1).info.children, (std::vector<int>{2, 3}));
  EXPECT_EQ(h.steps().size(), 4u);
  // Redo follows the newest branch; checkout of the old one makes redo follow it.
  EXPECT_TRUE(h.undo());
  EXPECT_TRUE(h.redo());
  EXPECT_EQ(h.current(), 3);
  h.checkout(2);
  EXPECT_EQ(h.current(), 2);
  EXPECT_EQ(h.lineage(2), (std::vector<int>{0, 1, 2}));
  h.checkout(0);
  EXPECT_TRUE(h.redo());
  EXPECT_TRUE(h.redo());
  EXPECT_EQ(h.current(), 2) << "redo leads back along the last checked-out path";
  // Ends of the tree.
  h.checkout(0);
  EXPECT_FALSE(h.can_undo());
  EXPECT_FALSE(h.undo());
  EXPECT_THROW(h.checkout(9), InputError);
  EXPECT_THROW(h.checkout(-1), InputError);
}

TEST(History, FromRecordsChecksTheTree) {
  History h;
  h.append(record(StepKind::Create, "a"));
  h.append(record(StepKind::Edit, "b"));
  std::vector<StepRecord> records = h.steps();
  History back = History::from_records(records, 1, "t");
  EXPECT_EQ(back.current(), 1);
  EXPECT_EQ(back.step(0).info.children, (std::vector<int>{1}));
  auto bad = records;
  bad[1].info.parent = 1;
  EXPECT_THROW(History::from_records(bad, 1, "t"), InputError);
  bad = records;
  bad[1].info.id = 5;
  EXPECT_THROW(History::from_records(bad, 1, "t"), InputError);
  EXPECT_THROW(History::from_records(records, 2, "t"), InputError) << "current out of range";
  EXPECT_THROW(History::from_records({}, 0, "t"), InputError);
}

TEST(History, LabelsAndKinds) {
  EXPECT_EQ(label_from_cause(StepKind::Generate, {{"prompt", "an old man"}}), "an old man");
  EXPECT_EQ(label_from_cause(StepKind::Edit, {{"instruction", "make him smile"}}), "make him smile");
  EXPECT_EQ(label_from_cause(StepKind::Slider, {{"changes", {{"jawOpen", 0.4}}}}), "slider: jawOpen");
  EXPECT_EQ(label_from_cause(StepKind::MaskPaint, Json::object()), "mask");
  EXPECT_EQ(label_from_cause(StepKind::Edit, {{"label", "custom"}, {"instruction", "x"}}), "custom");
  for (StepKind k : {StepKind::Create, StepKind::Generate, StepKind::Edit, StepKind::Slider, StepKind::MaskPaint, StepKind::Import})
    EXPECT_EQ(step_kind_from_name(to_string(k)), k);
  EXPECT_FALSE(step_kind_from_name("paint"));
  EXPECT_EQ(utc_now_iso8601().size(), 20u);
}
