#include "engine/io/safetensors.h"

#include <ATen/ATen.h>

#include <cstring>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/mapped_file.h"

namespace likeness::io {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors data is little-endian");

at::ScalarType to_scalar_type(DType dtype) {
  switch (dtype) {
    case DType::F64: return at::kDouble;
    case DType::F32: return at::kFloat;
    case DType::F16: return at::kHalf;
    case DType::BF16: return at::kBFloat16;
    case DType::I64: return at::kLong;
    case DType::I32: return at::kInt;
    case DType::I16: return at::kShort;
    case DType::I8: return at::kChar;
    case DType::U8: return at::kByte;
    case DType::BOOL: return at::kBool;
  }
  return at::kFloat;
}

DType from_scalar_type(at::ScalarType type) {
  switch (type) {
    case at::kDouble: return DType::F64;
    case at::kFloat: return DType::F32;
    case at::kHalf: return DType::F16;
    case at::kBFloat16: return DType::BF16;
    case at::kLong: return DType::I64;
    case at::kInt: return DType::I32;
    case at::kShort: return DType::I16;
    case at::kChar: return DType::I8;
    case at::kByte: return DType::U8;
    case at::kBool: return DType::BOOL;
    default: throw InputError(std::string("safetensors cannot store dtype ") + c10::toString(type));
  }
}

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
  SafetensorsFile out;
  out.file_ = MappedFile::open(path);
  out.header_ = parse_safetensors(out.file_->data(), out.file_->size(), path.string());
  for (std::size_t i = 0; i < out.header_.tensors.size(); ++i) out.index_[out.header_.tensors[i].name] = i;
  return out;
}

const std::string& SafetensorsFile::path() const { return file_->path(); }

const TensorInfo* SafetensorsFile::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &header_.tensors[it->second];
}

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> out;
  for (const TensorInfo& t : header_.tensors) out.push_back(t.name);
  return out;
}

at::Tensor SafetensorsFile::tensor(const std::string& name) const {
  const TensorInfo* info = find(name);
  if (!info) throw InputError(path() + ": no tensor named '" + name + "'");
  const auto options = at::TensorOptions().dtype(to_scalar_type(info->dtype));
  const std::uint8_t* bytes = file_->data() + header_.data_start + info->begin;
  if (info->numel() == 0) return at::empty(info->shape, options);
  if (reinterpret_cast<std::uintptr_t>(bytes) % dtype_size(info->dtype) != 0) {
    // Misaligned for its dtype: copy into an aligned tensor.
    at::Tensor out = at::empty(info->shape, options);
    std::memcpy(out.data_ptr(), bytes, info->nbytes());
    return out;
  }
  std::shared_ptr<MappedFile> keep = file_;
  // The mapping is MAP_PRIVATE: writes to the tensor go to private copy-on-write pages.
  return at::from_blob(const_cast<std::uint8_t*>(bytes), info->shape, [keep](void*) mutable { keep.reset(); },
                       options);
}

at::Tensor SafetensorsFile::tensor(const std::string& name, at::ScalarType dtype) const {
  at::Tensor t = tensor(name);
  return t.scalar_type() == dtype ? t : t.to(dtype);
}

at::Tensor SafetensorsFile::tensor_checked(const std::string& name, const std::vector<std::int64_t>& shape) const {
  at::Tensor t = tensor(name);
  bool ok = t.dim() == static_cast<std::int64_t>(shape.size());
  for (std::size_t i = 0; ok && i < shape.size(); ++i) ok = shape[i] < 0 || t.size(static_cast<std::int64_t>(i)) == shape[i];
  if (!ok) {
    std::string want = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) want += (i ? ", " : "") + (shape[i] < 0 ? std::string("*") : std::to_string(shape[i]));
    want += "]";
    throw InputError(path() + ": tensor '" + name + "' has shape " + c10::str(t.sizes()) + ", expected " + want);
  }
  return t;
}

std::string safetensors_bytes(const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                              const std::map<std::string, std::string>& metadata) {
  std::vector<TensorInfo> infos;
  std::vector<at::Tensor> data;
  for (const auto& [name, tensor] : tensors) {
    at::Tensor t = tensor.detach().to(at::kCPU).contiguous();
    TensorInfo info;
    info.name = name;
    info.dtype = from_scalar_type(t.scalar_type());
    info.shape = t.sizes().vec();
    infos.push_back(info);
    data.push_back(t);
  }
  std::string out = build_safetensors_header(infos, metadata);
  const std::size_t header_size = out.size();
  out.resize(header_size + (infos.empty() ? 0 : infos.back().end));
  for (std::size_t i = 0; i < infos.size(); ++i)
    if (infos[i].nbytes() > 0) std::memcpy(out.data() + header_size + infos[i].begin, data[i].data_ptr(), infos[i].nbytes());
  return out;
}

void save_safetensors(const std::filesystem::path& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  write_file_atomic(path, safetensors_bytes(tensors, metadata));
}

std::vector<std::pair<std::string, at::Tensor>> load_safetensors_bytes(const std::string& bytes, const std::string& source,
                                                                       std::map<std::string, std::string>* metadata) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  SafetensorsHeader header = parse_safetensors(data, bytes.size(), source);
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const TensorInfo& info : header.tensors) {
    at::Tensor t = at::empty(info.shape, at::TensorOptions().dtype(to_scalar_type(info.dtype)));
    if (info.nbytes() > 0) std::memcpy(t.data_ptr(), data + header.data_start + info.begin, info.nbytes());
    out.emplace_back(info.name, t);
  }
  if (metadata) *metadata = header.metadata;
  return out;
}

}  // namespace likeness::io
