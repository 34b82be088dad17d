#pragma once
// Which instruction set the CPU kernels run with. The kernel files (rasterize, interpolate,
// mipmap, texture, antialias, shade) are compiled once per level; the entry points in the
// *_params.h headers dispatch to the best level this CPU supports, or to the one named by the
// environment variable LIKENESS_RASTER_ISA (generic, avx2, avx512). Every level computes the
// same values bit for bit: the levels differ in instruction encoding and vector width only
// (no fused multiply-add, no reassociation), which the ISA tests check op by op.
#include <string>
#include <vector>

namespace likeness::raster::cpu {

enum class Isa : int {
  Generic = 0,  ///< the build's baseline (x86-64: SSE2)
  Avx2 = 1,     ///< AVX2 with BMI1/BMI2 and POPCNT, without FMA
  Avx512 = 2,   ///< AVX-512 F/BW/DQ/VL/CD on top of the AVX2 level, without FMA
};

/// "generic", "avx2", "avx512".
const char* isa_name(Isa isa);

/// Built into this binary and supported by this CPU (and its operating system).
bool isa_available(Isa isa);

/// The levels isa_available() accepts, lowest first (always starts with Generic).
std::vector<Isa> available_isas();

/// The level the kernels run with: set_isa()'s choice, else LIKENESS_RASTER_ISA, else the
/// highest available. Throws std::runtime_error naming the variable when it holds an unknown
/// name or a level this binary or CPU cannot run.
Isa isa();

/// Forces a level (tests and benchmarks); throws std::invalid_argument when it is not available.
void set_isa(Isa isa);

/// Back to the environment's or the automatic choice.
void reset_isa();

/// The name of the kernel build the entry points reach now (isa_name of the level it was
/// compiled for): answered by that build's own code, through the same dispatch as the kernels.
const char* kernel_build();

/// Parses a level name as LIKENESS_RASTER_ISA takes it; throws std::invalid_argument naming the
/// word and the accepted names.
Isa parse_isa(const std::string& name);

}  // namespace likeness::raster::cpu
