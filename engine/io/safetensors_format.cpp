#include "engine/io/safetensors_format.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/core/error.h"

namespace likeness::io {
namespace {

using Json = nlohmann::json;

struct DTypeRow {
  DType dtype;
  const char* name;
  std::size_t size;
};

constexpr DTypeRow kDTypes[] = {
    {DType::F64, "F64", 8}, {DType::F32, "F32", 4}, {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8}, {DType::I32, "I32", 4}, {DType::I16, "I16", 2}, {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},   {DType::BOOL, "BOOL", 1},
};

[[noreturn]] void fail(const std::string& source, const std::string& message) {
  throw InputError(source + ": " + message);
}

[[noreturn]] void fail_tensor(const std::string& source, const std::string& tensor, const std::string& message) {
  throw InputError(source + ": tensor '" + tensor + "': " + message);
}

std::uint64_t read_u64_le(const std::uint8_t* p) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

std::uint64_t json_u64(const Json& value, const std::string& source, const std::string& tensor, const char* what) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer()) {
    auto v = value.get<std::int64_t>();
    if (v >= 0) return static_cast<std::uint64_t>(v);
  }
  fail_tensor(source, tensor, std::string(what) + " must hold non-negative integers, found " + value.dump());
}

TensorInfo parse_entry(const std::string& name, const Json& entry, const std::string& source) {
  if (!entry.is_object()) fail_tensor(source, name, "entry is not an object");
  for (const auto& item : entry.items())
    if (item.key() != "dtype" && item.key() != "shape" && item.key() != "data_offsets")
      fail_tensor(source, name, "unknown field '" + item.key() + "'");
  TensorInfo info;
  info.name = name;
  auto dt = entry.find("dtype");
  if (dt == entry.end() || !dt->is_string()) fail_tensor(source, name, "missing or non-string 'dtype'");
  auto dtype = dtype_from_name(dt->get<std::string>());
  if (!dtype) fail_tensor(source, name, "unsupported dtype '" + dt->get<std::string>() + "'");
  info.dtype = *dtype;

  auto shape = entry.find("shape");
  if (shape == entry.end() || !shape->is_array()) fail_tensor(source, name, "missing or non-array 'shape'");
  if (shape->size() > 16) fail_tensor(source, name, "shape has " + std::to_string(shape->size()) + " dimensions");
  for (const Json& dim : *shape) {
    std::uint64_t d = json_u64(dim, source, name, "'shape'");
    if (d > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      fail_tensor(source, name, "dimension too large");
    info.shape.push_back(static_cast<std::int64_t>(d));
  }

  auto offsets = entry.find("data_offsets");
  if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2)
    fail_tensor(source, name, "'data_offsets' must be [begin, end]");
  info.begin = json_u64((*offsets)[0], source, name, "'data_offsets'");
  info.end = json_u64((*offsets)[1], source, name, "'data_offsets'");
  if (info.end < info.begin)
    fail_tensor(source, name, "data_offsets end " + std::to_string(info.end) + " before begin " + std::to_string(info.begin));

  // numel * element size, with overflow checks.
  std::uint64_t bytes = dtype_size(info.dtype);
  for (std::int64_t d : info.shape) {
    if (d != 0 && bytes > std::numeric_limits<std::uint64_t>::max() / static_cast<std::uint64_t>(d))
      fail_tensor(source, name, "shape overflows the size of a file");
    bytes *= static_cast<std::uint64_t>(d);
  }
  if (bytes != info.nbytes())
    fail_tensor(source, name, "shape and dtype need " + std::to_string(bytes) + " bytes but data_offsets span " +
                                  std::to_string(info.nbytes()));
  return info;
}

}  // namespace

std::optional<DType> dtype_from_name(const std::string& name) {
  for (const DTypeRow& row : kDTypes)
    if (name == row.name) return row.dtype;
  return std::nullopt;
}

const char* dtype_name(DType dtype) {
  for (const DTypeRow& row : kDTypes)
    if (row.dtype == dtype) return row.name;
  return "?";
}

