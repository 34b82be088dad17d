#include "engine/neural/detail/config_fields.h"

#include "engine/core/json_util.h"
#include "engine/core/strings.h"

namespace likeness::neural::detail {

namespace {
bool absent(const Json& json, const std::string& key) {
  return !json.is_object() || !json.contains(key) || json.at(key).is_null();
}
}  // namespace

std::int64_t get_int(const Json& json, const std::string& key, std::int64_t fallback, const std::string& source) {
  if (absent(json, key)) return fallback;
  const Json& v = json.at(key);
  if (!v.is_number_integer()) throw_json_error(source, key, "expected an integer, found " + v.dump());
  return v.get<std::int64_t>();
}

double get_double(const Json& json, const std::string& key, double fallback, const std::string& source) {
  if (absent(json, key)) return fallback;
  const Json& v = json.at(key);
  if (!v.is_number()) throw_json_error(source, key, "expected a number, found " + v.dump());
  return v.get<double>();
}

bool get_bool(const Json& json, const std::string& key, bool fallback, const std::string& source) {
  if (absent(json, key)) return fallback;
  const Json& v = json.at(key);
  if (!v.is_boolean()) throw_json_error(source, key, "expected true or false, found " + v.dump());
  return v.get<bool>();
}

std::string get_string(const Json& json, const std::string& key, const std::string& fallback, const std::string& source) {
  if (absent(json, key)) return fallback;
  const Json& v = json.at(key);
  if (!v.is_string()) throw_json_error(source, key, "expected a string, found " + v.dump());
  return v.get<std::string>();
}

std::vector<std::int64_t> get_int_list(const Json& json, const std::string& key, const std::string& source) {
  if (absent(json, key)) throw_json_error(source, key, "missing");
  const Json& v = json.at(key);
  if (!v.is_array() || v.empty()) throw_json_error(source, key, "expected a non-empty list of integers, found " + v.dump());
  std::vector<std::int64_t> out;
  for (const Json& e : v) {
    if (!e.is_number_integer() || e.get<std::int64_t>() <= 0)
      throw_json_error(source, key, "expected positive integers, found " + e.dump());
    out.push_back(e.get<std::int64_t>());
  }
  return out;
}

std::vector<std::string> get_string_list(const Json& json, const std::string& key, const std::string& source) {
  if (absent(json, key)) throw_json_error(source, key, "missing");
  const Json& v = json.at(key);
  if (!v.is_array() || v.empty()) throw_json_error(source, key, "expected a non-empty list of names, found " + v.dump());
  std::vector<std::string> out;
  for (const Json& e : v) {
    if (!e.is_string()) throw_json_error(source, key, "expected names, found " + e.dump());
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::vector<std::int64_t> int_or_list(const Json& json, const std::string& key, std::size_t count, std::int64_t fallback,
                                      const std::string& source) {
  if (absent(json, key)) return std::vector<std::int64_t>(count, fallback);
  const Json& v = json.at(key);
  if (v.is_number_integer()) {
    if (v.get<std::int64_t>() <= 0) throw_json_error(source, key, "must be positive, found " + v.dump());
    return std::vector<std::int64_t>(count, v.get<std::int64_t>());
  }
  if (v.is_array()) {
    if (v.size() != count)
      throw_json_error(source, key,
                       "has " + std::to_string(v.size()) + " entries, expected one per block (" + std::to_string(count) + ")");
    std::vector<std::int64_t> out;
    for (const Json& e : v) {
      if (!e.is_number_integer() || e.get<std::int64_t>() <= 0)
        throw_json_error(source, key, "expected positive integers, found " + e.dump());
      out.push_back(e.get<std::int64_t>());
    }
    return out;
  }
  throw_json_error(source, key, "expected an integer or a list of integers, found " + v.dump());
}

void require_default(const Json& json, const std::string& key, const Json& allowed, const std::string& why,
                     const std::string& source) {
  if (absent(json, key)) return;
  const Json& v = json.at(key);
  if (v == allowed) return;
  throw_json_error(source, key, "value " + v.dump() + " is not supported (" + why + "); supported: " + allowed.dump());
}

void require_one_of(const Json& json, const std::string& key, const std::vector<std::string>& allowed,
                    const std::string& source) {
  if (absent(json, key)) return;
  const Json& v = json.at(key);
  if (v.is_string())
    for (const auto& a : allowed)
      if (v.get<std::string>() == a) return;
  throw_json_error(source, key, "value " + v.dump() + " is not supported; supported: " + join(allowed, ", "));
}

}  // namespace likeness::neural::detail
