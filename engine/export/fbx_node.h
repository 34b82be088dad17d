#pragma once
// A small FBX binary node writer and reader (FBX 7.4 layout, 32-bit offsets).
//
// A file is a 27-byte header ("Kaydara FBX Binary  \0\x1a\0" + u32 version), a list of nodes,
// an empty 13-byte record closing the top-level list, and a footer. A node record is
//   u32 end offset (absolute), u32 property count, u32 property bytes, u8 name length, name,
//   properties, then its child nodes followed by a 13-byte all-zero record when it has children
//   (Assimp 5.2.5 omits that record, which is why its files are unreadable) or no properties.
// A property is a type byte and its value: Y i16, C bool, I i32, F f32, D f64, L i64,
// S string and R raw bytes (u32 length + bytes), f d l i b arrays (u32 count, u32 encoding
// 0 raw / 1 zlib, u32 byte length, data). Everything little-endian.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace likeness::exporter::fbx {

/// One property of a node.
struct Property {
  char type = 'I';
  std::string data;  ///< the value's little-endian bytes (arrays: decoded elements, no header)

  std::int64_t as_int() const;        ///< Y C I L
  double as_double() const;           ///< F D (and integers)
  std::string as_string() const;      ///< S R
  std::vector<double> as_doubles() const;        ///< d f arrays
  std::vector<std::int64_t> as_ints() const;     ///< i l b arrays
  std::size_t array_size() const;     ///< element count of an array property
};

struct Node {
  std::string name;
  std::vector<Property> properties;
  std::vector<Node> children;

  explicit Node(std::string node_name = {}) : name(std::move(node_name)) {}

  // Builders (return *this for chaining).
  Node& i16(std::int16_t v);
  Node& boolean(bool v);
  Node& i32(std::int32_t v);
  Node& i64(std::int64_t v);
  Node& f32(float v);
  Node& f64(double v);
  Node& str(std::string_view v);
  Node& raw(std::string_view v);
  Node& f64s(const std::vector<double>& v);
  Node& f32s(const std::vector<float>& v);
  Node& i32s(const std::vector<std::int32_t>& v);
  Node& i64s(const std::vector<std::int64_t>& v);
  /// Appends a child and returns it (the reference is valid until the next add()).
  Node& add(std::string child_name);

  /// The first child with `child_name`, or nullptr.
  const Node* find(std::string_view child_name) const;
  /// All children with `child_name`.
  std::vector<const Node*> find_all(std::string_view child_name) const;
};

/// The bytes of an FBX binary file holding `nodes` at top level.
std::string encode(const std::vector<Node>& nodes, std::uint32_t version = 7400);

/// Parses an FBX binary file; InputError starting with `source` naming the byte offset of what is
/// wrong (bad magic, offsets out of range, a missing end record, bad array data).
struct Document {
  std::uint32_t version = 0;
  std::vector<Node> nodes;
  const Node* find(std::string_view name) const;
};
Document decode(std::string_view bytes, const std::string& source);
Document read_file(const std::filesystem::path& path);

/// "Name\0\1Class": how FBX writes an object's name and class in one string.
std::string object_name(std::string_view name, std::string_view cls);
/// The name part of such a string.
std::string name_of(std::string_view object_name);

}  // namespace likeness::exporter::fbx
