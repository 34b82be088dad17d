#pragma once
// JSON helpers whose errors name the file and the field at fault.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace likeness {

using Json = nlohmann::json;

/// Throws InputError "SOURCE: field 'FIELD': WHAT".
[[noreturn]] void throw_json_error(const std::string& source, const std::string& field, const std::string& what);

/// Parses a JSON file; InputError "FILE: line L, column C: ..." on bad syntax.
Json load_json_file(const std::filesystem::path& path);

/// Parses JSON text; `source` names it in error messages.
Json parse_json(const std::string& text, const std::string& source);

/// Writes JSON atomically, pretty-printed with `indent` spaces (-1 for compact).
void save_json_file(const std::filesystem::path& path, const Json& value, int indent = 2);

/// Reads a required field of an object: InputError "SOURCE: field 'PATH': ..." if missing or of
/// the wrong type.
template <typename T>
T json_field(const Json& object, const std::string& key, const std::string& source) {
  if (!object.is_object()) throw_json_error(source, key, "expected an object around it");
  auto it = object.find(key);
  if (it == object.end()) throw_json_error(source, key, "missing");
  try {
    return it->template get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw_json_error(source, key, std::string("wrong type: ") + e.what());
  }
}

/// Reads an optional field with a default.
template <typename T>
T json_field_or(const Json& object, const std::string& key, const T& fallback, const std::string& source) {
  if (!object.is_object() || !object.contains(key)) return fallback;
  return json_field<T>(object, key, source);
}

}  // namespace likeness
