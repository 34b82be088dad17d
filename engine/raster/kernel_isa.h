#pragma once
// The last include of every kernel file (rasterize, interpolate, mipmap, texture, antialias,
// shade _cpu.cpp). Those files are compiled once per instruction-set level (engine/raster/
// CMakeLists.txt defines LIKENESS_RASTER_ISA_<LEVEL>); from here on, the file's own code is
// compiled for that level and its entry points go into the namespace LIKENESS_RASTER_KERNEL_NS
// (isa_generic, isa_avx2, isa_avx512), which kernel_dispatch.cpp calls through.
// LIKENESS_RASTER_VECTOR_BYTES is the level's register width, for kernels that evaluate several
// pixels at once in GCC vectors.
//
// Everything included before this header (the standard library, cpu_parallel.h, raster_math.h)
// keeps the baseline target: its functions are compiled into the level's code where inlined,
// and their out-of-line copies, which the linker keeps one of, are the same in every object.
// Products and sums are never fused into multiply-adds at any level (-ffp-contract=off, in
// engine/raster/CMakeLists.txt), so every level rounds exactly as the baseline does.
#if defined(LIKENESS_RASTER_ISA_AVX512)
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,avx512cd,avx2,bmi,bmi2,popcnt")
#define LIKENESS_RASTER_KERNEL_NS isa_avx512
#define LIKENESS_RASTER_KERNEL_NAME "avx512"
#define LIKENESS_RASTER_VECTOR_BYTES 64
#elif defined(LIKENESS_RASTER_ISA_AVX2)
#pragma GCC target("avx2,bmi,bmi2,popcnt")
#define LIKENESS_RASTER_KERNEL_NS isa_avx2
#define LIKENESS_RASTER_KERNEL_NAME "avx2"
#define LIKENESS_RASTER_VECTOR_BYTES 32
#elif defined(LIKENESS_RASTER_ISA_GENERIC)
#define LIKENESS_RASTER_KERNEL_NS isa_generic
#define LIKENESS_RASTER_KERNEL_NAME "generic"
#define LIKENESS_RASTER_VECTOR_BYTES 16
#else
#error "kernel files are compiled per instruction set: define LIKENESS_RASTER_ISA_<LEVEL>"
#endif
