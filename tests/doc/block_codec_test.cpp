#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "engine/core/error.h"
#include "engine/doc/block_codec.h"
#include "engine/doc/block_store.h"

using namespace likeness;
using namespace likeness::doc;

namespace {
std::vector<float> noise(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 0.05f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}
}  // namespace

TEST(BlockCodec, RoundTripsExactly) {
  for (std::size_t n : {0u, 1u, 7u, 4096u, 16384u}) {
    std::vector<float> v = noise(n, static_cast<unsigned>(n));
    const std::size_t bytes = n * sizeof(float);
    for (BlockCodec codec : {BlockCodec::Raw, BlockCodec::ShuffleDeflate}) {
      std::string stored = encode_block(v.data(), bytes, 4, codec);
      std::vector<float> back(n);
      decode_block(stored, codec, 4, back.data(), bytes, "test");
      EXPECT_EQ(std::memcmp(v.data(), back.data(), bytes), 0) << n;
    }
  }
  // Odd sizes keep their tail bytes.
  std::string text = "abcdefghijk";
  std::string stored = encode_block(text.data(), text.size(), 4, BlockCodec::ShuffleDeflate);
  std::string back(text.size(), '\0');
  decode_block(stored, BlockCodec::ShuffleDeflate, 4, back.data(), back.size(), "test");
  EXPECT_EQ(back, text);
}

TEST(BlockCodec, ShuffleCompressesSmoothFloats) {
  std::vector<float> smooth(16384);
  for (std::size_t i = 0; i < smooth.size(); ++i) smooth[i] = 0.25f + 0.01f * std::sin(0.001f * static_cast<float>(i));
  std::string stored = encode_block(smooth.data(), smooth.size() * 4, 4, BlockCodec::ShuffleDeflate);
  EXPECT_LT(stored.size(), smooth.size() * 4 * 6 / 10) << "at least 40% smaller";
}

TEST(BlockCodec, CorruptDataFailsCleanly) {
  std::vector<float> v = noise(4096, 3);
  std::string stored = encode_block(v.data(), v.size() * 4, 4, BlockCodec::ShuffleDeflate);
  std::vector<float> back(v.size());
  std::string broken = stored;
  broken[broken.size() / 2] ^= 0x5a;
  try {
    decode_block(broken, BlockCodec::ShuffleDeflate, 4, back.data(), v.size() * 4, "my.likeness: block 9");
    ADD_FAILURE() << "corrupt block decoded";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("my.likeness: block 9"), std::string::npos) << e.what();
  }
  EXPECT_THROW(decode_block(stored.substr(0, stored.size() / 2), BlockCodec::ShuffleDeflate, 4, back.data(), v.size() * 4, "x"),
               InputError);
  EXPECT_THROW(decode_block(stored, BlockCodec::ShuffleDeflate, 4, back.data(), v.size() * 4 - 4, "x"), InputError) << "wrong size";
  EXPECT_THROW(decode_block("abc", BlockCodec::Raw, 1, back.data(), 4, "x"), InputError);
}

TEST(BlockCodec, HashAndCrc) {
  std::vector<float> a = noise(1000, 1), b = a;
  EXPECT_EQ(content_hash(a.data(), 4000), content_hash(b.data(), 4000));
  b[999] += 1e-6f;
  EXPECT_NE(content_hash(a.data(), 4000), content_hash(b.data(), 4000));
  EXPECT_NE(content_hash(a.data(), 3996), content_hash(a.data(), 4000));
  EXPECT_EQ(crc32_of("123456789"), 0xCBF43926u) << "the standard CRC-32 check value";
  EXPECT_TRUE(all_zero(std::vector<char>(37, 0).data(), 37));
  std::vector<char> z(37, 0);
  z[36] = 1;
  EXPECT_FALSE(all_zero(z.data(), 37));
}

TEST(BlockStore, DedupesAndKeepsZerosFree) {
  BlockStore store;
  std::vector<float> a = noise(4096, 5), b = noise(4096, 6), zeros(4096, 0.0f);
  const auto ia = store.put(a.data(), a.size() * 4, 4, BlockCodec::ShuffleDeflate);
  const auto ib = store.put(b.data(), b.size() * 4, 4, BlockCodec::ShuffleDeflate);
  EXPECT_NE(ia, ib);
  EXPECT_EQ(store.put(a.data(), a.size() * 4, 4, BlockCodec::ShuffleDeflate), ia) << "same bytes, same block";
  EXPECT_EQ(store.put(zeros.data(), zeros.size() * 4, 4, BlockCodec::ShuffleDeflate), BlockStore::kZeroBlock);
  EXPECT_EQ(store.size(), 2u);
  EXPECT_GT(store.resident_bytes(), 0u);
  std::vector<float> back(4096, 1.0f);
  store.decode(ib, back.data(), back.size() * 4, "t");
  EXPECT_EQ(back, b);
  store.decode(BlockStore::kZeroBlock, back.data(), back.size() * 4, "t");
  EXPECT_EQ(back, zeros);
  EXPECT_THROW(store.get(12345), InputError);
  EXPECT_THROW(store.decode(ia, back.data(), 100, "t"), InputError) << "wrong size asked";
  store.retain({ib});
  EXPECT_EQ(store.size(), 1u);
  EXPECT_FALSE(store.contains(ia));
  // Payload round trip keeps the header fields.
  Block parsed = Block::from_payload(ib, store.get(ib)->payload(), "t");
  EXPECT_EQ(parsed.raw_size, 4096u * 4);
  EXPECT_EQ(parsed.hash, store.get(ib)->hash);
  EXPECT_THROW(Block::from_payload(1, "short", "t"), InputError);
}