std::size_t dtype_size(DType dtype) {
  for (const DTypeRow& row : kDTypes)
    if (row.dtype == dtype) return row.size;
  return 0;
}

std::int64_t TensorInfo::numel() const {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

SafetensorsHeader parse_safetensors(const std::uint8_t* data, std::size_t size, const std::string& source) {
  if (size < 8) fail(source, "truncated: " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
  const std::uint64_t header_len = read_u64_le(data);
  if (header_len > kMaxSafetensorsHeader)
    fail(source, "header length " + std::to_string(header_len) + " exceeds the 100 MB limit (not a safetensors file?)");
  if (header_len > size - 8)
    fail(source, "truncated: header length " + std::to_string(header_len) + " but only " + std::to_string(size - 8) +
                     " bytes follow");
  if (header_len < 2) fail(source, "header too short to hold a JSON object");
  const char* text = reinterpret_cast<const char*>(data + 8);
  if (text[0] != '{') fail(source, "header does not start with '{'");

  // Parse with a callback so duplicate tensor names are caught (plain parsing keeps the last).
  std::set<std::string> seen_keys;
  std::string duplicate;
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (depth == 1 && event == Json::parse_event_t::key) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!seen_keys.insert(key).second && duplicate.empty()) duplicate = key;
    }
    return true;
  };
  Json header;
  try {
    header = Json::parse(text, text + header_len, callback);
  } catch (const Json::exception& e) {
    fail(source, std::string("header is not valid JSON: ") + e.what());
  }
  if (!duplicate.empty()) fail_tensor(source, duplicate, "appears twice in the header");
  if (!header.is_object()) fail(source, "header is not a JSON object");

  SafetensorsHeader out;
  out.data_start = 8 + header_len;
  const std::uint64_t data_size = size - out.data_start;
  for (const auto& item : header.items()) {
    if (item.key() == "__metadata__") {
      if (!item.value().is_object()) fail(source, "__metadata__ is not an object");
      for (const auto& meta : item.value().items()) {
        if (!meta.value().is_string()) fail(source, "__metadata__ field '" + meta.key() + "' is not a string");
        out.metadata[meta.key()] = meta.value().get<std::string>();
      }
      continue;
    }
    out.tensors.push_back(parse_entry(item.key(), item.value(), source));
  }

  std::sort(out.tensors.begin(), out.tensors.end(),
            [](const TensorInfo& a, const TensorInfo& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  std::uint64_t expected = 0;
  for (const TensorInfo& t : out.tensors) {
    if (t.end > data_size)
      fail_tensor(source, t.name, "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                                      "] run past the end of the data (" + std::to_string(data_size) +
                                      " bytes): file truncated?");
    if (t.begin < expected) fail_tensor(source, t.name, "data overlaps the previous tensor");
    if (t.begin > expected)
      fail_tensor(source, t.name, "gap of " + std::to_string(t.begin - expected) + " bytes before its data");
    expected = t.end;
  }
  if (expected != data_size)
    fail(source, "oversized: " + std::to_string(data_size - expected) + " bytes after the last tensor's data");
  return out;
}

std::string build_safetensors_header(std::vector<TensorInfo>& tensors,
                                     const std::map<std::string, std::string>& metadata) {
  Json header = Json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  for (TensorInfo& t : tensors) {
    t.begin = offset;
    t.end = offset + static_cast<std::uint64_t>(t.numel()) * dtype_size(t.dtype);
    offset = t.end;
    header[t.name] = {{"dtype", dtype_name(t.dtype)}, {"shape", t.shape}, {"data_offsets", {t.begin, t.end}}};
  }
  std::string json = header.dump();
  while ((8 + json.size()) % 8 != 0) json.push_back(' ');
  std::string out(8, '\0');
  std::uint64_t n = json.size();
  for (int i = 0; i < 8; ++i) out[static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return out + json;
}

}  // namespace likeness::io
