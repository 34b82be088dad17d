// The CPU kernels' entry points (declared in the *_params.h headers): each calls the kernel
// compiled for the instruction set cpu::isa() selects (engine/raster/cpu_isa.h).
#include "engine/raster/antialias_params.h"
#include "engine/raster/cpu_isa.h"
#include "engine/raster/interpolate_params.h"
#include "engine/raster/rasterize_params.h"
#include "engine/raster/shade_params.h"
#include "engine/raster/texture_params.h"

#include <utility>

namespace likeness::raster {

namespace isa_generic {
#include "engine/raster/kernel_entry_points.inc"
}  // namespace isa_generic
#if defined(LIKENESS_RASTER_HAVE_AVX2)
namespace isa_avx2 {
#include "engine/raster/kernel_entry_points.inc"
}  // namespace isa_avx2
#endif
#if defined(LIKENESS_RASTER_HAVE_AVX512)
namespace isa_avx512 {
#include "engine/raster/kernel_entry_points.inc"
}  // namespace isa_avx512
#endif

namespace {

/// Calls `name(args...)` in the namespace of the selected level (cpu::isa() only returns
/// levels this build has).
#if defined(LIKENESS_RASTER_HAVE_AVX2)
#define LIKENESS_CALL_AVX2(name) \
  case cpu::Isa::Avx2: return isa_avx2::name(std::forward<Args>(args)...);
#else
#define LIKENESS_CALL_AVX2(name)
#endif
#if defined(LIKENESS_RASTER_HAVE_AVX512)
#define LIKENESS_CALL_AVX512(name) \
  case cpu::Isa::Avx512: return isa_avx512::name(std::forward<Args>(args)...);
#else
#define LIKENESS_CALL_AVX512(name)
#endif
#define LIKENESS_DISPATCH(name)                                  \
  struct name##_fn {                                             \
    template <typename... Args>                                  \
    decltype(auto) operator()(Args&&... args) const {            \
      switch (cpu::isa()) {                                      \
        LIKENESS_CALL_AVX512(name)                               \
        LIKENESS_CALL_AVX2(name)                                 \
        default: return isa_generic::name(std::forward<Args>(args)...); \
      }                                                          \
    }                                                            \
  };

LIKENESS_DISPATCH(rasterize_forward_cpu)
LIKENESS_DISPATCH(rasterize_backward_cpu)
LIKENESS_DISPATCH(interpolate_forward_cpu)
LIKENESS_DISPATCH(interpolate_backward_cpu)
LIKENESS_DISPATCH(texture_build_mips_cpu)
LIKENESS_DISPATCH(texture_mips_backward_cpu)
LIKENESS_DISPATCH(texture_used_images_cpu)
LIKENESS_DISPATCH(texture_forward_cpu)
LIKENESS_DISPATCH(texture_backward_cpu)
LIKENESS_DISPATCH(antialias_forward_cpu)
LIKENESS_DISPATCH(antialias_backward_cpu)
LIKENESS_DISPATCH(shade_forward_cpu)
LIKENESS_DISPATCH(shade_backward_cpu)
LIKENESS_DISPATCH(kernel_build)

}  // namespace

void rasterize_forward_cpu(const RasterizeForwardParams<float>& p) { rasterize_forward_cpu_fn{}(p); }
void rasterize_forward_cpu(const RasterizeForwardParams<double>& p) { rasterize_forward_cpu_fn{}(p); }
void rasterize_backward_cpu(const RasterizeBackwardParams<float>& p) { rasterize_backward_cpu_fn{}(p); }
void rasterize_backward_cpu(const RasterizeBackwardParams<double>& p) { rasterize_backward_cpu_fn{}(p); }
void interpolate_forward_cpu(const InterpolateParams<float>& p) { interpolate_forward_cpu_fn{}(p); }
void interpolate_forward_cpu(const InterpolateParams<double>& p) { interpolate_forward_cpu_fn{}(p); }
void interpolate_backward_cpu(const InterpolateParams<float>& p) { interpolate_backward_cpu_fn{}(p); }
void interpolate_backward_cpu(const InterpolateParams<double>& p) { interpolate_backward_cpu_fn{}(p); }
void texture_build_mips_cpu(const float* tex, float* mip, const MipLayout& layout, int images, int channels,
                            const unsigned char* used) {
  texture_build_mips_cpu_fn{}(tex, mip, layout, images, channels, used);
}
void texture_build_mips_cpu(const double* tex, double* mip, const MipLayout& layout, int images, int channels,
                            const unsigned char* used) {
  texture_build_mips_cpu_fn{}(tex, mip, layout, images, channels, used);
}
void texture_mips_backward_cpu(float* grad_tex, float* grad_mip, const MipLayout& layout, int images, int channels) {
  texture_mips_backward_cpu_fn{}(grad_tex, grad_mip, layout, images, channels);
}
void texture_mips_backward_cpu(double* grad_tex, double* grad_mip, const MipLayout& layout, int images,
                               int channels) {
  texture_mips_backward_cpu_fn{}(grad_tex, grad_mip, layout, images, channels);
}
void texture_used_images_cpu(const TextureParams<float>& p, unsigned char* used) {
  texture_used_images_cpu_fn{}(p, used);
}
void texture_used_images_cpu(const TextureParams<double>& p, unsigned char* used) {
  texture_used_images_cpu_fn{}(p, used);
}
void texture_forward_cpu(const TextureParams<float>& p) { texture_forward_cpu_fn{}(p); }
void texture_forward_cpu(const TextureParams<double>& p) { texture_forward_cpu_fn{}(p); }
void texture_backward_cpu(const TextureParams<float>& p) { texture_backward_cpu_fn{}(p); }
void texture_backward_cpu(const TextureParams<double>& p) { texture_backward_cpu_fn{}(p); }
void antialias_forward_cpu(const AntialiasParams<float>& p) { antialias_forward_cpu_fn{}(p); }
void antialias_forward_cpu(const AntialiasParams<double>& p) { antialias_forward_cpu_fn{}(p); }
void antialias_backward_cpu(const AntialiasParams<float>& p) { antialias_backward_cpu_fn{}(p); }
void antialias_backward_cpu(const AntialiasParams<double>& p) { antialias_backward_cpu_fn{}(p); }
void shade_forward_cpu(const ShadeParams<float>& p) { shade_forward_cpu_fn{}(p); }
void shade_forward_cpu(const ShadeParams<double>& p) { shade_forward_cpu_fn{}(p); }
void shade_backward_cpu(const ShadeParams<float>& p) { shade_backward_cpu_fn{}(p); }
void shade_backward_cpu(const ShadeParams<double>& p) { shade_backward_cpu_fn{}(p); }
const char* cpu::kernel_build() { return kernel_build_fn{}(); }

}  // namespace likeness::raster
