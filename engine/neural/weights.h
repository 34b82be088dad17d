#pragma once
// Weights as users hold them: safetensors files (single or sharded), memory-mapped through the
// project's reader, gathered into a map of named tensors that remember their file. Tensors are
// views of the mapping: listing names and shapes reads no weight data.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace likeness::neural {

/// Tensor shapes by name.
using ShapeMap = std::map<std::string, std::vector<std::int64_t>>;

class TensorMap {
public:
  /// Opens a .safetensors file, or every shard named by a *.safetensors.index.json. InputError
  /// naming the file for a malformed file, a missing shard or a name present twice.
  static TensorMap open(const std::filesystem::path& path);

  /// Adds (or replaces) a tensor; `source` names where it came from in messages.
  void insert(const std::string& name, const at::Tensor& tensor, const std::string& source);
  bool contains(const std::string& name) const { return entries_.count(name) > 0; }
  /// The tensor; InputError naming the sources if absent.
  const at::Tensor& at(const std::string& name) const;
  const std::string& source(const std::string& name) const;
  std::vector<std::string> names() const;
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  ShapeMap shapes() const;
  /// The entries whose names start with `prefix`, the prefix removed.
  TensorMap with_prefix(const std::string& prefix) const;
  bool has_prefix(const std::string& prefix) const;
  /// The stored dtypes present, by safetensors name ("F16", "F32").
  std::set<std::string> dtypes() const;
  /// The files the tensors came from, comma-separated.
  std::string sources() const;

private:
  struct Entry {
    at::Tensor tensor;
    std::string source;
  };
  std::map<std::string, Entry> entries_;
};

/// How a set of weights differs from what a module expects.
struct WeightsMismatch {
  std::vector<std::string> missing;      ///< expected names absent from the weights
  std::vector<std::string> wrong_shape;  ///< "name: expected [a, b], found [c, d]"
  std::vector<std::string> unexpected;   ///< names in the weights the module does not have

  bool empty() const { return missing.empty() && wrong_shape.empty() && unexpected.empty(); }
  /// "3 missing (e.g. 'a', 'b'); 1 with the wrong shape (...); 2 unexpected (...)".
  std::string describe(std::size_t max_each = 6) const;
};

/// Compares expected shapes with found ones. Found names matching an entry of `ignorable` (an
/// exact name, or a prefix ending in '.') are not reported as unexpected.
WeightsMismatch compare_shapes(const ShapeMap& expected, const ShapeMap& found, const std::set<std::string>& ignorable = {});

/// "[320, 4, 3, 3]".
std::string shape_text(const std::vector<std::int64_t>& shape);

}  // namespace likeness::neural
