#pragma once
// A private (copy-on-write) memory mapping of a whole file: writes through it never reach the file. Shared ownership is by shared_ptr so
// tensors made from the mapping can keep it alive.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace likeness {

class MappedFile {
public:
  /// Maps `path` read-only. Throws InputError naming the file if it cannot be opened or mapped.
  static std::shared_ptr<MappedFile> open(const std::filesystem::path& path);

  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  const std::string& path() const { return path_; }

private:
  MappedFile(std::string path, const std::uint8_t* data, std::size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}
  std::string path_;
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace likeness
