#pragma once
// Files written so that a crash or kill never leaves a half-written file: the bytes go to a
// temporary file beside the target, are fsync'ed, then renamed over it, and the folder is synced.
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace likeness {

/// Writes `bytes` to `path` atomically. Throws InputError naming the path on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

/// Writes through a stream callback, atomically. The callback's exceptions leave `path` untouched.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& write);

/// Reads a whole file; throws InputError naming the path if it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace likeness
