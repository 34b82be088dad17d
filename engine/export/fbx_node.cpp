#include "engine/export/fbx_node.h"

#include <zlib.h>

#include <cstring>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

namespace likeness::exporter::fbx {
namespace {

constexpr char kMagic[] = "Kaydara FBX Binary  \0\x1a\0";  // 23 bytes
constexpr std::size_t kMagicSize = 23;
constexpr std::size_t kEndRecord = 13;

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
T get(std::string_view bytes, std::size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  return v;
}

template <typename T>
std::string scalar(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
std::string array_bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

std::size_t element_size(char type) {
  switch (type) {
    case 'f': case 'i': return 4;
    case 'd': case 'l': return 8;
    case 'b': return 1;
    default: return 0;
  }
}

std::string encode_property(const Property& p) {
  std::string out(1, p.type);
  const std::size_t es = element_size(p.type);
  if (es) {
    const std::uint32_t count = static_cast<std::uint32_t>(p.data.size() / es);
    if (p.data.size() > 128) {
      uLongf size = compressBound(static_cast<uLong>(p.data.size()));
      std::string packed(size, '\0');
      if (compress2(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(p.data.data()),
                    static_cast<uLong>(p.data.size()), 6) != Z_OK)
        throw InputError("FBX writer: zlib failed");
      packed.resize(size);
      put<std::uint32_t>(out, count);
      put<std::uint32_t>(out, 1);
      put<std::uint32_t>(out, static_cast<std::uint32_t>(packed.size()));
      out += packed;
    } else {
      put<std::uint32_t>(out, count);
      put<std::uint32_t>(out, 0);
      put<std::uint32_t>(out, static_cast<std::uint32_t>(p.data.size()));
      out += p.data;
    }
  } else if (p.type == 'S' || p.type == 'R') {
    put<std::uint32_t>(out, static_cast<std::uint32_t>(p.data.size()));
    out += p.data;
  } else {
    out += p.data;
  }
  return out;
}

void encode_node(std::string& out, const Node& node, std::size_t base) {
  if (node.name.size() > 255) throw InputError("FBX writer: node name longer than 255 bytes: " + node.name.substr(0, 40));
  const std::size_t start = out.size();
  out.append(12, '\0');  // end offset, property count, property bytes: patched below
  out += static_cast<char>(node.name.size());
  out += node.name;
  const std::size_t props_start = out.size();
  for (const Property& p : node.properties) out += encode_property(p);
  const std::size_t props_bytes = out.size() - props_start;
  for (const Node& child : node.children) encode_node(out, child, base);
  if (!node.children.empty() || node.properties.empty()) out.append(kEndRecord, '\0');
  const std::uint64_t end = base + out.size();
  if (end > 0xffffffffull) throw InputError("FBX writer: file larger than 4 GB (FBX 7.4 uses 32-bit offsets)");
  auto patch = [&](std::size_t at, std::uint32_t v) { std::memcpy(out.data() + at, &v, 4); };
  patch(start, static_cast<std::uint32_t>(end));
  patch(start + 4, static_cast<std::uint32_t>(node.properties.size()));
  patch(start + 8, static_cast<std::uint32_t>(props_bytes));
}

struct Parser {
  std::string_view bytes;
  std::string source;

  [[noreturn]] void fail(std::size_t at, const std::string& what) const {
    throw InputError(source + ": " + what + " at byte " + std::to_string(at));
  }
  void need(std::size_t at, std::size_t n, const char* what) const {
    if (at > bytes.size() || n > bytes.size() - at) fail(at, std::string("truncated ") + what);
  }

  Property property(std::size_t& at) const {
    need(at, 1, "property");
    Property p;
    p.type = bytes[at++];
    std::size_t n = 0;
    switch (p.type) {
      case 'Y': n = 2; break;
      case 'C': n = 1; break;
      case 'I': case 'F': n = 4; break;
      case 'D': case 'L': n = 8; break;
      case 'S': case 'R': {
        need(at, 4, "string length");
        const std::uint32_t len = get<std::uint32_t>(bytes, at);
        at += 4;
        need(at, len, "string");
        p.data.assign(bytes.data() + at, len);
        at += len;
        return p;
      }
      case 'f': case 'd': case 'l': case 'i': case 'b': {
        need(at, 12, "array header");
        const std::uint32_t count = get<std::uint32_t>(bytes, at), encoding = get<std::uint32_t>(bytes, at + 4),
                            length = get<std::uint32_t>(bytes, at + 8);
        at += 12;
        need(at, length, "array data");
        const std::size_t raw_size = static_cast<std::size_t>(count) * element_size(p.type);
        if (encoding == 0) {
          if (length != raw_size) fail(at, "array length does not match its count");
          p.data.assign(bytes.data() + at, length);
        } else if (encoding == 1) {
          p.data.resize(raw_size);
          uLongf size = static_cast<uLongf>(raw_size);
          if (uncompress(reinterpret_cast<Bytef*>(p.data.data()), &size, reinterpret_cast<const Bytef*>(bytes.data() + at), length) != Z_OK ||
              size != raw_size)
            fail(at, "corrupt compressed array");
        } else {
          fail(at, "unknown array encoding " + std::to_string(encoding));
        }
        at += length;
        return p;
      }
      default:
        fail(at - 1, std::string("unknown property type '") + p.type + "'");
    }
    need(at, n, "property value");
    p.data.assign(bytes.data() + at, n);
    at += n;
    return p;
  }

  /// Parses the node at `at`; returns false for an end record (13 zero bytes).
  bool node(std::size_t& at, Node& out, int depth) const {
    if (depth > 64) fail(at, "nodes nested too deeply");
    need(at, kEndRecord, "node header");
    const std::uint32_t end = get<std::uint32_t>(bytes, at), count = get<std::uint32_t>(bytes, at + 4),
                        props_bytes = get<std::uint32_t>(bytes, at + 8);
    const std::uint8_t name_len = static_cast<std::uint8_t>(bytes[at + 12]);
    if (end == 0 && count == 0 && props_bytes == 0 && name_len == 0) {
      at += kEndRecord;
      return false;
    }
    if (end <= at || end > bytes.size()) fail(at, "node end offset out of range");
    std::size_t p = at + 13;
    need(p, name_len, "node name");
    out.name.assign(bytes.data() + p, name_len);
    p += name_len;
    const std::size_t props_end = p + props_bytes;
    if (props_end > end) fail(p, "node '" + out.name + "' properties overrun the node");
    for (std::uint32_t i = 0; i < count; ++i) out.properties.push_back(property(p));
    if (p != props_end) fail(p, "node '" + out.name + "' property bytes do not match their length");
    if (p < end) {
      // Children, closed by an end record.
      while (true) {
        if (p >= end) fail(p, "node '" + out.name + "' has no end record after its children");
        Node child;
        if (!node(p, child, depth + 1)) break;
        out.children.push_back(std::move(child));
      }
      if (p != end) fail(p, "node '" + out.name + "' ends at the wrong offset");
    }
    at = end;
    return true;
  }
};

}  // namespace

std::int64_t Property::as_int() const {
  switch (type) {
    case 'Y': { std::int16_t v; std::memcpy(&v, data.data(), 2); return v; }
    case 'C': return data[0] != 0;
    case 'I': { std::int32_t v; std::memcpy(&v, data.data(), 4); return v; }
    case 'L': { std::int64_t v; std::memcpy(&v, data.data(), 8); return v; }
    default: throw InputError(std::string("FBX property of type '") + type + "' is not an integer");
  }
}

double Property::as_double() const {
  if (type == 'F') { float v; std::memcpy(&v, data.data(), 4); return v; }
  if (type == 'D') { double v; std::memcpy(&v, data.data(), 8); return v; }
  return static_cast<double>(as_int());
}

std::string Property::as_string() const {
  if (type != 'S' && type != 'R') throw InputError(std::string("FBX property of type '") + type + "' is not a string");
  return data;
}

std::size_t Property::array_size() const {
  const std::size_t es = element_size(type);
  return es ? data.size() / es : 0;
}

std::vector<double> Property::as_doubles() const {
  std::vector<double> out(array_size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (type == 'd') out[i] = get<double>(data, 8 * i);
    else if (type == 'f') out[i] = get<float>(data, 4 * i);
    else throw InputError(std::string("FBX property of type '") + type + "' is not a float array");
  }
  return out;
}

std::vector<std::int64_t> Property::as_ints() const {
  std::vector<std::int64_t> out(array_size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (type == 'i') out[i] = get<std::int32_t>(data, 4 * i);
    else if (type == 'l') out[i] = get<std::int64_t>(data, 8 * i);
    else if (type == 'b') out[i] = static_cast<std::uint8_t>(data[i]);
    else throw InputError(std::string("FBX property of type '") + type + "' is not an integer array");
  }
  return out;
}

Node& Node::i16(std::int16_t v) { properties.push_back({'Y', scalar(v)}); return *this; }
Node& Node::boolean(bool v) { properties.push_back({'C', std::string(1, v ? 1 : 0)}); return *this; }
Node& Node::i32(std::int32_t v) { properties.push_back({'I', scalar(v)}); return *this; }
Node& Node::i64(std::int64_t v) { properties.push_back({'L', scalar(v)}); return *this; }
Node& Node::f32(float v) { properties.push_back({'F', scalar(v)}); return *this; }
Node& Node::f64(double v) { properties.push_back({'D', scalar(v)}); return *this; }
Node& Node::str(std::string_view v) { properties.push_back({'S', std::string(v)}); return *this; }
Node& Node::raw(std::string_view v) { properties.push_back({'R', std::string(v)}); return *this; }
Node& Node::f64s(const std::vector<double>& v) { properties.push_back({'d', array_bytes(v)}); return *this; }
Node& Node::f32s(const std::vector<float>& v) { properties.push_back({'f', array_bytes(v)}); return *this; }
Node& Node::i32s(const std::vector<std::int32_t>& v) { properties.push_back({'i', array_bytes(v)}); return *this; }
Node& Node::i64s(const std::vector<std::int64_t>& v) { properties.push_back({'l', array_bytes(v)}); return *this; }

Node& Node::add(std::string child_name) {
  children.emplace_back(std::move(child_name));
  return children.back();
}

const Node* Node::find(std::string_view child_name) const {
  for (const Node& c : children)
    if (c.name == child_name) return &c;
  return nullptr;
}

std::vector<const Node*> Node::find_all(std::string_view child_name) const {
  std::vector<const Node*> out;
  for (const Node& c : children)
    if (c.name == child_name) out.push_back(&c);
  return out;
}

const Node* Document::find(std::string_view name) const {
  for (const Node& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

std::string encode(const std::vector<Node>& nodes, std::uint32_t version) {
  std::string out(kMagic, kMagicSize);
  put<std::uint32_t>(out, version);
  std::string body;
  for (const Node& n : nodes) encode_node(body, n, out.size());
  out += body;
  out.append(kEndRecord, '\0');
  // Footer: a fixed 16-byte id, 4 zero bytes, zero padding to a 16-byte boundary (a full 16 when
  // already aligned), the version, 120 zero bytes and a fixed 16-byte magic (what the FBX SDK writes).
  static const unsigned char kFootId[16] = {0xfa, 0xbc, 0xab, 0x09, 0xd0, 0xc8, 0xd4, 0x66, 0xb1, 0x76, 0xfb, 0x83, 0x1c, 0xf7, 0x26, 0x7e};
  static const unsigned char kFootMagic[16] = {0xf8, 0x5a, 0x8c, 0x6a, 0xde, 0xf5, 0xd9, 0x7e, 0xec, 0xe9, 0x0c, 0xe3, 0x75, 0x8f, 0x29, 0x0b};
  out.append(reinterpret_cast<const char*>(kFootId), 16);
  out.append(4, '\0');
  std::size_t pad = ((out.size() + 15) & ~static_cast<std::size_t>(15)) - out.size();
  if (pad == 0) pad = 16;
  out.append(pad, '\0');
  put<std::uint32_t>(out, version);
  out.append(120, '\0');
  out.append(reinterpret_cast<const char*>(kFootMagic), 16);
  return out;
}

Document decode(std::string_view bytes, const std::string& source) {
  Parser parser{bytes, source};
  if (bytes.size() < kMagicSize + 4 || std::memcmp(bytes.data(), kMagic, kMagicSize) != 0)
    throw InputError(source + ": not a binary FBX file (bad header)");
  Document doc;
  doc.version = get<std::uint32_t>(bytes, kMagicSize);
  if (doc.version >= 7500) throw InputError(source + ": FBX version " + std::to_string(doc.version) + " uses 64-bit records, not read here");
  std::size_t at = kMagicSize + 4;
  while (true) {
    Node n;
    if (!parser.node(at, n, 0)) break;
    doc.nodes.push_back(std::move(n));
  }
  return doc;
}

Document read_file(const std::filesystem::path& path) { return decode(likeness::read_file(path), path.string()); }

std::string object_name(std::string_view name, std::string_view cls) {
  std::string out(name);
  out += '\0';
  out += '\1';
  out += cls;
  return out;
}

std::string name_of(std::string_view object_name) {
  const std::size_t at = object_name.find(std::string_view("\0\1", 2));
  return std::string(at == std::string_view::npos ? object_name : object_name.substr(0, at));
}

}  // namespace likeness::exporter::fbx
