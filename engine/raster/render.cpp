// render(): the passes image-space guidance uses, composed from the four raster ops in one
// batched rasterization, one interpolation per index set and one antialias call for all passes.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/raster/shading.h"

namespace likeness::raster {
namespace {

/// [V, C] or [B', V, C] -> [B, V, C].
at::Tensor per_view(const at::Tensor& t, int64_t views, const char* name) {
  if (t.dim() == 2) return t.unsqueeze(0).expand({views, t.size(0), t.size(1)});
  if (t.dim() == 3 && (t.size(0) == views || t.size(0) == 1)) return t.expand({views, t.size(1), t.size(2)});
  throw InputError(std::string("render: '") + name + "' must be [V, C] or [B, V, C] with B = " +
                   std::to_string(views));
}

at::Tensor safe_normalize(const at::Tensor& v) { return v / v.norm(2, -1, true).clamp_min(1e-12); }

}  // namespace

RenderOutputs render(const RenderMesh& mesh, const CameraMatrices& cameras, const RenderSettings& settings) {
  if (!mesh.positions.defined()) throw InputError("render: the mesh has no positions");
  if (!cameras.clip.defined() || !cameras.view.defined()) throw InputError("render: cameras have no matrices");
  const unsigned passes = settings.passes;
  const at::Tensor clip_m = cameras.clip.dim() == 2 ? cameras.clip.unsqueeze(0) : cameras.clip;
  const at::Tensor view_m = cameras.view.dim() == 2 ? cameras.view.unsqueeze(0) : cameras.view;
  const int64_t views = std::max(clip_m.size(0), mesh.positions.dim() == 3 ? mesh.positions.size(0) : int64_t(1));
  const auto dtype = mesh.positions.scalar_type();

  const at::Tensor clip = transform_clip(mesh.positions, clip_m).expand({views, -1, -1}).contiguous();
  const bool textured = mesh.albedo_texture.defined() && (passes & (kShadedPass | kAlbedoPass));
  if (textured && (!mesh.uvs.defined() || !mesh.uv_triangles.defined()))
    throw InputError("render: the mesh has an albedo texture but no 'uvs'/'uv_triangles'");
  const bool mip = textured && (settings.filter == TextureFilter::LinearMipmapLinear ||
                                settings.filter == TextureFilter::LinearMipmapNearest);
  const RasterizeOutput r = rasterize(clip, mesh.triangles, settings.height, settings.width, mip);
  const at::Tensor coverage = (r.rast.select(3, 3) > 0).to(dtype).unsqueeze(3);  // [B, H, W, 1]

  // Per-vertex attributes on the position triangles, interpolated in one call.
  const bool need_normals = passes & (kShadedPass | kGeometryPass | kNormalPass);
  const bool vertex_albedo = !textured && mesh.vertex_albedo.defined() && (passes & (kShadedPass | kAlbedoPass));
  std::vector<at::Tensor> attrs;
  int64_t channels = 0, normal_at = -1, depth_at = -1, albedo_at = -1, region_at = -1, regions = 0;
  if (need_normals) {
    const at::Tensor n = mesh.normals.defined() ? mesh.normals : vertex_normals(mesh.positions, mesh.triangles);
    attrs.push_back(per_view(n.to(dtype), views, "normals"));
    normal_at = channels;
    channels += 3;
  }
  if (passes & kDepthPass) {
    const at::Tensor eye = transform_points(mesh.positions, view_m).expand({views, -1, -1});
    attrs.push_back(-eye.narrow(2, 2, 1));
    depth_at = channels;
    channels += 1;
  }
  if (vertex_albedo) {
    attrs.push_back(per_view(mesh.vertex_albedo.to(dtype), views, "vertex_albedo"));
    albedo_at = channels;
    channels += 3;
  }
  if (passes & kRegionPass) {
    if (!mesh.region_weights.defined()) throw InputError("render: region masks asked for but the mesh has no 'region_weights'");
    attrs.push_back(per_view(mesh.region_weights.to(dtype), views, "region_weights"));
    region_at = channels;
    regions = mesh.region_weights.size(-1);
    channels += regions;
  }
  at::Tensor interp;
  if (!attrs.empty()) interp = interpolate(at::cat(attrs, 2), r.rast, mesh.triangles).out;

  // Albedo.
  at::Tensor albedo;
  if (passes & (kShadedPass | kAlbedoPass)) {
    if (textured) {
      InterpolateOptions uv_options;
      uv_options.rast_db = r.rast_db;
      uv_options.diff_all = mip;
      const InterpolateOutput uv = interpolate(mesh.uvs.to(dtype), r.rast, mesh.uv_triangles, uv_options);
      TextureOptions tex_options;
      tex_options.filter = settings.filter;
      tex_options.boundary = settings.boundary;
      tex_options.uv_da = uv.out_da;
      albedo = texture(mesh.albedo_texture.to(dtype), uv.out, tex_options);
    } else if (vertex_albedo) {
      albedo = interp.narrow(3, albedo_at, 3);
    } else {
      albedo = at::full({views, settings.height, settings.width, 3}, settings.default_albedo, r.rast.options());
    }
    albedo = albedo * coverage;
  }

  at::Tensor sh = settings.sh.defined() ? settings.sh.to(dtype) : default_sh_lighting(dtype);
  if (sh.dim() == 3) sh = sh.expand({views, 3, 9});
  const at::Tensor normals = need_normals ? interp.narrow(3, normal_at, 3) : at::Tensor();

  // Every antialiased pass in one tensor, split afterwards.
  struct Slot {
    at::Tensor* target;
    int64_t channels;
  };
  RenderOutputs out;
  std::vector<at::Tensor> blend;
  std::vector<Slot> slots;
  auto add = [&](at::Tensor image, at::Tensor* target) {
    slots.push_back({target, image.size(3)});
    blend.push_back(image);
  };
  // Shading (normalize, irradiance, albedo, coverage) is one fused op each way.
  if (passes & kShadedPass) add(shade_sh(albedo, normals, sh, r.rast), &out.shaded);
  if (passes & kAlbedoPass) add(albedo, &out.albedo);
  if (passes & kNormalPass) {
    // Rotate into camera space: n_cam = R n for each view.
    const at::Tensor normal_world = safe_normalize(normals);
    const at::Tensor rot = view_m.expand({views, 4, 4}).narrow(1, 0, 3).narrow(2, 0, 3).to(dtype);
    const at::Tensor flat = normal_world.reshape({views, -1, 3});
    const at::Tensor cam = at::bmm(flat, rot.transpose(1, 2)).reshape(normal_world.sizes());
    add((cam * 0.5 + 0.5) * coverage, &out.normal);
  }
  if (passes & kGeometryPass)
    add(shade_sh(at::full({views, settings.height, settings.width, 3}, settings.grey, r.rast.options()), normals, sh,
                 r.rast),
        &out.geometry);
  if (passes & kMaskPass) add(coverage, &out.mask);
  if (passes & kRegionPass) add(interp.narrow(3, region_at, regions) * coverage, &out.regions);
  if (!blend.empty()) {
    at::Tensor all = at::cat(blend, 3);
    if (settings.antialias) all = antialias(all, r.rast, clip, mesh.triangles, mesh.topology);
    int64_t at_channel = 0;
    for (const Slot& s : slots) {
      *s.target = all.narrow(3, at_channel, s.channels);
      at_channel += s.channels;
    }
  }
  if (passes & kDepthPass) out.depth = interp.narrow(3, depth_at, 1) * coverage;
  out.rast = r.rast;
  if (settings.top_row_first)
    for (at::Tensor* t : {&out.shaded, &out.albedo, &out.normal, &out.depth, &out.geometry, &out.mask, &out.regions})
      if (t->defined()) *t = flip_rows(*t);
  return out;
}

}  // namespace likeness::raster
