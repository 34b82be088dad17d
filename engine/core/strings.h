#pragma once
// Small string helpers used across the engine.
#include <string>
#include <string_view>
#include <vector>

namespace likeness {

std::string to_lower_ascii(std::string_view text);
std::string_view trim(std::string_view text);
std::vector<std::string> split(std::string_view text, char separator, bool keep_empty = false);
bool starts_with(std::string_view text, std::string_view prefix);
bool ends_with(std::string_view text, std::string_view suffix);
std::string join(const std::vector<std::string>& parts, std::string_view separator);

/// Formats a double with `digits` significant decimals, without trailing zeros noise.
std::string format_number(double value, int decimals = 2);

/// Returns true if `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

/// The closest candidates to `word` by edit distance (for "did you mean" messages).
std::vector<std::string> closest_words(std::string_view word, const std::vector<std::string>& candidates,
                                       size_t max_results = 3, size_t max_distance = 3);

/// Levenshtein edit distance.
size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace likeness
