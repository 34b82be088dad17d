#include "engine/core/json_util.h"

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

namespace likeness {

void throw_json_error(const std::string& source, const std::string& field, const std::string& what) {
  throw InputError(at_file(source, "field '" + field + "': " + what));
}

Json parse_json(const std::string& text, const std::string& source) {
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(at_file(source, std::string("invalid JSON: ") + e.what()));
  }
}

Json load_json_file(const std::filesystem::path& path) {
  return parse_json(read_file(path), path.string());
}

void save_json_file(const std::filesystem::path& path, const Json& value, int indent) {
  write_file_atomic(path, value.dump(indent) + "\n");
}

}  // namespace likeness
