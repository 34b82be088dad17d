#pragma once
// Reading and writing safetensors files as LibTorch tensors.
//
// Reading memory-maps the file (private, copy-on-write) and validates it whole on open (see
// safetensors_format.h). Tensors are zero-copy views of the mapping when their data is aligned for
// their dtype; they keep the mapping alive, and writing to one never touches the file.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/io/safetensors_format.h"

namespace likeness {
class MappedFile;
}

namespace likeness::io {

class SafetensorsFile {
public:
  /// Opens and validates `path`. Throws InputError naming the file (and tensor) if malformed.
  static SafetensorsFile open(const std::filesystem::path& path);

  const std::string& path() const;
  const std::vector<TensorInfo>& tensors() const { return header_.tensors; }
  const std::map<std::string, std::string>& metadata() const { return header_.metadata; }
  const TensorInfo* find(const std::string& name) const;
  bool contains(const std::string& name) const { return find(name) != nullptr; }
  std::vector<std::string> names() const;

  /// The tensor in its stored dtype. Throws InputError naming the file if it is absent.
  at::Tensor tensor(const std::string& name) const;

  /// The tensor converted to `dtype` (a copy only when the dtype differs).
  at::Tensor tensor(const std::string& name, at::ScalarType dtype) const;

  /// The tensor, checked to have `shape` (-1 matches any size), else InputError naming both shapes.
  at::Tensor tensor_checked(const std::string& name, const std::vector<std::int64_t>& shape) const;

private:
  std::shared_ptr<MappedFile> file_;
  SafetensorsHeader header_;
  std::map<std::string, std::size_t> index_;
};

at::ScalarType to_scalar_type(DType dtype);
DType from_scalar_type(at::ScalarType type);

/// Writes tensors (any CPU dtype the format knows) in the given order, atomically.
void save_safetensors(const std::filesystem::path& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

/// Serialises to bytes (for containers such as project files).
std::string safetensors_bytes(const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                              const std::map<std::string, std::string>& metadata = {});

/// Parses safetensors bytes held in memory (copied into tensors the caller owns).
std::vector<std::pair<std::string, at::Tensor>> load_safetensors_bytes(const std::string& bytes, const std::string& source,
                                                                       std::map<std::string, std::string>* metadata = nullptr);

}  // namespace likeness::io
