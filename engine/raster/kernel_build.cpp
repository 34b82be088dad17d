// Which build of the kernels an object belongs to: cpu::kernel_build() reaches this function
// through the same dispatch as every kernel entry point, so tests can see that selecting a level
// runs that level's code.
#include "engine/raster/kernel_isa.h"  // last: what follows is compiled per instruction set

namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS {

const char* kernel_build() { return LIKENESS_RASTER_KERNEL_NAME; }

}  // namespace likeness::raster::LIKENESS_RASTER_KERNEL_NS
