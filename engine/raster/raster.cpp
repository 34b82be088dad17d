// The public autograd operations: validation, device dispatch, and the torch::autograd::Function
// wrappers around the plain kernels (CPU now; the CUDA kernels take the same params structs).
#include "engine/raster/raster.h"

#include <torch/torch.h>

#include <mutex>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/raster/antialias_params.h"
#include "engine/raster/interpolate_params.h"
#include "engine/raster/rasterize_params.h"

namespace likeness::raster {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

std::string shape_text(const at::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

/// The device check every op makes: CPU tensors run here; CUDA waits for cuda/.
void require_cpu(const at::Tensor& t, const char* op, const char* name) {
  if (!t.defined()) return;
  if (t.is_cuda())
    throw InputError(std::string("raster::") + op + ": '" + name +
                     "' is a CUDA tensor, but the CUDA kernels are not built yet (cuda/README.md); "
                     "move the inputs to the CPU");
  if (!t.device().is_cpu())
    throw InputError(std::string("raster::") + op + ": '" + name + "' is on an unsupported device (" +
                     t.device().str() + "); only CPU tensors are supported");
}

void require_float(const at::Tensor& t, const char* op, const char* name) {
  if (t.scalar_type() != at::kFloat && t.scalar_type() != at::kDouble)
    throw InputError(std::string("raster::") + op + ": '" + name + "' must be float32 or float64, got " +
                     std::string(c10::toString(t.scalar_type())));
}

void require_same_dtype(const at::Tensor& a, const at::Tensor& b, const char* op, const char* name_a,
                        const char* name_b) {
  if (b.defined() && a.scalar_type() != b.scalar_type())
    throw InputError(std::string("raster::") + op + ": '" + name_b + "' is " +
                     std::string(c10::toString(b.scalar_type())) + " but '" + name_a + "' is " +
                     std::string(c10::toString(a.scalar_type())) + "; use one float type");
}

/// [T, 3] int32/int64 with indices in 0..rows-1 -> contiguous int32.
at::Tensor checked_triangles(const at::Tensor& tris, int64_t rows, const char* op, const char* name,
                             const char* rows_name) {
  require_cpu(tris, op, name);
  if (!tris.defined() || tris.dim() != 2 || tris.size(1) != 3)
    throw InputError(std::string("raster::") + op + ": '" + name + "' must be [T, 3], got " +
                     (tris.defined() ? shape_text(tris) : std::string("undefined")));
  if (tris.scalar_type() != at::kInt && tris.scalar_type() != at::kLong)
    throw InputError(std::string("raster::") + op + ": '" + name + "' must be int32 or int64");
  if (tris.size(0) >= (int64_t(1) << 24))
    throw InputError(std::string("raster::") + op + ": '" + name + "' has " + std::to_string(tris.size(0)) +
                     " triangles; at most 16777215 fit the float triangle ids of rast");
  if (tris.numel() > 0) {
    const int64_t lo = tris.min().item<int64_t>(), hi = tris.max().item<int64_t>();
    if (lo < 0 || hi >= rows)
      throw InputError(std::string("raster::") + op + ": '" + name + "' index " + std::to_string(lo < 0 ? lo : hi) +
                       " out of range for " + std::to_string(rows) + " " + rows_name);
  }
  return tris.to(at::kInt).contiguous();
}

/// rast [B, H, W, 4].
void check_rast(const at::Tensor& rast, const char* op, const char* name = "rast") {
  require_cpu(rast, op, name);
  if (!rast.defined() || rast.dim() != 4 || rast.size(3) != 4)
    throw InputError(std::string("raster::") + op + ": '" + name + "' must be [B, H, W, 4], got " +
                     (rast.defined() ? shape_text(rast) : std::string("undefined")));
  require_float(rast, op, name);
}

/// Clip positions as [B, V, 4].
at::Tensor batched_positions(const at::Tensor& pos, const char* op) {
  require_cpu(pos, op, "clip_pos");
  if (!pos.defined() || (pos.dim() != 2 && pos.dim() != 3) || pos.size(-1) != 4)
    throw InputError(std::string("raster::") + op + ": 'clip_pos' must be [B, V, 4] or [V, 4], got " +
                     (pos.defined() ? shape_text(pos) : std::string("undefined")));
  require_float(pos, op, "clip_pos");
  return pos.dim() == 2 ? pos.unsqueeze(0) : pos;
}

template <typename F>
void dispatch_float(at::ScalarType type, F&& f) {
  if (type == at::kDouble) f(double{});
  else f(float{});
}

/// Stands in for an absent optional input of an autograd Function.
at::Tensor placeholder(const at::Tensor& like) { return at::empty({0}, like.options().requires_grad(false)); }

/// An uninitialised contiguous tensor for an op's output or gradient (every kernel overwrites
/// all of its outputs). Buffers of a megabyte or more come from storage recycled from earlier
/// calls once nothing else holds it: a fresh buffer that size costs a page fault per 4 KiB on
/// every call, often more than the kernel that fills it (with two threads, faults also contend
/// for the process's memory map). At most kRecycleSlots buffers, kRecycleBytes in all, stay alive
/// between calls. Small tensors come from at::empty as usual.
at::Tensor empty_like_shape(const at::Tensor& like, at::IntArrayRef shape) {
  constexpr std::size_t kRecycleMin = std::size_t(1) << 20;  // smaller: malloc reuses them well
  constexpr std::size_t kRecycleBytes = std::size_t(512) << 20;
  constexpr std::size_t kRecycleSlots = 32;
  const at::TensorOptions options = like.options().requires_grad(false);
  std::int64_t numel = 1;
  for (const std::int64_t d : shape) numel *= d;
  const std::size_t bytes = static_cast<std::size_t>(numel) * like.element_size();
  if (bytes < kRecycleMin || bytes > kRecycleBytes || !like.device().is_cpu()) return at::empty(shape, options);
  static std::mutex mutex;
  static std::vector<c10::Storage> pool;  // each held by the pool and by whichever tensor uses it now
  std::lock_guard<std::mutex> lock(mutex);
  for (const c10::Storage& storage : pool)
    if (storage.use_count() == 1 && storage.nbytes() == bytes && storage.device() == like.device()) {
      at::Tensor t = at::empty({0}, options);
      t.set_(storage, 0, shape);
      return t;
    }
  at::Tensor t = at::empty(shape, options);
  // Room for the new buffer: the pool lets go of its oldest buffers (still theirs if in use).
  std::size_t held = 0;
  for (const c10::Storage& storage : pool) held += storage.nbytes();
  for (auto it = pool.begin(); it != pool.end() && (held + bytes > kRecycleBytes || pool.size() >= kRecycleSlots);) {
    held -= it->nbytes();
    it = pool.erase(it);
  }
  pool.push_back(t.storage());
  return t;
}

// ---------------------------------------------------------------------------------------------
class RasterizeFunction : public torch::autograd::Function<RasterizeFunction> {
public:
  static variable_list forward(AutogradContext* ctx, const at::Tensor& pos_in, const at::Tensor& tris, int64_t height,
                               int64_t width, bool derivatives) {
    ctx->set_materialize_grads(false);
    const at::Tensor pos = pos_in.contiguous();
    const int64_t views = pos.size(0);
    at::Tensor rast = empty_like_shape(pos, {views, height, width, 4});
    at::Tensor rast_db = derivatives ? empty_like_shape(pos, {views, height, width, 4})
                                     : empty_like_shape(pos, {views, height, width, 0});
    dispatch_float(pos.scalar_type(), [&](auto zero) {
      using T = decltype(zero);
      RasterizeForwardParams<T> p;
      p.pos = pos.data_ptr<T>();
      p.pos_view_stride = pos.size(1) * 4;
      p.vertex_count = static_cast<int>(pos.size(1));
      p.triangles = tris.data_ptr<int32_t>();
      p.triangle_count = static_cast<int>(tris.size(0));
      p.views = static_cast<int>(views);
      p.width = static_cast<int>(width);
      p.height = static_cast<int>(height);
      p.rast = rast.data_ptr<T>();
      p.rast_db = derivatives ? rast_db.data_ptr<T>() : nullptr;
      rasterize_forward_cpu(p);
    });
    ctx->save_for_backward({pos, tris, rast});
    ctx->saved_data["derivatives"] = derivatives;
    return {rast, rast_db};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& pos = saved[0];
    const at::Tensor& tris = saved[1];
    const at::Tensor& rast = saved[2];
    const bool derivatives = ctx->saved_data["derivatives"].toBool();
    at::Tensor grad_rast = grads[0];
    at::Tensor grad_db = derivatives ? grads[1] : at::Tensor();
    if (!grad_rast.defined() && !grad_db.defined()) return {at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    if (!grad_rast.defined()) grad_rast = at::zeros_like(rast);
    grad_rast = grad_rast.contiguous();
    if (grad_db.defined()) grad_db = grad_db.contiguous();
    at::Tensor grad_pos = empty_like_shape(pos, pos.sizes());
    dispatch_float(pos.scalar_type(), [&](auto zero) {
      using T = decltype(zero);
      RasterizeBackwardParams<T> p;
      p.pos = pos.data_ptr<T>();
      p.pos_view_stride = pos.size(1) * 4;
      p.vertex_count = static_cast<int>(pos.size(1));
      p.triangles = tris.data_ptr<int32_t>();
      p.triangle_count = static_cast<int>(tris.size(0));
      p.views = static_cast<int>(pos.size(0));
      p.height = static_cast<int>(rast.size(1));
      p.width = static_cast<int>(rast.size(2));
      p.rast = rast.data_ptr<T>();
      p.grad_rast = grad_rast.data_ptr<T>();
      p.grad_rast_db = grad_db.defined() ? grad_db.data_ptr<T>() : nullptr;
      p.grad_pos = grad_pos.data_ptr<T>();
      rasterize_backward_cpu(p);
    });
    return {grad_pos, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// ---------------------------------------------------------------------------------------------
class InterpolateFunction : public torch::autograd::Function<InterpolateFunction> {
public:
  /// rast_db is a placeholder unless has_db (custom Functions take no undefined inputs).
  static variable_list forward(AutogradContext* ctx, const at::Tensor& attr_in, const at::Tensor& rast_in,
                               const at::Tensor& rast_db_in, const at::Tensor& tris, const at::Tensor& diff_channels,
                               bool has_db) {
    ctx->set_materialize_grads(false);
    const at::Tensor attr = attr_in.contiguous(), rast = rast_in.contiguous();
    const at::Tensor rast_db = has_db ? rast_db_in.contiguous() : at::Tensor();
    const bool batched = attr.dim() == 3;
    const int64_t views = rast.size(0), height = rast.size(1), width = rast.size(2);
    const int64_t channels = attr.size(-1), diff_count = diff_channels.size(0);
    at::Tensor out = empty_like_shape(attr, {views, height, width, channels});
    at::Tensor out_da = empty_like_shape(attr, {views, height, width, 2 * diff_count});
    dispatch_float(attr.scalar_type(), [&](auto zero) {
      using T = decltype(zero);
      InterpolateParams<T> p;
      fill(p, attr, rast, rast_db, tris, diff_channels, batched);
      p.out = out.data_ptr<T>();
      p.out_da = diff_count > 0 ? out_da.data_ptr<T>() : nullptr;
      interpolate_forward_cpu(p);
    });
    ctx->save_for_backward({attr, rast, has_db ? rast_db : rast_db_in, tris, diff_channels});
    ctx->saved_data["has_db"] = has_db;
    return {out, out_da};
  }

  template <typename T>
  static void fill(InterpolateParams<T>& p, const at::Tensor& attr, const at::Tensor& rast, const at::Tensor& rast_db,
                   const at::Tensor& tris, const at::Tensor& diff_channels, bool batched) {
    p.attr = attr.data_ptr<T>();
    p.attr_count = static_cast<int>(attr.size(-2));
    p.channels = static_cast<int>(attr.size(-1));
    p.attr_view_stride = batched ? attr.size(1) * attr.size(2) : 0;
    p.triangles = tris.data_ptr<int32_t>();
    p.triangle_count = static_cast<int>(tris.size(0));
    p.views = static_cast<int>(rast.size(0));
    p.height = static_cast<int>(rast.size(1));
    p.width = static_cast<int>(rast.size(2));
    p.rast = rast.data_ptr<T>();
    p.rast_db = rast_db.defined() ? rast_db.data_ptr<T>() : nullptr;
    p.diff_channels = diff_channels.data_ptr<int32_t>();
    p.diff_count = static_cast<int>(diff_channels.size(0));
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &attr = saved[0], &rast = saved[1], &tris = saved[3], &diff_channels = saved[4];
    const at::Tensor rast_db = ctx->saved_data["has_db"].toBool() ? saved[2] : at::Tensor();
    at::Tensor grad_out = grads[0], grad_da = grads[1];
    const int64_t diff_count = diff_channels.size(0);
    if (diff_count == 0) grad_da = at::Tensor();
    if (!grad_out.defined() && !grad_da.defined())
      return {at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    grad_out = grad_out.defined() ? grad_out.contiguous() : at::zeros({rast.size(0), rast.size(1), rast.size(2), attr.size(-1)}, attr.options());
    if (grad_da.defined()) grad_da = grad_da.contiguous();
    at::Tensor grad_attr = empty_like_shape(attr, attr.sizes());
    at::Tensor grad_rast = empty_like_shape(rast, rast.sizes());
    at::Tensor grad_rast_db = (grad_da.defined() && rast_db.defined()) ? empty_like_shape(rast_db, rast_db.sizes()) : at::Tensor();
    dispatch_float(attr.scalar_type(), [&](auto zero) {
      using T = decltype(zero);
      InterpolateParams<T> p;
      fill(p, attr, rast, rast_db, tris, diff_channels, attr.dim() == 3);
      p.grad_out = grad_out.data_ptr<T>();
      p.grad_out_da = grad_da.defined() ? grad_da.data_ptr<T>() : nullptr;
      p.grad_attr = grad_attr.data_ptr<T>();
      p.grad_rast = grad_rast.data_ptr<T>();
      p.grad_rast_db = grad_rast_db.defined() ? grad_rast_db.data_ptr<T>() : nullptr;
      interpolate_backward_cpu(p);
    });
    return {grad_attr, grad_rast, grad_rast_db, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// ---------------------------------------------------------------------------------------------
class TextureFunction : public torch::autograd::Function<TextureFunction> {
public:
  /// tex is [tex_views, tiles, H, W, C]; tex_views is 1 (shared) or B.
  /// uv_da and bias are placeholders unless has_da / has_bias.
  static variable_list forward(AutogradContext* ctx, const at::Tensor& tex_in, const at::Tensor& uv_in,
                               const at::Tensor& uv_da_in, const at::Tensor& bias_in, int64_t filter, int64_t boundary,
                               int64_t max_mip_level, bool has_da, bool has_bias) {
    ctx->set_materialize_grads(false);
    const at::Tensor tex = tex_in.contiguous(), uv = uv_in.contiguous();
    const at::Tensor uv_da = has_da ? uv_da_in.contiguous() : at::Tensor();
    const at::Tensor bias = has_bias ? bias_in.contiguous() : at::Tensor();
    const auto f = static_cast<TextureFilter>(filter);
    const bool mipmapped = f == TextureFilter::LinearMipmapNearest || f == TextureFilter::LinearMipmapLinear;
    const int64_t images = tex.size(0) * tex.size(1);
    const MipLayout layout = mipmapped ? mip_layout(static_cast<int>(tex.size(3)), static_cast<int>(tex.size(2)),
                                                    static_cast<int>(images), static_cast<int>(tex.size(4)),
                                                    static_cast<int>(max_mip_level))
                                       : mip_layout(static_cast<int>(tex.size(3)), static_cast<int>(tex.size(2)),
                                                    static_cast<int>(images), static_cast<int>(tex.size(4)), 0);
    at::Tensor mip = empty_like_shape(tex, {layout.mip_size});
    at::Tensor out = empty_like_shape(tex, {uv.size(0), uv.size(1), uv.size(2), tex.size(4)});
    dispatch_float(tex.scalar_type(), [&](auto zero) {
      using T = decltype(zero);
      TextureParams<T> p;
      fill(p, tex, uv, uv_da, bias, mip, layout, f, static_cast<TextureBoundary>(boundary));
      if (layout.mip_size > 0) {
        // Levels only for the tiles some pixel samples (a head's teeth and eye tiles are often unseen).
        std::vector<unsigned char> used(static_cast<std::size_t>(images), 0);
        texture_used_images_cpu(p, used.data());
        texture_build_mips_cpu(tex.data_ptr<T>(), mip.data_ptr<T>(), layout, static_cast<int>(images),
                               static_cast<int>(tex.size(4)), used.data());
      }
      p.out = out.data_ptr<T>();
      texture_forward_cpu(p);
    });
    ctx->save_for_backward({tex, uv, has_da ? uv_da : uv_da_in, has_bias ? bias : bias_in, mip});
    ctx->saved_data["has_da"] = has_da;
    ctx->saved_data["has_bias"] = has_bias;
    ctx->saved_data["filter"] = filter;
    ctx->saved_data["boundary"] = boundary;
    ctx->saved_data["max_mip_level"] = max_mip_level;
    return {out};
  }

  template <typename T>
  static void fill(TextureParams<T>& p, const at::Tensor& tex, const at::Tensor& uv, const at::Tensor& uv_da,
                   const at::Tensor& bias, const at::Tensor& mip, const MipLayout& layout, TextureFilter filter,
                   TextureBoundary boundary) {
    p.tex = tex.data_ptr<T>();
    p.tex_view_stride = tex.size(0) == 1 ? 0 : tex.size(1) * tex.size(2) * tex.size(3) * tex.size(4);
    p.tiles = static_cast<int>(tex.size(1));
    p.tex_height = static_cast<int>(tex.size(2));
    p.tex_width = static_cast<int>(tex.size(3));
    p.channels = static_cast<int>(tex.size(4));
    p.mip = layout.mip_size > 0 ? mip.data_ptr<T>() : nullptr;
    p.layout = layout;
    p.filter = filter;
    p.boundary = boundary;
    p.views = static_cast<int>(uv.size(0));
    p.height = static_cast<int>(uv.size(1));
    p.width = static_cast<int>(uv.size(2));
    p.uv = uv.data_ptr<T>();
    p.uv_da = uv_da.defined() ? uv_da.data_ptr<T>() : nullptr;
    p.lod_bias = bias.defined() ? bias.data_ptr<T>() : nullptr;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &tex = saved[0], &uv = saved[1], &mip = saved[4];
    const at::Tensor uv_da = ctx->saved_data["has_da"].toBool() ? saved[2] : at::Tensor();
    const at::Tensor bias = ctx->saved_data["has_bias"].toBool() ? saved[3] : at::Tensor();
    const variable_list none(9);
    if (!grads[0].defined()) return none;
    const at::Tensor grad_out = grads[0].contiguous();
    const auto filter = static_cast<TextureFilter>(ctx->saved_data["filter"].toInt());
    const auto boundary = static_cast<TextureBoundary>(ctx->saved_data["boundary"].toInt());
    const int max_level = static_cast<int>(ctx->saved_data["max_mip_level"].toInt());
    const bool mipmapped = filter == TextureFilter::LinearMipmapNearest || filter == TextureFilter::LinearMipmapLinear;
    const int64_t images = tex.size(0) * tex.size(1);
    const MipLayout layout = mip_layout(static_cast<int>(tex.size(3)), static_cast<int>(tex.size(2)),
                                        static_cast<int>(images), static_cast<int>(tex.size(4)),
                                        mipmapped ? max_level : 0);
    at::Tensor grad_tex = empty_like_shape(tex, tex.sizes());
    at::Tensor grad_uv = empty_like_shape(uv, uv.sizes());
    at::Tensor grad_uv_da = uv_da.defined() ? empty_like_shape(uv_da, uv_da.sizes()) : at::Tensor();
    at::Tensor grad_bias = bias.defined() ? empty_like_shape(bias, bias.sizes()) : at::Tensor();
    dispatch_float(tex.scalar_type(), [&](auto zero) {
      using T = decltype(zero);
      TextureParams<T> p;
      fill(p, tex, uv, uv_da, bias, mip, layout, filter, boundary);
      p.grad_out = grad_out.data_ptr<T>();
      p.grad_tex = grad_tex.data_ptr<T>();
      p.grad_uv = grad_uv.data_ptr<T>();
      p.grad_uv_da = grad_uv_da.defined() ? grad_uv_da.data_ptr<T>() : nullptr;
      p.grad_lod_bias = grad_bias.defined() ? grad_bias.data_ptr<T>() : nullptr;
      texture_backward_cpu(p);
    });
    return {grad_tex, grad_uv, grad_uv_da, grad_bias, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(),
            at::Tensor()};
  }
};

// ---------------------------------------------------------------------------------------------
struct TopologyCapsule : torch::CustomClassHolder {
  std::shared_ptr<const AntialiasTopology> topology;
  std::shared_ptr<AntialiasWork> work;  // the forward pass's pairs, reused by the backward pass
};

class AntialiasFunction : public torch::autograd::Function<AntialiasFunction> {
public:
  static variable_list forward(AutogradContext* ctx, const at::Tensor& color_in, const at::Tensor& rast_in,
                               const at::Tensor& pos_in, const at::Tensor& tris,
                               const std::shared_ptr<const AntialiasTopology>& topology) {
    ctx->set_materialize_grads(false);
    const at::Tensor color = color_in.contiguous(), rast = rast_in.contiguous(), pos = pos_in.contiguous();
    at::Tensor out = empty_like_shape(color, color.sizes());
    auto capsule = c10::make_intrusive<TopologyCapsule>();
    capsule->topology = topology;
    if (color_in.requires_grad() || pos_in.requires_grad()) capsule->work = std::make_shared<AntialiasWork>();
    dispatch_float(color.scalar_type(), [&](auto zero) {
      using T = decltype(zero);
      AntialiasParams<T> p;
      fill(p, color, rast, pos, tris, *topology);
      p.out = out.data_ptr<T>();
      p.work = capsule->work.get();
      antialias_forward_cpu(p);
    });
    ctx->save_for_backward({color, rast, pos, tris});
    ctx->saved_data["topology"] = c10::IValue::make_capsule(std::move(capsule));
    return {out};
  }

  template <typename T>
  static void fill(AntialiasParams<T>& p, const at::Tensor& color, const at::Tensor& rast, const at::Tensor& pos,
                   const at::Tensor& tris, const AntialiasTopology& topology) {
    p.color = color.data_ptr<T>();
    p.channels = static_cast<int>(color.size(3));
    p.rast = rast.data_ptr<T>();
    p.pos = pos.data_ptr<T>();
    p.pos_view_stride = pos.size(0) == 1 ? 0 : pos.size(1) * 4;
    p.vertex_count = static_cast<int>(pos.size(1));
    p.triangles = tris.data_ptr<int32_t>();
    p.triangle_count = static_cast<int>(tris.size(0));
    p.topology = &topology.edges();
    p.views = static_cast<int>(color.size(0));
    p.height = static_cast<int>(color.size(1));
    p.width = static_cast<int>(color.size(2));
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &color = saved[0], &rast = saved[1], &pos = saved[2], &tris = saved[3];
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    const at::Tensor grad_out = grads[0].contiguous();
    auto capsule = ctx->saved_data["topology"].toCapsule();
    const auto* holder = static_cast<const TopologyCapsule*>(capsule.get());
    at::Tensor grad_color = empty_like_shape(color, color.sizes());
    at::Tensor grad_pos = empty_like_shape(pos, pos.sizes());
    dispatch_float(color.scalar_type(), [&](auto zero) {
      using T = decltype(zero);
      AntialiasParams<T> p;
      fill(p, color, rast, pos, tris, *holder->topology);
      p.grad_out = grad_out.data_ptr<T>();
      p.grad_color = grad_color.data_ptr<T>();
      p.grad_pos = grad_pos.data_ptr<T>();
      p.work = holder->work.get();
      antialias_backward_cpu(p);
    });
    return {grad_color, at::Tensor(), grad_pos, at::Tensor(), at::Tensor()};
  }
};

void check_image_size(int64_t height, int64_t width, const char* op) {
  if (height < 1 || width < 1 || height > kMaxRasterSize || width > kMaxRasterSize)
    throw InputError(std::string("raster::") + op + ": image size " + std::to_string(width) + "x" +
                     std::to_string(height) + " outside 1.." + std::to_string(kMaxRasterSize));
}

void check_batch(const at::Tensor& t, int64_t views, const char* op, const char* name) {
  if (t.size(0) != views && t.size(0) != 1)
    throw InputError(std::string("raster::") + op + ": '" + name + "' has " + std::to_string(t.size(0)) +
                     " views but the raster has " + std::to_string(views));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
RasterizeOutput rasterize(const at::Tensor& clip_pos, const at::Tensor& triangles, int height, int width,
                          bool derivatives) {
  const at::Tensor pos = batched_positions(clip_pos, "rasterize");
  check_image_size(height, width, "rasterize");
  const at::Tensor tris = checked_triangles(triangles, pos.size(1), "rasterize", "triangles", "vertices");
  auto outputs = RasterizeFunction::apply(pos, tris, int64_t(height), int64_t(width), derivatives);
  RasterizeOutput result;
  result.rast = outputs[0];
  if (derivatives) result.rast_db = outputs[1];
  return result;
}

InterpolateOutput interpolate(const at::Tensor& attr_in, const at::Tensor& rast, const at::Tensor& triangles,
                              const InterpolateOptions& options) {
  const char* op = "interpolate";
  require_cpu(attr_in, op, "attr");
  check_rast(rast, op);
  if (!attr_in.defined() || (attr_in.dim() != 2 && attr_in.dim() != 3))
    throw InputError(std::string("raster::interpolate: 'attr' must be [N, C] or [B, N, C], got ") +
                     (attr_in.defined() ? shape_text(attr_in) : std::string("undefined")));
  require_float(attr_in, op, "attr");
  require_same_dtype(attr_in, rast, op, "attr", "rast");
  at::Tensor attr = attr_in;
  if (attr.dim() == 3) {
    check_batch(attr, rast.size(0), op, "attr");
    if (attr.size(0) == 1) attr = attr.squeeze(0);
  }
  const at::Tensor tris = checked_triangles(triangles, attr.size(-2), op, "triangles", "attribute rows");
  const int64_t channels = attr.size(-1);
  std::vector<int32_t> diff;
  if (options.diff_all)
    for (int64_t c = 0; c < channels; ++c) diff.push_back(static_cast<int32_t>(c));
  else
    for (int c : options.diff_channels) {
      if (c < 0 || c >= channels)
        throw InputError("raster::interpolate: diff_channels entry " + std::to_string(c) + " out of range for " +
                         std::to_string(channels) + " attribute channels");
      diff.push_back(c);
    }
  at::Tensor rast_db;
  if (!diff.empty()) {
    if (!options.rast_db.defined())
      throw InputError("raster::interpolate: derivatives asked for but 'rast_db' is missing "
                       "(rasterize with derivatives = true)");
    check_rast(options.rast_db, op, "rast_db");
    require_same_dtype(attr_in, options.rast_db, op, "attr", "rast_db");
    if (options.rast_db.sizes() != rast.sizes())
      throw InputError("raster::interpolate: 'rast_db' " + shape_text(options.rast_db) + " differs from 'rast' " +
                       shape_text(rast));
    rast_db = options.rast_db;
  }
  const at::Tensor diff_tensor =
      at::tensor(at::ArrayRef<int32_t>(diff.data(), diff.size()), at::TensorOptions().dtype(at::kInt)).reshape({-1});
  const bool has_db = rast_db.defined();
  auto outputs = InterpolateFunction::apply(attr, rast, has_db ? rast_db : placeholder(attr), tris, diff_tensor, has_db);
  InterpolateOutput result;
  result.out = outputs[0];
  if (!diff.empty()) result.out_da = outputs[1];
  return result;
}

at::Tensor texture(const at::Tensor& tex_in, const at::Tensor& uv, const TextureOptions& options) {
  const char* op = "texture";
  require_cpu(tex_in, op, "tex");
  require_cpu(uv, op, "uv");
  require_cpu(options.uv_da, op, "uv_da");
  require_cpu(options.mip_level_bias, op, "mip_level_bias");
  if (!tex_in.defined() || tex_in.dim() < 3 || tex_in.dim() > 5)
    throw InputError(std::string("raster::texture: 'tex' must be [H, W, C], [tiles, H, W, C] or [B, tiles, H, W, C], got ") +
                     (tex_in.defined() ? shape_text(tex_in) : std::string("undefined")));
  require_float(tex_in, op, "tex");
  if (!uv.defined() || uv.dim() != 4 || uv.size(3) != 2)
    throw InputError(std::string("raster::texture: 'uv' must be [B, H, W, 2], got ") +
                     (uv.defined() ? shape_text(uv) : std::string("undefined")));
  require_same_dtype(tex_in, uv, op, "tex", "uv");
  at::Tensor tex = tex_in;
  while (tex.dim() < 5) tex = tex.unsqueeze(0);
  check_batch(tex, uv.size(0), op, "tex");
  if (tex.size(2) < 1 || tex.size(3) < 1 || tex.size(4) < 1 || tex.size(1) < 1)
    throw InputError("raster::texture: 'tex' " + shape_text(tex_in) + " has an empty dimension");
  const int64_t views = uv.size(0), height = uv.size(1), width = uv.size(2);
  if (options.uv_da.defined()) {
    require_same_dtype(tex_in, options.uv_da, op, "tex", "uv_da");
    if (options.uv_da.dim() != 4 || options.uv_da.size(0) != views || options.uv_da.size(1) != height ||
        options.uv_da.size(2) != width || options.uv_da.size(3) != 4)
      throw InputError("raster::texture: 'uv_da' must be [B, H, W, 4] like 'uv', got " + shape_text(options.uv_da));
  }
  if (options.mip_level_bias.defined()) {
    require_same_dtype(tex_in, options.mip_level_bias, op, "tex", "mip_level_bias");
    if (options.mip_level_bias.dim() != 3 || options.mip_level_bias.size(0) != views ||
        options.mip_level_bias.size(1) != height || options.mip_level_bias.size(2) != width)
      throw InputError("raster::texture: 'mip_level_bias' must be [B, H, W], got " +
                       shape_text(options.mip_level_bias));
  }
  const bool mipmapped = options.filter == TextureFilter::LinearMipmapNearest ||
                         options.filter == TextureFilter::LinearMipmapLinear;
  const bool has_da = mipmapped && options.uv_da.defined();
  const bool has_bias = mipmapped && options.mip_level_bias.defined();
  auto outputs = TextureFunction::apply(tex, uv, has_da ? options.uv_da : placeholder(tex),
                                        has_bias ? options.mip_level_bias : placeholder(tex), int64_t(options.filter),
                                        int64_t(options.boundary), int64_t(options.max_mip_level), has_da, has_bias);
  return outputs[0];
}

// ---------------------------------------------------------------------------------------------
std::shared_ptr<const AntialiasTopology> AntialiasTopology::build(const at::Tensor& triangles, int vertex_count) {
  int64_t rows = vertex_count;
  if (rows < 0) rows = triangles.defined() && triangles.numel() > 0 ? triangles.max().item<int64_t>() + 1 : 0;
  const at::Tensor tris = checked_triangles(triangles, rows, "antialias", "triangles", "vertices");
  std::shared_ptr<AntialiasTopology> topology(new AntialiasTopology());
  topology->edges_ = std::make_unique<EdgeTopology>(
      build_edge_topology(tris.data_ptr<int32_t>(), static_cast<int>(tris.size(0)), static_cast<int>(rows)));
  return topology;
}

AntialiasTopology::~AntialiasTopology() = default;
int AntialiasTopology::triangle_count() const { return edges_->triangle_count; }
int AntialiasTopology::vertex_count() const { return edges_->vertex_count; }

at::Tensor antialias(const at::Tensor& color, const at::Tensor& rast, const at::Tensor& clip_pos,
                     const at::Tensor& triangles, std::shared_ptr<const AntialiasTopology> topology) {
  const char* op = "antialias";
  require_cpu(color, op, "color");
  check_rast(rast, op);
  const at::Tensor pos = batched_positions(clip_pos, op);
  if (!color.defined() || color.dim() != 4)
    throw InputError(std::string("raster::antialias: 'color' must be [B, H, W, C], got ") +
                     (color.defined() ? shape_text(color) : std::string("undefined")));
  require_float(color, op, "color");
  require_same_dtype(color, rast, op, "color", "rast");
  require_same_dtype(color, pos, op, "color", "clip_pos");
  if (color.size(0) != rast.size(0) || color.size(1) != rast.size(1) || color.size(2) != rast.size(2))
    throw InputError("raster::antialias: 'color' " + shape_text(color) + " and 'rast' " + shape_text(rast) +
                     " differ in views or size");
  check_batch(pos, rast.size(0), op, "clip_pos");
  const at::Tensor tris = checked_triangles(triangles, pos.size(1), op, "triangles", "vertices");
  if (!topology) topology = AntialiasTopology::build(tris, static_cast<int>(pos.size(1)));
  if (topology->triangle_count() != tris.size(0) || topology->vertex_count() > pos.size(1))
    throw InputError("raster::antialias: the topology was built for " + std::to_string(topology->triangle_count()) +
                     " triangles, but 'triangles' has " + std::to_string(tris.size(0)));
  auto outputs = AntialiasFunction::apply(color, rast, pos, tris, topology);
  return outputs[0];
}

}  // namespace likeness::raster
