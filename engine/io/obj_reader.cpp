#include "engine/io/obj_reader.h"

#include <charconv>
#include <string_view>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

namespace likeness::io {
namespace {

class LineParser {
public:
  LineParser(std::string_view line, const std::string& source, std::size_t line_no)
      : rest_(line), source_(source), line_no_(line_no) {}

  std::string_view word() {
    skip_space();
    std::size_t end = 0;
    while (end < rest_.size() && rest_[end] != ' ' && rest_[end] != '\t') ++end;
    std::string_view w = rest_.substr(0, end);
    rest_.remove_prefix(end);
    return w;
  }

  float number() {
    std::string_view w = word();
    float value = 0;
    auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), value);
    if (w.empty() || ec != std::errc() || ptr != w.data() + w.size()) fail("expected a number, found '" + std::string(w) + "'");
    return value;
  }

  bool at_end() {
    skip_space();
    return rest_.empty();
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw InputError(source_ + ":" + std::to_string(line_no_) + ": " + message);
  }

private:
  void skip_space() {
    while (!rest_.empty() && (rest_.front() == ' ' || rest_.front() == '\t')) rest_.remove_prefix(1);
  }
  std::string_view rest_;
  const std::string& source_;
  std::size_t line_no_;
};

std::int32_t parse_index(std::string_view text, std::size_t count, const LineParser& parser, const char* what) {
  long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
    parser.fail(std::string("bad ") + what + " index '" + std::string(text) + "'");
  long resolved = value < 0 ? static_cast<long>(count) + value : value - 1;
  if (value == 0 || resolved < 0 || resolved >= static_cast<long>(count))
    parser.fail(std::string(what) + " index " + std::to_string(value) + " out of range (" + std::to_string(count) + " defined)");
  return static_cast<std::int32_t>(resolved);
}

}  // namespace

ObjMesh parse_obj(const std::string& text, const std::string& source, const ObjReadOptions& options) {
  ObjMesh mesh;
  std::int32_t current_material = -1;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    LineParser p(line, source, line_no);
    std::string_view kind = p.word();
    if (kind == "v") {
      mesh.positions.push_back({p.number(), p.number(), p.number()});
    } else if (options.positions_only) {
      continue;
    } else if (kind == "vt") {
      mesh.uvs.push_back({p.number(), p.number()});
    } else if (kind == "vn") {
      mesh.normals.push_back({p.number(), p.number(), p.number()});
    } else if (kind == "f") {
      std::size_t corners = 0;
      while (!p.at_end()) {
        std::string_view corner = p.word();
        std::size_t s1 = corner.find('/');
        std::string_view v = corner.substr(0, s1);
        mesh.corner_position.push_back(parse_index(v, mesh.positions.size(), p, "vertex"));
        std::int32_t vt = -1, vn = -1;
        if (s1 != std::string_view::npos) {
          std::string_view rest = corner.substr(s1 + 1);
          std::size_t s2 = rest.find('/');
          std::string_view t = rest.substr(0, s2);
          if (!t.empty()) vt = parse_index(t, mesh.uvs.size(), p, "texture coordinate");
          if (s2 != std::string_view::npos && s2 + 1 < rest.size())
            vn = parse_index(rest.substr(s2 + 1), mesh.normals.size(), p, "normal");
        }
        mesh.corner_uv.push_back(vt);
        mesh.corner_normal.push_back(vn);
        ++corners;
      }
      if (corners < 3) p.fail("face with " + std::to_string(corners) + " corners");
      mesh.face_offsets.push_back(static_cast<std::uint32_t>(mesh.corner_position.size()));
      mesh.face_material.push_back(current_material);
    } else if (kind == "usemtl") {
      std::string name(p.word());
      current_material = -1;
      for (std::size_t i = 0; i < mesh.materials.size(); ++i)
        if (mesh.materials[i] == name) current_material = static_cast<std::int32_t>(i);
      if (current_material < 0) {
        current_material = static_cast<std::int32_t>(mesh.materials.size());
        mesh.materials.push_back(name);
      }
    } else if (kind == "mtllib") {
      mesh.mtllib = std::string(p.word());
    }
    // o, g, s and other statements carry nothing this reader needs.
  }
  return mesh;
}

ObjMesh read_obj(const std::filesystem::path& path, const ObjReadOptions& options) {
  return parse_obj(read_file(path), path.string(), options);
}

}  // namespace likeness::io
