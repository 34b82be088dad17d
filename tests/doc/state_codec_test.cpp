#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "engine/core/error.h"
#include "engine/doc/block_store.h"
#include "engine/doc/state_codec.h"
#include "tests/doc/doc_fixtures.h"

using namespace likeness;
using namespace likeness::doc;

TEST(StateCodec, RoundTripIsExact) {
  BlockStore store;
  state::FaceState s = test::step_state(1, 100);  // 100: tiles that do not divide the size
  s.painted_mask = at::rand({test::kVertices});
  StoredState stored = encode_state(s, store);
  EXPECT_EQ(stored.tensors.size(), s.tensors().size());
  state::FaceState back = decode_state(stored, store, "test");
  EXPECT_TRUE(state::equal(s, back));
  // JSON form round trip.
  StoredState parsed = stored_state_from_json(to_json(stored), "test");
  EXPECT_TRUE(state::equal(s, decode_state(parsed, store, "test")));
}

TEST(StateCodec, TexturesAreCutIntoTiles) {
  EXPECT_EQ(layout_for({8, 1024, 1024, 3}), BlockLayout::Tiles);
  EXPECT_EQ(block_count({8, 1024, 1024, 3}, BlockLayout::Tiles), 8u * 16 * 16);
  EXPECT_EQ(block_count({8, 100, 100, 3}, BlockLayout::Tiles), 8u * 2 * 2);
  EXPECT_EQ(layout_for({26719, 3}), BlockLayout::Runs);
  EXPECT_EQ(block_count({26719, 3}, BlockLayout::Runs), 5u);
  EXPECT_EQ(block_count({0}, BlockLayout::Runs), 0u);
}

TEST(StateCodec, ALocalEditStoresOnlyWhatChanged) {
  BlockStore store;
  state::FaceState a = test::step_state(2, 256);
  StoredState sa = encode_state(a, store);
  const std::size_t blocks_before = store.size(), bytes_before = store.resident_bytes();

  state::FaceState b = a.clone();
  b.albedo_residual.index({0, at::indexing::Slice(70, 90), at::indexing::Slice(10, 30)}).add_(0.5f);  // one 64x64 tile
  b.displacement.index({5, 1}).add_(0.1f);                                                           // one run
  StoredState sb = encode_state(b, store, &sa, &a);
  EXPECT_EQ(store.size() - blocks_before, 2u) << "one texture tile and one displacement run are new";
  EXPECT_LT(store.resident_bytes() - bytes_before, 64u * 64 * 3 * 4 + 16384u * 4);
  EXPECT_TRUE(state::equal(b, decode_state(sb, store, "b")));
  // Decoding against a base shares untouched tensors and copies untouched blocks.
  state::FaceState b2 = decode_state(sb, store, "b", &sa, &a);
  EXPECT_TRUE(state::equal(b, b2));
  EXPECT_EQ(b2.identity.data_ptr(), a.identity.data_ptr()) << "unchanged tensor shared";
  // Going back to `a`'s content reuses its blocks: nothing new.
  const std::size_t blocks_after = store.size();
  StoredState sa2 = encode_state(a.clone(), store, &sb, &b);
  EXPECT_EQ(store.size(), blocks_after);
  EXPECT_EQ(sa2.block_ids(), sa.block_ids());
}

TEST(StateCodec, ZeroTexturesCostNothing) {
  BlockStore store;
  state::FaceState s = test::step_state(3, 0);
  s.albedo_residual = at::zeros({8, 512, 512, 3});
  StoredState st = encode_state(s, store);
  for (const StoredTensor& t : st.tensors) {
    if (t.name != "albedo_residual") continue;
    for (auto id : t.blocks) {
      EXPECT_EQ(id, BlockStore::kZeroBlock);
    }
  }
  EXPECT_TRUE(state::equal(s, decode_state(st, store, "z")));
}

TEST(StateCodec, MalformedJsonNamesTheField) {
  BlockStore store;
  StoredState st = encode_state(test::step_state(4, 64), store);
  Json j = to_json(st);
  auto expect_error = [&](Json bad, const std::string& needle) {
    try {
      stored_state_from_json(bad, "p.likeness: step 3");
      ADD_FAILURE() << "accepted; expected " << needle;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  Json bad = j;
  bad["tensors"][0]["blocks"].push_back(7);
  expect_error(bad, "blocks");
  bad = j;
  bad["tensors"][1]["dtype"] = "F16";
  expect_error(bad, "dtype");
  bad = j;
  bad["tensors"][0]["layout"] = "tiles64";
  expect_error(bad, "layout");
  bad = j;
  bad.erase("metadata");
  expect_error(bad, "metadata");
  bad = j;
  bad["tensors"][0]["shape"] = {-5};
  expect_error(bad, "shape");
  // A block the store does not have.
  StoredState missing = st;
  missing.tensors[3].blocks[0] = 999999;
  EXPECT_THROW(decode_state(missing, store, "m"), InputError);
}
