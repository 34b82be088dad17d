#pragma once
// Reading config.json fields the way diffusers and transformers do: an int or a per-block list,
// optional fields with defaults, and options that must keep their default.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace likeness::neural::detail {

using Json = nlohmann::json;

/// The field as a list of `count` ints: a scalar is repeated, a list must have `count` entries.
/// Missing or null: `fallback` repeated.
std::vector<std::int64_t> int_or_list(const Json& json, const std::string& key, std::size_t count, std::int64_t fallback,
                                      const std::string& source);

std::int64_t get_int(const Json& json, const std::string& key, std::int64_t fallback, const std::string& source);
double get_double(const Json& json, const std::string& key, double fallback, const std::string& source);
bool get_bool(const Json& json, const std::string& key, bool fallback, const std::string& source);
std::string get_string(const Json& json, const std::string& key, const std::string& fallback, const std::string& source);
std::vector<std::int64_t> get_int_list(const Json& json, const std::string& key, const std::string& source);
std::vector<std::string> get_string_list(const Json& json, const std::string& key, const std::string& source);

/// InputError unless the field is absent, null, or equal to `allowed` (its default); `why` says
/// what a non-default value means ("SDXL's added conditioning").
void require_default(const Json& json, const std::string& key, const Json& allowed, const std::string& why,
                     const std::string& source);

/// InputError unless the field is absent or one of `allowed`.
void require_one_of(const Json& json, const std::string& key, const std::vector<std::string>& allowed,
                    const std::string& source);

}  // namespace likeness::neural::detail
