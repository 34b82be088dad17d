#pragma once
// Semantic regions of the head: soft masks in [0, 1] defined once as data
// (resources/face/regions.json) from the landmarks and the part ranges, evaluated on the neutral
// head, per vertex or per UV texel at any resolution. Because they are attached to the topology,
// they follow every identity and expression.
//
// The definition language (documented in docs/regions.md) combines a few soft primitives (2D
// polygons in a view, capsules, ellipsoids, half-spaces, part membership, facing) with
// all/any/not/minus/mirror.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace likeness::face {

class FaceModel;
struct UvRaster;

/// Points where regions are evaluated: positions and normals on the neutral head, and which
/// parts each lies in (bit i = FaceModel::parts()[i]).
struct RegionSamples {
  std::vector<float> position;    ///< N * 3
  std::vector<float> normal;      ///< N * 3
  std::vector<std::uint32_t> parts;  ///< N
  std::size_t size() const { return parts.size(); }
};

class RegionSet {
public:
  /// The default definitions (resources/face/regions.json) for a model, cached per model.
  static std::shared_ptr<const RegionSet> load_default(const std::shared_ptr<const FaceModel>& model);

  /// Definitions from a JSON file. Throws InputError naming the file and the region at fault.
  static std::shared_ptr<const RegionSet> load(const std::shared_ptr<const FaceModel>& model,
                                               const std::filesystem::path& definitions);

  ~RegionSet();

  /// Every region and group name, regions first in file order, then groups.
  const std::vector<std::string>& names() const { return names_; }
  bool contains(const std::string& name) const;
  /// True for a group (a union of regions such as "nose").
  bool is_group(const std::string& name) const;
  /// The regions a group unites (a plain region: itself).
  std::vector<std::string> members(const std::string& name) const;
  /// "skin" or "part" (non-skin: irises, teeth...) for plain regions; "group" for groups.
  std::string kind(const std::string& name) const;

  /// Per-vertex masks [V, R] for all names() (float32), computed once.
  const at::Tensor& vertex_masks() const { return vertex_masks_; }
  /// One region's per-vertex mask [V]. Throws InputError with suggestions if unknown.
  at::Tensor vertex_mask(const std::string& name) const;
  /// Weighted union (max of weight * mask) of regions -> [V].
  at::Tensor vertex_map(const std::map<std::string, float>& weights) const;

  /// Masks of `names` in one UV tile at `resolution`: [N, H, W] float32 (0 where no surface).
  at::Tensor uv_masks(const std::vector<std::string>& names, int tile, int resolution) const;
  /// Weighted union in UV: [H, W].
  at::Tensor uv_map(const std::map<std::string, float>& weights, int tile, int resolution) const;

  /// Evaluates named regions on arbitrary samples: [N, names.size()].
  at::Tensor evaluate(const std::vector<std::string>& names, const RegionSamples& samples) const;

  /// Samples at every vertex of the neutral head, and at every covered texel of a UV raster.
  RegionSamples vertex_samples() const;
  RegionSamples texel_samples(const UvRaster& raster) const;

  /// Index into names(), or InputError "unknown region 'X' (did you mean ...)".
  int index(const std::string& name) const;

  struct Node;

private:
  RegionSet() = default;
  std::shared_ptr<const FaceModel> model_;
  std::vector<std::string> names_;
  std::map<std::string, std::unique_ptr<Node>> shapes_;  // plain regions
  std::map<std::string, std::vector<std::string>> groups_;
  std::map<std::string, std::string> kinds_;
  at::Tensor vertex_masks_;
  at::Tensor neutral_normals_;
};

}  // namespace likeness::face
