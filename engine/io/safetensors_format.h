#pragma once
// The safetensors container, parsed and validated without LibTorch (so the fuzz target and tools
// that only inspect files stay light).
//
// Layout: u64 little-endian header length N, N bytes of JSON, then the data section. Each JSON
// entry but "__metadata__" is {"dtype": D, "shape": [..], "data_offsets": [begin, end]} with offsets
// relative to the data section. Validation is as strict as the reference implementation: offsets in
// range, sizes consistent with dtype and shape, no overlaps, no holes, nothing after the last tensor.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace likeness::io {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

/// "F32" -> DType::F32; nullopt for names this reader does not know.
std::optional<DType> dtype_from_name(const std::string& name);
const char* dtype_name(DType dtype);
std::size_t dtype_size(DType dtype);

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0;  ///< offset of the first byte in the data section
  std::uint64_t end = 0;    ///< one past the last byte
  std::int64_t numel() const;
  std::uint64_t nbytes() const { return end - begin; }
};

struct SafetensorsHeader {
  std::vector<TensorInfo> tensors;  ///< in file (offset) order
  std::map<std::string, std::string> metadata;
  std::uint64_t data_start = 0;  ///< absolute offset of the data section in the file
};

/// Largest header accepted (the reference implementation's limit).
inline constexpr std::uint64_t kMaxSafetensorsHeader = 100ull * 1024 * 1024;

/// Parses and validates a whole file image. Throws InputError whose message starts with `source`
/// and names the tensor or field at fault.
SafetensorsHeader parse_safetensors(const std::uint8_t* data, std::size_t size, const std::string& source);

/// Serialises a header for tensors laid out back to back in the given order (offsets are
/// recomputed); the JSON is padded with spaces so the data section starts 8-byte aligned.
std::string build_safetensors_header(std::vector<TensorInfo>& tensors,
                                     const std::map<std::string, std::string>& metadata);

}  // namespace likeness::io
