#pragma once
// A file written in pieces that appears atomically: bytes stream into a temporary file beside the
// target (".NAME.tmp-PID-N"), commit() fsyncs it, renames it over the target and syncs the folder.
// Until commit() the target is untouched; a writer destroyed without commit() removes its
// temporary. Temporaries left by killed processes are removed by the next writer of that target.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace likeness::doc {

class AtomicFileWriter {
public:
  /// Creates the temporary file. Throws InputError naming `target` if it cannot.
  explicit AtomicFileWriter(std::filesystem::path target);
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  /// Appends bytes (buffered).
  void write(std::string_view bytes);
  void write(const void* data, std::size_t size) { write(std::string_view(static_cast<const char*>(data), size)); }

  /// Bytes written so far (the offset of the next byte).
  std::uint64_t offset() const { return offset_; }

  /// Writes buffered bytes to the temporary file (so it can be opened and read before commit).
  void flush_to_file() { flush(); }

  /// Flushes, fsyncs, renames over the target and syncs the folder. Throws InputError on failure
  /// (the target is then untouched).
  void commit();

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temporary() const { return temporary_; }

private:
  void flush();
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  int fd_ = -1;
  std::string buffer_;
  std::uint64_t offset_ = 0;
  bool committed_ = false;
};

/// Removes temporaries of `target` (".NAME.tmp-PID-*") whose writing process no longer exists.
/// Returns how many were removed.
int remove_stale_temporaries(const std::filesystem::path& target);

}  // namespace likeness::doc
