#include <gtest/gtest.h>

#include <cstring>

#include "engine/core/error.h"
#include "engine/export/fbx_node.h"

namespace likeness::exporter::fbx {
namespace {

std::vector<Node> sample_tree() {
  std::vector<Node> top;
  Node& a = top.emplace_back("Alpha");
  a.i32(7).i64(-9).f64(2.5).str(object_name("name", "Class")).boolean(true).i16(-3).f32(1.25f).raw(std::string("\0\1\2", 3));
  Node& child = a.add("Child");
  std::vector<double> big(1000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = 0.5 * static_cast<double>(i);
  child.f64s(big).i32s({1, -2, 3}).i64s({4, 5}).f32s({0.5f});
  child.add("Empty");  // no properties, no children
  top.emplace_back("Bare");
  top.emplace_back("Last").str("end");
  return top;
}

TEST(FbxNode, EncodeDecodeRoundTrip) {
  const std::string bytes = encode(sample_tree());
  const Document doc = decode(bytes, "sample.fbx");
  EXPECT_EQ(doc.version, 7400u);
  ASSERT_EQ(doc.nodes.size(), 3u);
  const Node* a = doc.find("Alpha");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->properties.size(), 8u);
  EXPECT_EQ(a->properties[0].as_int(), 7);
  EXPECT_EQ(a->properties[1].as_int(), -9);
  EXPECT_DOUBLE_EQ(a->properties[2].as_double(), 2.5);
  EXPECT_EQ(name_of(a->properties[3].as_string()), "name");
  EXPECT_EQ(a->properties[4].as_int(), 1);
  EXPECT_EQ(a->properties[5].as_int(), -3);
  EXPECT_DOUBLE_EQ(a->properties[6].as_double(), 1.25);
  EXPECT_EQ(a->properties[7].as_string(), std::string("\0\1\2", 3));
  const Node* child = a->find("Child");
  ASSERT_NE(child, nullptr);
  const std::vector<double> big = child->properties[0].as_doubles();
  ASSERT_EQ(big.size(), 1000u);
  EXPECT_DOUBLE_EQ(big[999], 499.5);
  EXPECT_EQ(child->properties[1].as_ints(), (std::vector<std::int64_t>{1, -2, 3}));
  EXPECT_EQ(child->properties[2].as_ints(), (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(child->properties[3].as_doubles(), (std::vector<double>{0.5}));
  ASSERT_NE(child->find("Empty"), nullptr);
  EXPECT_EQ(doc.nodes[1].name, "Bare");
  EXPECT_EQ(doc.nodes[2].properties[0].as_string(), "end");
}

TEST(FbxNode, NodesWithChildrenEndWithAnEmptyRecord) {
  // The 13 zero bytes after the last child: what Assimp 5.2.5 leaves out.
  std::vector<Node> top;
  top.emplace_back("P").i32(1).add("C").i32(2);
  const std::string bytes = encode(top);
  const std::size_t header = 27;
  std::uint32_t end = 0;
  std::memcpy(&end, bytes.data() + header, 4);
  ASSERT_LE(end, bytes.size());
  EXPECT_EQ(bytes.substr(end - 13, 13), std::string(13, '\0'));
  // Top-level list closed too, then the footer.
  EXPECT_EQ(bytes.substr(end, 13), std::string(13, '\0'));
  // Footer: version then 120 zero bytes and the 16-byte magic.
  std::uint32_t version = 0;
  std::memcpy(&version, bytes.data() + bytes.size() - 140, 4);
  EXPECT_EQ(version, 7400u);
}

TEST(FbxNode, MalformedInputFailsCleanly) {
  const std::string good = encode(sample_tree());
  EXPECT_THROW(decode("not an fbx file at all, really not", "x.fbx"), InputError);
  for (std::size_t cut : {std::size_t{10}, std::size_t{27}, std::size_t{40}, good.size() / 2, good.size() - 200})
    EXPECT_THROW(decode(std::string_view(good).substr(0, cut), "cut.fbx"), InputError) << cut;
  std::string bad_offset = good;
  const std::uint32_t huge = 0x7fffffff;
  std::memcpy(bad_offset.data() + 27, &huge, 4);
  EXPECT_THROW(decode(bad_offset, "offset.fbx"), InputError);
  try {
    decode(bad_offset, "offset.fbx");
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("offset.fbx"), std::string::npos);
  }
  // Every single corrupted byte either decodes or throws InputError: never crashes.
  for (std::size_t i = 27; i < good.size(); i += 7) {
    std::string flipped = good;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
    try {
      decode(flipped, "flip.fbx");
    } catch (const InputError&) {
    }
  }
}

}  // namespace
}  // namespace likeness::exporter::fbx
