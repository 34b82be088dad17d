#pragma once
// Shading and the renders image-space guidance needs, on top of the four raster ops: Lambertian
// albedo x spherical-harmonic irradiance, albedo-only, normal map, depth, grey-shaded geometry,
// coverage and per-region masks. Generic: a mesh and its tensors, no knowledge of the head model.
// Everything is differentiable with respect to positions, normals, textures, vertex attributes
// and lighting (LibTorch autograd).
#include <ATen/core/Tensor.h>

#include <array>
#include <filesystem>
#include <memory>

#include "engine/io/image_io.h"
#include "engine/raster/camera.h"
#include "engine/raster/raster.h"

namespace likeness::raster {

/// Irradiance E(n) [..., 3] of unit normals [..., 3] under second-order spherical-harmonic
/// lighting `sh` [3, 9] (or [B, 3, 9] with normals [B, ...]): 9 coefficients per RGB channel in
/// the order L00, L1-1, L10, L11, L2-2, L2-1, L20, L21, L22, evaluated with Ramamoorthi and
/// Hanrahan's constants (c1 = 0.429043, c2 = 0.511664, c3 = 0.743125, c4 = 0.886227,
/// c5 = 0.247708). A Lambertian surface shades as albedo * E(n) (the 1/pi lives in the lighting).
at::Tensor sh_irradiance(const at::Tensor& normals, const at::Tensor& sh);

/// Lambertian shading in one fused op: coverage * albedo * E(normals / |normals|), with E as in
/// sh_irradiance. albedo and normals [..., 3] of one shape (normals need not be unit length: they
/// are normalized here, lengths under 1e-12 divided by 1e-12), sh [3, 9] or [B, 3, 9] with B the
/// leading dimension of albedo, and optionally rast [..., 4] whose triangle id (channel 3) > 0
/// marks covered pixels (others shade to 0). Differentiable with respect to albedo, normals and
/// sh. One pass per pixel each way on the CPU instead of a dozen tensor ops.
at::Tensor shade_sh(const at::Tensor& albedo, const at::Tensor& normals, const at::Tensor& sh,
                    const at::Tensor& rast = {});

/// SH coefficients [3, 9] of a directional light of irradiance `intensity` (RGB) from unit
/// direction `direction` (pointing toward the light), plus `ambient` irradiance everywhere.
at::Tensor sh_from_light(const std::array<double, 3>& direction, const std::array<double, 3>& intensity,
                         const std::array<double, 3>& ambient, at::ScalarType dtype = at::kFloat);

/// A neutral studio light: ambient 0.4 plus a white key light of 0.7 from the upper front
/// (slightly toward +x): frontal surfaces get E of about 1. [3, 9].
at::Tensor default_sh_lighting(at::ScalarType dtype = at::kFloat);

/// Area-weighted unit vertex normals [V, 3] (or [B, V, 3]) of positions [V, 3] / [B, V, 3] on
/// triangles [T, 3] (counter-clockwise = front), differentiable. Vertices on no triangle: (0, 0, 1).
at::Tensor vertex_normals(const at::Tensor& positions, const at::Tensor& triangles);

/// Which images render() produces (bit flags).
enum RenderPass : unsigned {
  kShadedPass = 1u << 0,    ///< albedo x SH irradiance, linear RGB
  kAlbedoPass = 1u << 1,    ///< albedo only
  kNormalPass = 1u << 2,    ///< camera-space normals encoded n * 0.5 + 0.5
  kDepthPass = 1u << 3,     ///< eye-space depth (cm), not antialiased
  kGeometryPass = 1u << 4,  ///< grey albedo x SH irradiance (untextured geometry)
  kMaskPass = 1u << 5,      ///< coverage
  kRegionPass = 1u << 6,    ///< per-region soft masks
  kAllPasses = (1u << 7) - 1,
};

/// A mesh to render. Per-vertex tensors may carry a leading view dimension B.
struct RenderMesh {
  at::Tensor positions;       ///< [V, 3] or [B, V, 3] world space
  at::Tensor triangles;       ///< [T, 3] int32/int64, counter-clockwise seen from outside
  at::Tensor normals;         ///< optional [V, 3] / [B, V, 3]; vertex_normals(positions) when undefined
  at::Tensor uvs;             ///< optional [UV, 2], UDIM u (see texture_params.h)
  at::Tensor uv_triangles;    ///< [T, 3] indices into uvs, same triangle order as `triangles`
  at::Tensor albedo_texture;  ///< optional [tiles, H, W, 3] / [B, tiles, H, W, 3], linear, image row order
  at::Tensor vertex_albedo;   ///< optional [V, 3] / [B, V, 3], used when there is no texture
  at::Tensor region_weights;  ///< optional [V, R] / [B, V, R] soft masks per vertex (kRegionPass)
  std::shared_ptr<const AntialiasTopology> topology;  ///< optional, saves rebuilding it per call
};

struct RenderSettings {
  int width = 256;
  int height = 256;
  unsigned passes = kShadedPass | kMaskPass;
  at::Tensor sh;                 ///< [3, 9] or [B, 3, 9]; default_sh_lighting() when undefined
  double grey = 0.7;             ///< albedo of the geometry pass
  double default_albedo = 0.6;   ///< albedo when the mesh has neither texture nor vertex albedo
  bool antialias = true;         ///< antialias colour passes and masks (silhouette gradients)
  TextureFilter filter = TextureFilter::LinearMipmapLinear;
  TextureBoundary boundary = TextureBoundary::Clamp;
  bool top_row_first = true;     ///< outputs in image row order (row 0 at the top); rast never flips
};

/// The requested images, [B, H, W, C] each (undefined when not requested). Background is 0.
struct RenderOutputs {
  at::Tensor shaded;    ///< [B, H, W, 3]
  at::Tensor albedo;    ///< [B, H, W, 3]
  at::Tensor normal;    ///< [B, H, W, 3]: camera space (x right, y up, z toward the viewer) * 0.5 + 0.5
  at::Tensor depth;     ///< [B, H, W, 1]: distance in front of the camera along its axis (cm)
  at::Tensor geometry;  ///< [B, H, W, 3]
  at::Tensor mask;      ///< [B, H, W, 1]
  at::Tensor regions;   ///< [B, H, W, R]
  at::Tensor rast;      ///< [B, H, W, 4] the raw raster (row 0 at the bottom)
};

/// Renders a mesh from B cameras in one batched pass.
RenderOutputs render(const RenderMesh& mesh, const CameraMatrices& cameras, const RenderSettings& settings);

/// Row order of an image tensor.
enum class RowOrder {
  BottomFirst,  ///< raster convention (OpenGL): row 0 at the bottom
  TopFirst,     ///< image files: row 0 at the top
};

/// Reverses the rows (dimension -3) of [H, W, C] or [B, H, W, C] images, differentiable.
at::Tensor flip_rows(const at::Tensor& images);

/// One image of [H, W, C] or [B, H, W, C] (`view` selects) as an io::Image for image_io, rows
/// reordered to top-first. Values are copied as they are (linear).
io::Image to_image(const at::Tensor& images, RowOrder order, int view = 0);

/// Writes one image through io::write_image (atomic; PNG is sRGB-encoded from linear).
void save_image(const std::filesystem::path& path, const at::Tensor& images, RowOrder order, int view = 0,
                const io::ImageWriteOptions& options = {});

}  // namespace likeness::raster
